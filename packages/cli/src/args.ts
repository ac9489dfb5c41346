/**
 * The one argument parser of the `mrcnn` commands: `--name value`, `--name=value`, boolean
 * `--flag`, declared one-letter aliases (`-o dir`), `-h`, `--`, and positionals. Unknown options
 * and malformed values are UsageErrors (exit code 2).
 */
import { UsageError } from './command';

export interface OptionSpec {
  /** Takes a value, or is a boolean flag. */
  type: 'string' | 'boolean';
  /** A one-letter alias, e.g. 'o' for `-o`. */
  short?: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

export interface ParsedArgs {
  /** The words parsed (for records of the command line). */
  argv: readonly string[];
  positionals: string[];
  values: Record<string, string | undefined>;
  flags: Record<string, boolean>;
}

export function parseArgs(argv: readonly string[], spec: OptionSpecs): ParsedArgs {
  const out: ParsedArgs = { argv, positionals: [], values: {}, flags: {} };
  const shortNames = new Map(Object.entries(spec).flatMap(([name, s]) => (s.short === undefined ? [] : [[`-${s.short}`, name]])));
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (a === '-h') {
      out.flags.help = true;
      continue;
    }
    const alias = shortNames.get(a);
    if (!a.startsWith('--') && alias === undefined) {
      if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a}`);
      out.positionals.push(a);
      continue;
    }
    const eq = alias === undefined ? a.indexOf('=') : -1;
    const name = alias ?? (eq >= 0 ? a.slice(2, eq) : a.slice(2));
    const shown = alias === undefined ? `--${name}` : a;
    const s = spec[name];
    if (s === undefined) throw new UsageError(`unknown option ${shown}`);
    if (s.type === 'boolean') {
      if (eq >= 0) throw new UsageError(`option ${shown} takes no value`);
      out.flags[name] = true;
      continue;
    }
    const value = eq >= 0 ? a.slice(eq + 1) : argv[++i];
    if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new UsageError(`option ${shown} needs a value`);
    out.values[name] = value;
  }
  return out;
}

/** A number option within [min, max] (integer when `integer`), or the default. */
export function numberOption(args: ParsedArgs, name: string, dflt: number, min: number, max: number, integer = false): number {
  const raw = args.values[name];
  if (raw === undefined) return dflt;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
    throw new UsageError(`--${name} must be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}], got ${JSON.stringify(raw)}`);
  }
  return v;
}

/** An optional number option: undefined when absent, else as `numberOption`. */
export function optionalNumber(args: ParsedArgs, name: string, min: number, max: number, integer = false): number | undefined {
  if (args.values[name] === undefined) return undefined;
  return numberOption(args, name, NaN, min, max, integer);
}

/** A string option restricted to `choices`, or the default (undefined when none is given). */
export function choiceOption<T extends string>(args: ParsedArgs, name: string, choices: readonly T[], dflt: T): T;
export function choiceOption<T extends string>(args: ParsedArgs, name: string, choices: readonly T[]): T | undefined;
export function choiceOption<T extends string>(args: ParsedArgs, name: string, choices: readonly T[], dflt?: T): T | undefined {
  const raw = args.values[name];
  if (raw === undefined) return dflt;
  const hit = choices.find((c) => c === raw);
  if (hit === undefined) throw new UsageError(`--${name} must be one of ${choices.join(', ')}, got ${JSON.stringify(raw)}`);
  return hit;
}

/** A comma-separated list option (empty items dropped; an empty list is a usage error), or undefined. */
export function listOption(args: ParsedArgs, name: string): string[] | undefined {
  const raw = args.values[name];
  if (raw === undefined) return undefined;
  const items = raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (items.length === 0) throw new UsageError(`--${name} needs a comma-separated list, got ${JSON.stringify(raw)}`);
  return items;
}

/** A required option's value. */
export function requiredOption(args: ParsedArgs, name: string, what: string): string {
  const v = args.values[name];
  if (v === undefined) throw new UsageError(`missing --${name} ${what}`);
  return v;
}
