/**
 * Redis connections. Workers' connections (BullMQ options from a `redis://` or `rediss://` URL)
 * reconnect for as long as the worker runs: a Redis restart is waited out, commands issued
 * meanwhile are queued and sent on reconnection. One-shot commands (enqueue, status, collect) run
 * through `withRedis`, whose client gives up after a few seconds (redis_client.ts). Owns nothing:
 * each call closes what it opens.
 */
import type { RedisOptions } from 'bullmq';
import { checkRedisUrl } from './names';
import { withClient } from './redis_client';

export { KEY_PREFIX, checkQueueName, checkRedisUrl, showRedisUrl } from './names';

/**
 * The Redis commands this package issues itself (an ioredis client has them), typed here so the
 * package's declarations do not expose ioredis's (which need `skipLibCheck` in a consumer).
 */
export interface RedisCommands {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, nx: 'NX'): Promise<'OK' | null>;
  del(...keys: string[]): Promise<number>;
  rename(key: string, newKey: string): Promise<'OK'>;
  llen(key: string): Promise<number>;
  lrange(key: string, start: number, stop: number): Promise<string[]>;
  rpush(key: string, ...values: string[]): Promise<number>;
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

/** Runs `fn` with a one-shot client, closed afterwards; an unreachable Redis is a QueueError naming it. */
export function withRedis<T>(url: string, fn: (client: RedisCommands) => Promise<T>): Promise<T> {
  return withClient(url, fn);
}
