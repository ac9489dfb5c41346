/**
 * The Fastify application: every body is read as raw bytes (the inference route splits JSON and
 * binary data itself; Fastify's body limit applies), every failure is answered with the protocol's
 * error object `{"error": "..."}` (503s with Retry-After), and the routes of ./routes are
 * registered. Inference requests are refused before their body is read when the model is not
 * ready or the queue is full.
 */
import Fastify, { FastifyError, FastifyInstance } from 'fastify';
import { AppContext, crashedRequests, sendError } from './context';
import type { InferOutcome } from './metrics';
import { ProtocolError } from './protocol/errors';
import { registerHealthRoutes } from './routes/health';
import { registerInferRoutes } from './routes/infer';
import { registerMetricsRoute } from './routes/metrics';

/** The outcome of an answered inference request, from its status. */
function outcomeOf(status: number, crashed: boolean): InferOutcome {
  if (status < 400) return 'success';
  if (status === 503) return 'rejected';
  if (status === 504) return 'timeout';
  if (status < 500) return 'invalid';
  return crashed ? 'crash' : 'error';
}

export function buildApp(ctx: AppContext): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: ctx.bodyLimit,
    requestTimeout: ctx.timeoutMs,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.setErrorHandler((error: FastifyError | ProtocolError | Error, _request, reply) => {
    if (error instanceof ProtocolError) return sendError(reply, error.status, error.message, error.retryAfter);
    const status = (error as FastifyError).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 600) return sendError(reply, status, error.message);
    return sendError(reply, 500, `internal error: ${error.message}`);
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, 404, `no endpoint ${request.method} ${request.url.split('?')[0]}`));

  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config?.infer !== true) return undefined;
    if (!ctx.ready()) return sendError(reply, 503, 'the model is not ready (loading or shutting down)', 1);
    if (!ctx.scheduler.hasRoom()) {
      const e = ctx.scheduler.fullError();
      return sendError(reply, 503, e.message, e.retryAfter);
    }
    return undefined;
  });

  // While draining, a kept-alive connection would hold close() until its keep-alive timeout.
  app.addHook('onSend', async (_request, reply) => {
    if (ctx.draining()) void reply.header('connection', 'close');
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    ctx.metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    if (request.routeOptions.config?.infer === true) {
      ctx.metrics.inferRequests.inc({ outcome: outcomeOf(reply.statusCode, crashedRequests.has(request)) });
    }
  });

  registerHealthRoutes(app, ctx);
  registerInferRoutes(app, ctx);
  registerMetricsRoute(app, ctx);
  return app;
}
