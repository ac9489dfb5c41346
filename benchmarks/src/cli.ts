/** `npm run bench -- [options]`: the harness as a program. */
import { runBenchCommand } from './command';

runBenchCommand(process.argv.slice(2)).then((code) => process.exit(code), (e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
});
