/**
 * The line protocol of a served subject (interleaved runs): the orchestrator writes one JSON
 * command per line on the child's stdin; the child answers each with one `REPLY <json>` line on
 * stdout. Node workers (`worker.js --serve`) and the PyTorch script (`--serve`) speak it alike.
 */
import { GpuFigures, MemoryFigures, RunCounts, Stage } from './types';

export type ServeCommand = { op: 'load' } | { op: 'run'; image: number } | { op: 'finish' };

export interface LoadReply { runtime: Record<string, string | number | boolean>; loadMs: number }
export interface RunReply { image: string; ms: number; stages?: Partial<Record<Stage, number>>; counts: RunCounts }
export interface FinishReply {
  memory: MemoryFigures;
  profile?: Record<string, number>;
  /** RoIs per image found by the profile pass (null: not exposed). */
  rois?: Array<number | null>;
  gpu?: GpuFigures;
}

export type Reply<T> = ({ ok: true } & T) | { ok: false; error: string };

export const REPLY_PREFIX = 'REPLY ';
