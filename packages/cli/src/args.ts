/**
 * A small argument parser for the `mrcnn` commands: `--name value`, `--name=value`, boolean
 * `--flag`, `-h`, and positionals; unknown options are usage errors (exit code 2).
 */

/** Exit codes every `mrcnn` command keeps to. */
export const EXIT_OK = 0;
/** A runtime failure: unreadable model, an image that failed, an I/O error. */
export const EXIT_RUNTIME = 1;
/** Bad command line: unknown command or option, missing or malformed value. */
export const EXIT_USAGE = 2;

/** A command-line mistake; the message is printed with the command's usage hint. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Where commands print (process streams by default; tests pass their own). */
export interface CommandIO {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown; isTTY?: boolean };
}

export interface OptionSpec {
  /** Takes a value (default) or is a boolean flag. */
  type: 'string' | 'boolean';
}

export interface ParsedArgs {
  positionals: string[];
  values: Record<string, string | undefined>;
  flags: Record<string, boolean>;
}

export function parseArgs(argv: readonly string[], spec: Readonly<Record<string, OptionSpec>>): ParsedArgs {
  const out: ParsedArgs = { positionals: [], values: {}, flags: {} };
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
    if (!a.startsWith('--') || a === '-') {
      if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a}`);
      out.positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
    const s = spec[name];
    if (s === undefined) throw new UsageError(`unknown option --${name}`);
    if (s.type === 'boolean') {
      if (eq >= 0) throw new UsageError(`option --${name} takes no value`);
      out.flags[name] = true;
      continue;
    }
    const value = eq >= 0 ? a.slice(eq + 1) : argv[++i];
    if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new UsageError(`option --${name} needs a value`);
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

/** A string option restricted to `choices`, or the default. */
export function choiceOption<T extends string>(args: ParsedArgs, name: string, choices: readonly T[], dflt: T): T {
  const raw = args.values[name];
  if (raw === undefined) return dflt;
  const hit = choices.find((c) => c === raw);
  if (hit === undefined) throw new UsageError(`--${name} must be one of ${choices.join(', ')}, got ${JSON.stringify(raw)}`);
  return hit;
}
