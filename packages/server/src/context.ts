/**
 * What the routes share: the served model and readiness, the scheduler, the metrics and the
 * limits (built by ./server), and the one way a failure is answered: `{"error": "..."}` with its
 * status, 503s with Retry-After.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RequestLimits } from './infer_request';
import type { ServerMetrics } from './metrics';
import type { InferenceScheduler } from './scheduler';
import type { ServedModel } from './served_model';

export interface AppContext {
  /** The served model once a worker has loaded it. */
  model(): ServedModel | undefined;
  /** Loaded and not draining. */
  ready(): boolean;
  /** close() has begun: responses close their connections so the drain ends with the last one. */
  draining(): boolean;
  scheduler: InferenceScheduler;
  metrics: ServerMetrics;
  limits: RequestLimits;
  /** Largest request body, bytes. */
  bodyLimit: number;
  /** Longest time to receive a request (ms); also the inference deadline. */
  timeoutMs: number;
  serverVersion: string;
}

/** Answers with the protocol's error object. */
export function sendError(reply: FastifyReply, status: number, message: string, retryAfter?: number): FastifyReply {
  if (retryAfter !== undefined) void reply.header('retry-after', String(retryAfter));
  return reply.code(status).type('application/json; charset=utf-8').send(JSON.stringify({ error: message }));
}

/** Inference requests whose worker crashed (their 500 is counted as outcome 'crash'). */
export const crashedRequests = new WeakSet<FastifyRequest>();
