/**
 * `POST /v2/models/{name}[/versions/{version}]/infer`: parse and check the request
 * (../infer_request), run it through the scheduler (bounded queue, deadline, a worker thread),
 * answer with the outputs as JSON or binary data (../infer_response). Every failure is a
 * ProtocolError answered by the app's error handler with `{"error": ...}`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { WorkerCrashError } from '@mrcnn/worker-pool';
import { AppContext, crashedRequests, sendError } from '../context';
import { parseInferRequest } from '../infer_request';
import { encodeResponse } from '../infer_response';
import { ProtocolError } from '../protocol/errors';
import { INFERENCE_HEADER_CONTENT_LENGTH } from '../protocol/types';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** An inference route: refused before its body is read when not ready or full; counted by outcome. */
    infer?: boolean;
  }
}

interface InferParams {
  name: string;
  version?: string;
}

const EMPTY = new Uint8Array(0);

export function registerInferRoutes(app: FastifyInstance, ctx: AppContext): void {
  const infer = async (request: FastifyRequest<{ Params: InferParams }>, reply: FastifyReply): Promise<FastifyReply> => {
    const t0 = performance.now();
    const model = ctx.model();
    if (model === undefined || !ctx.ready()) return sendError(reply, 503, 'the model is not ready (loading or shutting down)', 1);
    const { name, version } = request.params;
    if (name !== model.name) return sendError(reply, 404, `unknown model ${JSON.stringify(name)}: this server serves ${JSON.stringify(model.name)}`);
    if (version !== undefined && version !== model.version) {
      return sendError(reply, 404, `model ${model.name} has no version ${JSON.stringify(version)} (versions: ${model.version})`);
    }
    const headerLength = request.headers[INFERENCE_HEADER_CONTENT_LENGTH];
    if (Array.isArray(headerLength)) throw new ProtocolError(400, 'Inference-Header-Content-Length appears more than once');
    const body = Buffer.isBuffer(request.body) ? request.body : EMPTY;
    const parsed = parseInferRequest(body, headerLength, model, ctx.limits);
    let result;
    try {
      result = await ctx.scheduler.run(parsed);
    } catch (e) {
      if (e instanceof ProtocolError && e.cause instanceof WorkerCrashError) crashedRequests.add(request);
      throw e;
    }
    const encoded = encodeResponse(parsed, result, model);
    ctx.metrics.inferDuration.observe({ input: parsed.task.kind }, (performance.now() - t0) / 1000);
    if (encoded.headerLength !== undefined) void reply.header(INFERENCE_HEADER_CONTENT_LENGTH, String(encoded.headerLength));
    return reply.type(encoded.contentType).send(encoded.body);
  };
  app.post('/v2/models/:name/infer', { config: { infer: true } }, infer);
  app.post('/v2/models/:name/versions/:version/infer', { config: { infer: true } }, infer);
}
