#!/usr/bin/env node
/**
 * `mrcnn`: one command line for the project. Every command is a `Command` (./command) in the
 * table below; `main` dispatches to it through `runCommand`, which owns the one exit-code
 * convention: 0 ok, 1 runtime error, 2 usage error. The queue commands (enqueue, worker, status,
 * collect) run detection past one machine on @mrcnn/queue. `bench` needs @mrcnn/benchmarks (a private
 * package of the repository), resolved when called and listed by `--help` only where it resolves.
 */
import { MrcnnError } from '@mrcnn/schema';
import { parseArgs } from './args';
import { benchCommand } from './bench_command';
import { collectCommand } from './collect_command';
import { Command, CommandIO, EXIT_OK, EXIT_RUNTIME, EXIT_USAGE, UsageError } from './command';
import { convertCommand } from './convert_command';
import { detectCommand } from './detect_command';
import { enqueueCommand } from './enqueue_command';
import { evalCommand } from './eval_command';
import { infoCommand } from './info_command';
import { modelsCommand } from './models_command';
import { serveCommand } from './serve_command';
import { statusCommand } from './status_command';
import { videoCommand } from './video_command';
import { workerCommand } from './worker_command';
import { exitCodesLine } from './usage';

/** Every command, in `--help` order. */
export const COMMANDS: readonly Command[] = [
  detectCommand, infoCommand, modelsCommand, convertCommand, evalCommand, videoCommand,
  enqueueCommand, workerCommand, statusCommand, collectCommand,
  serveCommand,
  benchCommand,
];

/** `mrcnn --help`: the commands available here. */
export function mainUsage(): string {
  const shown = COMMANDS.filter((c) => c.available?.() ?? true);
  const width = Math.max(...shown.map((c) => `${c.name} ${c.synopsis}`.length)) + 3;
  const lines = shown.map((c) => `  ${`${c.name} ${c.synopsis}`.padEnd(width)}${c.summary}`);
  return `Usage: mrcnn <command> [options]   (mrcnn <command> --help for details)

Commands:
${lines.join('\n')}

Options:
  -h, --help     this help
  -V, --version  the version of @mrcnn/cli

${exitCodesLine()} (every command)
`;
}

/** `mrcnn --version`: this package's version (package.json sits one level above src/ and dist/). */
export function cliVersion(): string {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  return (require('../package.json') as { version: string }).version;
}

function describeError(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** Parses `argv` for `command`, answers --help, runs it; resolves to the exit code (never rejects). */
export async function runCommand(command: Command, argv: readonly string[], io: CommandIO): Promise<number> {
  try {
    const args = parseArgs(argv, { ...command.options, help: { type: 'boolean' } });
    if (args.flags.help) {
      io.stdout.write(command.usage());
      return EXIT_OK;
    }
    return await command.run(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`mrcnn ${command.name}: ${e.message}\n(mrcnn ${command.name} --help for usage)\n`);
      return EXIT_USAGE;
    }
    io.stderr.write(`mrcnn ${command.name}: ${describeError(e)}\n`);
    if (!(e instanceof MrcnnError) && process.env.MRCNN_DEBUG) io.stderr.write(`${(e as Error).stack ?? ''}\n`);
    return EXIT_RUNTIME;
  }
}

/** Runs the command line `argv` (without node and script); resolves to the exit code. */
export async function main(argv: readonly string[], io: CommandIO = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout).write(mainUsage());
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (name === '--version' || name === '-V') {
    io.stdout.write(`mrcnn (@mrcnn/cli) ${cliVersion()}\n`);
    return EXIT_OK;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    io.stderr.write(`mrcnn: unknown command '${name}'\n\n${mainUsage()}`);
    return EXIT_USAGE;
  }
  return runCommand(command, rest, io);
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e: unknown) => {
    process.stderr.write(`mrcnn: ${String(e)}\n`);
    process.exitCode = EXIT_RUNTIME;
  });
}
