#!/usr/bin/env node
/**
 * `mrcnn`: one command line for the project. `detect` and `info` live here; `convert` is
 * @mrcnn/weights-converter's, `eval` is ../eval/command's and `bench` is @mrcnn/benchmarks'
 * (loaded only when called, so a missing optional package only affects its own command).
 */
import { MrcnnError } from '../errors';
import { CommandIO, EXIT_OK, EXIT_RUNTIME, EXIT_USAGE, UsageError } from './args';
import { runDetectCommand } from './detect_command';
import { runInfoCommand } from './info_command';

export const MAIN_USAGE = `Usage: mrcnn <command> [options]   (mrcnn <command> --help for details)

Commands:
  detect <image|dir...>   detect instances: overlay PNGs, instances JSON, COCO results
  info <model>            config, parameter count and tensors of a model.json
  convert ...             convert a .pth / ONNX / OpenVINO IR to a tfjs model.json
  eval ...                COCO box and mask AP of a model on an annotated image set
  bench ...               benchmarks by backend and stage

Exit codes (all commands): 0 ok, 1 runtime error, 2 usage error.
`;

type Command = (argv: string[], io: CommandIO) => Promise<number>;

/** Resolves a command exported by a module loaded on demand; a clear error when it is absent. */
function lazyCommand(moduleId: string, exportName: string, what: string): Command {
  return async (argv, io) => {
    let mod: Record<string, unknown>;
    try {
      // A variable id keeps bundlers and tsc from resolving optional modules at build time.
      const req: NodeRequire = require;
      mod = req(moduleId) as Record<string, unknown>;
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'MODULE_NOT_FOUND') {
        io.stderr.write(`mrcnn: '${what}' is not available: ${moduleId} is not installed or not built (npm run build)\n`);
        return EXIT_RUNTIME;
      }
      throw e;
    }
    const fn = mod[exportName];
    if (typeof fn !== 'function') {
      io.stderr.write(`mrcnn: '${what}' is not available: ${moduleId} has no ${exportName}()\n`);
      return EXIT_RUNTIME;
    }
    return (fn as Command)(argv, io);
  };
}

const COMMANDS: Readonly<Record<string, Command>> = {
  detect: runDetectCommand,
  info: runInfoCommand,
  convert: lazyCommand('@mrcnn/weights-converter', 'runConvertCommand', 'convert'),
  eval: lazyCommand('../eval/command', 'runEvalCommand', 'eval'),
  bench: lazyCommand('@mrcnn/benchmarks', 'runBenchCommand', 'bench'),
};

/** Runs the command line `argv` (without node and script); resolves to the exit code. */
export async function main(argv: readonly string[], io: CommandIO = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout).write(MAIN_USAGE);
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    io.stderr.write(`mrcnn: unknown command '${name}'\n\n${MAIN_USAGE}`);
    return EXIT_USAGE;
  }
  try {
    return await command(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`mrcnn ${name}: ${e.message}\n(mrcnn ${name} --help for usage)\n`);
      return EXIT_USAGE;
    }
    const msg = e instanceof MrcnnError ? `${e.name}: ${e.message}` : e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    io.stderr.write(`mrcnn ${name}: ${msg}\n`);
    if (!(e instanceof MrcnnError) && process.env.MRCNN_DEBUG) io.stderr.write(`${(e as Error).stack ?? ''}\n`);
    return EXIT_RUNTIME;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e: unknown) => {
    process.stderr.write(`mrcnn: ${String(e)}\n`);
    process.exitCode = EXIT_RUNTIME;
  });
}
