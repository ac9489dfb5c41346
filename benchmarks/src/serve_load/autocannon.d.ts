/** The part of autocannon's API (npm `autocannon`, no bundled types) the load benchmark uses. */
declare module 'autocannon' {
  import type { EventEmitter } from 'events';

  interface Request {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
  }

  interface Options extends Request {
    url: string;
    connections?: number;
    /** Seconds (ignored when `amount` is set). */
    duration?: number;
    amount?: number;
    /** Seconds to wait for a response. */
    timeout?: number;
    requests?: Request[];
  }

  interface Result {
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    statusCodeStats: Record<string, { count: number }>;
  }

  interface Instance extends EventEmitter {
    stop(): void;
  }

  function autocannon(options: Options, callback: (err: Error | null, result: Result) => void): Instance;
  export = autocannon;
}
