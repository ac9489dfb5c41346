/**
 * What a model fetch reports while it runs: `@mrcnn/hub` (download, verify, convert of a named
 * model in Node) and `@mrcnn/model`'s URL loader (model.json and shards in a browser, from the
 * network or the Cache API) call `onFetchProgress` with it; the command line draws it.
 */
export type FetchPhase =
  /** Bytes arriving from the network. */
  | 'download'
  /** Bytes read from a cache instead (the browser's Cache API). */
  | 'cache'
  /** The downloaded checkpoint's SHA-256 being checked. */
  | 'verify'
  /** The checkpoint being converted to a tfjs model. */
  | 'convert';

export interface FetchProgress {
  phase: FetchPhase;
  /** The URL (download, cache) or file (verify, convert) being processed. */
  source: string;
  /**
   * Bytes done in this phase: a checkpoint download counts the bytes resumed from an earlier attempt
   * too; a URL model load counts its weight bytes so far, from the network and the cache together.
   */
  bytes: number;
  /** Bytes the phase will process, when known (a URL model load: its manifest's total). */
  total?: number;
  /** Bytes already present when the phase started (a resumed download), part of `bytes`. */
  resumedFrom: number;
  /** Mean rate of this attempt in bytes per second (0 until measurable). */
  bytesPerSecond: number;
  /** Seconds left at that rate, when `total` is known and the rate measurable. */
  etaSeconds?: number;
  /** True once, on the phase's last report. */
  done: boolean;
}
