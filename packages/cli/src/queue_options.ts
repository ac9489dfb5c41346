/**
 * `--redis URL` and `--queue NAME`, as every queue command reads them: a malformed URL or name
 * is a usage error (exit 2), like any other bad option.
 */
import { checkQueueName, checkRedisUrl, QueueError } from '@mrcnn/queue';
import { ParsedArgs, requiredOption } from './args';
import type { OptionSpecs } from './args';
import { UsageError } from './command';

export const DEFAULT_QUEUE = 'mrcnn';

export const QUEUE_OPTION_SPECS: OptionSpecs = { redis: { type: 'string' }, queue: { type: 'string' } };

/** `--help` entries of the queue options (formatUsage's `[flags, text]`). */
export const QUEUE_OPTION_LINES: ReadonlyArray<readonly [string, string]> = [
  ['--redis <url>', 'Redis: redis://[user:password@]host:port[/db] (rediss:// for TLS)'],
  ['--queue <name>', `queue of the run (default ${DEFAULT_QUEUE}); one queue holds one run`],
];

export function readQueueOptions(args: ParsedArgs): { redis: string; queue: string } {
  const redis = requiredOption(args, 'redis', '<url> (e.g. redis://127.0.0.1:6379)');
  const queue = args.values.queue ?? DEFAULT_QUEUE;
  try {
    return { redis: checkRedisUrl(redis), queue: checkQueueName(queue) };
  } catch (e) {
    if (e instanceof QueueError) throw new UsageError(`--${e.message.startsWith('queue') ? 'queue' : 'redis'}: ${e.message}`);
    throw e;
  }
}
