/**
 * `mrcnn status --redis URL [--queue NAME] [--json]`: progress of a queued run from any machine —
 * done / failed / running / waiting, workers connected, the recent rate and the ETA, and the
 * failed images with their last error.
 */
import { runStatus, showRedisUrl } from '@mrcnn/queue';
import type { RunStatus } from '@mrcnn/queue';
import { numberOption, ParsedArgs } from './args';
import { Command, CommandIO, EXIT_OK } from './command';
import { formatDuration, progressLine } from './progress';
import { QUEUE_OPTION_LINES, QUEUE_OPTION_SPECS, readQueueOptions } from './queue_options';
import { formatUsage } from './usage';

function statusUsage(): string {
  return formatUsage({
    name: 'status',
    synopsis: '--redis <url> [options]',
    description: "Progress of the queue's run (mrcnn enqueue), from any machine that reaches Redis.",
    options: [
      ...QUEUE_OPTION_LINES,
      ['--json', 'the status as JSON on stdout'],
      ['--failures <n>', 'list at most n failed images (default 20)'],
    ],
    exit: { ok: "ok (whatever the run's state)", runtime: 'runtime error (Redis unreachable, no run)' },
  });
}

/** The human-readable status. */
export function formatStatus(s: RunStatus, redis: string): string {
  const done = s.completed + s.failed;
  const lines = [
    `${s.queue} @ ${showRedisUrl(redis)}: run '${s.name}', enqueued ${new Date(s.createdAt).toISOString()}`,
    progressLine(done, s.total, s.rate > 0 ? 1 : 0, s.rate > 0 ? 1 / s.rate : 0, s.failed),
    `done ${s.completed}, failed ${s.failed}, running ${s.active}, waiting ${s.waiting}, retrying later ${s.delayed}; ` +
      `${s.workers} worker connection(s); ${s.rate.toFixed(2)} img/s, ETA ${formatDuration(s.etaSeconds ?? NaN)}`,
  ];
  if (s.failures.length > 0) {
    lines.push(`failed images${s.failures.length < s.failed ? ` (first ${s.failures.length})` : ''}:`);
    for (const f of s.failures) lines.push(`  ${f.key} (${f.file}): ${f.reason} [${f.attempts} attempt(s)]`);
  }
  return `${lines.join('\n')}\n`;
}

async function runStatusCommand(args: ParsedArgs, io: CommandIO): Promise<number> {
  const { redis, queue } = readQueueOptions(args);
  const failures = numberOption(args, 'failures', 20, 0, 100000, true);
  const status = await runStatus(redis, queue, args.flags.json ? Math.max(failures, 1000) : failures);
  io.stdout.write(args.flags.json ? `${JSON.stringify(status, null, 1)}\n` : formatStatus(status, redis));
  return EXIT_OK;
}

export const statusCommand: Command = {
  name: 'status',
  synopsis: '--redis <url>',
  summary: 'progress of a queued run: done, failed, rate, ETA',
  options: { ...QUEUE_OPTION_SPECS, json: { type: 'boolean' }, failures: { type: 'string' } },
  usage: statusUsage,
  run: runStatusCommand,
};
