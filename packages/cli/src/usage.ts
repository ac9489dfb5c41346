/**
 * The one layout of every command's `--help` (and of `mrcnn --help`'s exit-code line): a usage
 * line, what the command does, its options one per line (flags, then what they do; long texts
 * continue on indented lines), `-h, --help`, and the exit codes, which are the same for every
 * command (./command: 0 ok, 1 runtime error, 2 usage error) with what each means for it.
 */

export interface UsageSpec {
  /** The command's name (the word after `mrcnn`). */
  name: string;
  /** Its arguments, e.g. `<image|dir...> [options]`. */
  synopsis: string;
  /** What it does, in a few lines (already wrapped). */
  description: string;
  /** `[flags, what they do]` in the order shown; `-h, --help` is added last. */
  options: ReadonlyArray<readonly [string, string]>;
  /** What exit code 0 and 1 mean for this command (default: "ok" and "runtime error"). */
  exit?: { ok?: string; runtime?: string };
}

/** The exit-code line every command's help ends with. */
export function exitCodesLine(exit: UsageSpec['exit'] = {}): string {
  return `Exit codes: 0 ${exit.ok ?? 'ok'}; 1 ${exit.runtime ?? 'runtime error'}; 2 usage error.`;
}

/** A command's `--help` text. */
export function formatUsage(spec: UsageSpec): string {
  const options: Array<readonly [string, string]> = [...spec.options, ['-h, --help', 'this help']];
  const width = Math.min(28, Math.max(...options.map(([f]) => f.length))) + 2;
  const lines = options.flatMap(([flags, text]) => {
    const [first, ...rest] = text.split('\n');
    const head = flags.length + 2 > width ? [`  ${flags}`, `  ${' '.repeat(width)}${first}`] : [`  ${flags.padEnd(width)}${first}`];
    return [...head, ...rest.map((l) => `  ${' '.repeat(width)}${l}`)];
  });
  return `Usage: mrcnn ${spec.name} ${spec.synopsis}

${spec.description.trimEnd()}

Options:
${lines.join('\n')}

${exitCodesLine(spec.exit)}
`;
}
