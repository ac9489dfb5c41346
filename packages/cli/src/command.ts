/**
 * The contract every `mrcnn` command keeps. A command declares its options and its `--help` text;
 * `runCommand` (./main) parses the command line with the one parser (./args), answers `--help`,
 * and turns what the command throws into the exit code: UsageError → 2, any other error → 1.
 * Commands print only through the CommandIO they are given.
 */
import { MrcnnError } from '@mrcnn/schema';
import type { OptionSpecs, ParsedArgs } from './args';

/** Exit codes every `mrcnn` command keeps to. */
export const EXIT_OK = 0;
/** A runtime failure: unreadable model, an image that failed, an I/O error. */
export const EXIT_RUNTIME = 1;
/** Bad command line: unknown command or option, missing or malformed value. */
export const EXIT_USAGE = 2;

/** A command-line mistake (an MrcnnError, as every error the packages throw on purpose); exit code 2. */
export class UsageError extends MrcnnError {}

/** Where commands print (the process streams by default; tests pass their own). */
export interface CommandIO {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown; isTTY?: boolean };
}

export interface Command {
  /** The word after `mrcnn`. */
  readonly name: string;
  /** Its arguments, as `mrcnn --help` lists them (e.g. `<image|dir...>`). */
  readonly synopsis: string;
  /** One line for `mrcnn --help`. */
  readonly summary: string;
  /** Its options; `-h` / `--help` is added to every command. */
  readonly options: OptionSpecs;
  /** The `--help` text. */
  usage(): string;
  /** Runs on parsed arguments; resolves to the exit code; throws UsageError for a bad command line. */
  run(args: ParsedArgs, io: CommandIO): Promise<number>;
  /** Listed by `mrcnn --help` only when this says so (a command whose package is optional). */
  available?(): boolean;
}
