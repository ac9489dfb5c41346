/** BoundedQueue (block and drop-oldest) and readAhead: ordering, backpressure, drops, events never dropped, errors, early stop. */
import { BoundedQueue, readAhead } from './bounded_queue';

type Item = { kind: 'frame' | 'event'; n: number };

describe('BoundedQueue', () => {
  it('block mode: push waits for room; items come out in order', async () => {
    const q = new BoundedQueue<number>({ capacity: 2, mode: 'block' });
    const pushed: number[] = [];
    const producer = (async () => {
      for (let k = 0; k < 5; k++) {
        await q.push(k);
        pushed.push(k);
      }
      q.close();
    })();
    await new Promise((r) => setTimeout(r, 10));
    expect(pushed).toEqual([0, 1]); // the third push waits
    const got: number[] = [];
    for await (const x of q) got.push(x);
    await producer;
    expect(got).toEqual([0, 1, 2, 3, 4]);
  });

  it('drop-oldest: keeps the newest frames, counts the drops; events are never dropped and never displace a frame', async () => {
    const dropped: Item[] = [];
    const q = new BoundedQueue<Item>({ capacity: 2, mode: 'drop-oldest', droppable: (i) => i.kind === 'frame', onDrop: (i) => dropped.push(i) });
    for (let n = 0; n < 4; n++) await q.push({ kind: 'frame', n });
    await q.push({ kind: 'event', n: 100 });
    for (let n = 4; n < 7; n++) await q.push({ kind: 'frame', n });
    q.close();
    const got: Item[] = [];
    for await (const x of q) got.push(x);
    // frames 0, 1 made room for 2, 3; the event goes beyond the capacity; then only frames after it are dropped.
    expect(dropped.map((i) => i.n)).toEqual([0, 1, 4, 5]);
    expect(got.map((i) => `${i.kind}${i.n}`)).toEqual(['frame2', 'frame3', 'event100', 'frame6']);
  });

  it('close(error) ends the stream with the error after what is queued; cancel drops everything', async () => {
    const q = new BoundedQueue<number>({ capacity: 3, mode: 'block' });
    await q.push(1);
    q.close(new Error('boom'));
    await expect(q.shift()).resolves.toEqual({ value: 1, done: false });
    await expect(q.shift()).rejects.toThrow('boom');
    await expect(q.shift()).resolves.toEqual({ value: undefined, done: true });
    const c = new BoundedQueue<number>({ capacity: 1, mode: 'block' });
    await c.push(1);
    const waiting = c.push(2);
    c.cancel();
    await waiting;
    await expect(c.shift()).resolves.toEqual({ value: undefined, done: true });
    expect(() => new BoundedQueue({ capacity: 0, mode: 'block' })).toThrow(/capacity/);
  });
});

describe('readAhead', () => {
  it('reads up to depth items ahead while the consumer works, in order; errors come in order', async () => {
    let produced = 0;
    async function* source(): AsyncGenerator<number> {
      for (let k = 0; k < 6; k++) {
        produced = k + 1;
        yield k;
      }
      throw new Error('end of tape');
    }
    const got: number[] = [];
    const seenAhead: number[] = [];
    await expect((async () => {
      for await (const x of readAhead(source(), 2)) {
        await new Promise((r) => setTimeout(r, 5));
        seenAhead.push(produced - x - 1);
        got.push(x);
      }
    })()).rejects.toThrow('end of tape');
    expect(got).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Math.max(...seenAhead)).toBeGreaterThanOrEqual(2); // the source ran ahead of the consumer
    expect(Math.max(...seenAhead)).toBeLessThanOrEqual(3); // by depth (+ the one in the pump's hand)
  });

  it('stops the source when the consumer stops early', async () => {
    let finished = false;
    async function* source(): AsyncGenerator<number> {
      try {
        for (let k = 0; ; k++) yield k;
      } finally {
        finished = true;
      }
    }
    for await (const x of readAhead(source(), 2)) if (x === 3) break;
    expect(finished).toBe(true);
  });
});
