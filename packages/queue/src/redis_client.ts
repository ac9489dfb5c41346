/**
 * The ioredis client of one-shot commands (enqueue, status, collect): it gives up after a few
 * seconds when Redis cannot be reached, and an unreachable Redis becomes a QueueError naming the
 * address. Internal: ioredis's types stay out of the package's declarations (index.ts does not
 * export this module).
 */
import { Redis } from 'ioredis';
import { QueueError } from './errors';
import { checkRedisUrl, showRedisUrl } from './names';

/** A client for one-shot commands: it fails after a few seconds without Redis instead of hanging. */
function oneShotClient(url: string): Redis {
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
export async function withClient<T>(url: string, fn: (client: Redis) => Promise<T>): Promise<T> {
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
