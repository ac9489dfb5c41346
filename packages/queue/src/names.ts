/**
 * Names this package checks and shows: the key prefix, queue names, Redis URLs (shown without
 * their password).
 */
import { QueueError } from './errors';

/** Key prefix of everything this package writes to Redis (BullMQ's keys and the run's). */
export const KEY_PREFIX = 'mrcnn';

const QUEUE_NAME = /^[A-Za-z0-9._-]{1,100}$/;

/** Checks a queue name (BullMQ's names may not hold `:`; this keeps them to a safe set). */
export function checkQueueName(name: string): string {
  if (!QUEUE_NAME.test(name)) {
    throw new QueueError(`queue name ${JSON.stringify(name)}: use 1 to 100 of A-Z a-z 0-9 . _ -`);
  }
  return name;
}

/** Checks a Redis URL; returns it. */
export function checkRedisUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new QueueError(`Redis URL ${JSON.stringify(url)}: not a URL (redis://[user:password@]host:port[/db])`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new QueueError(`Redis URL ${JSON.stringify(url)}: the scheme must be redis:// or rediss://`);
  }
  if (u.hostname === '') throw new QueueError(`Redis URL ${JSON.stringify(url)}: no host`);
  return url;
}

/** The URL without its password, for messages. */
export function showRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}
