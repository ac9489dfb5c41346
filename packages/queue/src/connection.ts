/**
 * Redis connection settings for BullMQ and ioredis, from a `redis://` or `rediss://` URL. Two kinds:
 * one-shot commands (enqueue, status, collect) give up after a few seconds when Redis cannot be
 * reached; workers keep reconnecting for as long as they run (a Redis restart is waited out, the
 * commands issued meanwhile are queued and sent on reconnection). Owns nothing: callers close
 * the clients they make.
 */
import type { RedisOptions } from 'bullmq';
import { Redis } from 'ioredis';
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

/** Options for a client that lives as long as a worker: reconnects forever, at most every 2 s. */
export function workerConnection(url: string): RedisOptions {
  return {
    url: checkRedisUrl(url),
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    retryStrategy: (times: number) => Math.min(250 * times, 2000),
  };
}

/** A client for one-shot commands: it fails after a few seconds without Redis instead of hanging. */
export function oneShotClient(url: string): Redis {
  const client = new Redis(checkRedisUrl(url), {
    maxRetriesPerRequest: 2,
    connectTimeout: 3000,
    retryStrategy: (times: number) => (times > 4 ? null : 250 * times),
  });
  // Errors reach the callers through their commands; without a listener ioredis would print them.
  client.on('error', () => undefined);
  return client;
}

/** Runs `fn` with a one-shot client, closed afterwards; an unreachable Redis becomes a QueueError naming it. */
export async function withRedis<T>(url: string, fn: (client: Redis) => Promise<T>): Promise<T> {
  const client = oneShotClient(url);
  try {
    return await fn(client);
  } catch (e) {
    if (e instanceof QueueError) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    if (/connect|closed|ECONNREFUSED|ETIMEDOUT|ENOTFOUND|max retries/i.test(msg)) {
      throw new QueueError(`cannot reach Redis at ${showRedisUrl(url)}: ${msg}`, { cause: e });
    }
    throw e;
  } finally {
    client.disconnect();
  }
}
