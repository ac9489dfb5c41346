/**
 * The bounded queue between two stages of a video pipeline. `push` waits while the queue is full
 * (`block`: a file's decoder is held back, nothing is lost), or, in `drop-oldest` mode, makes room
 * by dropping the oldest droppable item (a live source keeps its newest frames; `onDrop` counts
 * them). Items `droppable` refuses, such as source events, are never dropped and never displace
 * another item (they are queued beyond the capacity), and only items queued after the last such
 * event are dropped (the frame before a source event stays with it). `close(error?)` ends
 * the stream for the consumer after what is queued (with the error, if any).
 */
import { ArgumentError } from '@mrcnn/model';

export type QueueMode = 'block' | 'drop-oldest';

export interface BoundedQueueOptions<T> {
  capacity: number;
  mode: QueueMode;
  /** drop-oldest: which items may be dropped (default: all). */
  droppable?: (item: T) => boolean;
  /** Called for each dropped item. */
  onDrop?: (item: T) => void;
}

export class BoundedQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private readonly capacity: number;
  private readonly mode: QueueMode;
  private readonly droppable: (item: T) => boolean;
  private readonly onDrop?: (item: T) => void;
  private closed = false;
  private failure: { error: unknown } | undefined;
  private readers: Array<() => void> = [];
  private writers: Array<() => void> = [];

  constructor(options: BoundedQueueOptions<T>) {
    if (!Number.isInteger(options.capacity) || options.capacity < 1) throw new ArgumentError('BoundedQueue options.capacity', `expected an integer >= 1, got ${options.capacity}`);
    this.capacity = options.capacity;
    this.mode = options.mode;
    this.droppable = options.droppable ?? (() => true);
    this.onDrop = options.onDrop;
  }

  get length(): number {
    return this.items.length;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private wake(list: Array<() => void>): void {
    const waiting = list.splice(0);
    for (const w of waiting) w();
  }

  /** Adds an item (after the consumer made room, in block mode). Pushing to a closed queue does nothing. */
  async push(item: T): Promise<void> {
    while (!this.closed && this.items.length >= this.capacity) {
      if (this.mode === 'drop-oldest') {
        if (!this.droppable(item)) break; // an event never displaces a frame: it may exceed the capacity
        // Only frames queued after the last event go: the frame an event follows stays with it.
        let from = this.items.length;
        while (from > 0 && this.droppable(this.items[from - 1])) from--;
        const k = from < this.items.length ? from : -1;
        if (k >= 0) {
          const [gone] = this.items.splice(k, 1);
          this.onDrop?.(gone);
          continue;
        }
        break; // nothing droppable after the last event: exceed the capacity rather than lose an item
      }
      await new Promise<void>((resolve) => this.writers.push(resolve));
    }
    if (this.closed) return;
    this.items.push(item);
    this.wake(this.readers);
  }

  /** No more items; the consumer gets what is queued, then `error` (if any) or the end. Idempotent. */
  close(error?: unknown): void {
    if (this.closed) return;
    this.closed = true;
    if (error !== undefined) this.failure = { error };
    this.wake(this.readers);
    this.wake(this.writers);
  }

  /** Drops everything queued and closes (the consumer stopped). */
  cancel(): void {
    this.items.length = 0;
    this.close();
  }

  /** The next item, or done once closed and drained (rejects with the close error). */
  async shift(): Promise<IteratorResult<T, undefined>> {
    for (;;) {
      if (this.items.length > 0) {
        const value = this.items.shift() as T;
        this.wake(this.writers);
        return { value, done: false };
      }
      if (this.closed) {
        if (this.failure !== undefined) {
          const { error } = this.failure;
          this.failure = undefined;
          throw error;
        }
        return { value: undefined, done: true };
      }
      await new Promise<void>((resolve) => this.readers.push(resolve));
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<T, undefined> {
    return {
      next: () => this.shift(),
      return: async () => {
        this.cancel();
        return { value: undefined, done: true };
      },
    };
  }
}

/**
 * Reads `source` ahead of its consumer into a bounded queue (block mode): up to `depth` items
 * wait while the consumer works on the previous one, so the producer (a decoder) and the consumer
 * (the network) overlap. Errors come out in order; when the consumer stops early the source's
 * `return()` is called.
 */
export async function* readAhead<T>(source: AsyncIterable<T>, depth: number): AsyncGenerator<T, void, undefined> {
  const queue = new BoundedQueue<T>({ capacity: depth, mode: 'block' });
  const it = source[Symbol.asyncIterator]();
  let stopped = false;
  const pump = (async () => {
    try {
      for (;;) {
        const r = await it.next();
        if (r.done || stopped) break;
        await queue.push(r.value);
      }
      queue.close();
    } catch (e) {
      queue.close(e);
    }
  })();
  try {
    for (;;) {
      const r = await queue.shift();
      if (r.done) break;
      yield r.value;
    }
  } finally {
    stopped = true;
    queue.cancel();
    await it.return?.();
    await pump;
  }
}
