/**
 * Health and metadata endpoints of the protocol: `GET /v2` (server metadata), `/v2/health/live`,
 * `/v2/health/ready`, `/v2/models/{name}[/versions/{version}]` (model metadata) and
 * `.../ready`. Health answers are 200 when true and 400 when false (the protocol's 4xx), with a
 * JSON body; an unknown model or version is a 404. Before the model is loaded its name is not
 * known: every model endpoint answers "not ready" (400).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { AppContext, sendError } from '../context';
import { BINARY_TENSOR_DATA, ModelReadyResponse, ServerMetadata } from '../protocol/types';
import { modelMetadata, ServedModel } from '../served_model';

interface ModelParams {
  name: string;
  version?: string;
}

/** The served model when `params` name it; otherwise the error reply (404, or 400 before it is loaded). */
function findModel(ctx: AppContext, params: ModelParams, reply: FastifyReply): ServedModel | FastifyReply {
  const model = ctx.model();
  if (model === undefined) return sendError(reply, 400, `model ${params.name} is not ready: the model is still loading`);
  if (params.name !== model.name) return sendError(reply, 404, `unknown model ${JSON.stringify(params.name)}: this server serves ${JSON.stringify(model.name)}`);
  if (params.version !== undefined && params.version !== model.version) {
    return sendError(reply, 404, `model ${model.name} has no version ${JSON.stringify(params.version)} (versions: ${model.version})`);
  }
  return model;
}

export function registerHealthRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/v2', async () => ({ name: 'mrcnn', version: ctx.serverVersion, extensions: [BINARY_TENSOR_DATA] } satisfies ServerMetadata));
  app.get('/v2/health/live', async () => ({ live: true }));
  app.get('/v2/health/ready', async (_request, reply) => (ctx.ready()
    ? { ready: true }
    : sendError(reply, 400, 'not ready: the model is loading or the server is shutting down')));

  const metadata = async (request: { params: ModelParams }, reply: FastifyReply): Promise<unknown> => {
    const model = findModel(ctx, request.params, reply);
    return 'info' in model ? modelMetadata(model) : model;
  };
  app.get<{ Params: ModelParams }>('/v2/models/:name', metadata);
  app.get<{ Params: ModelParams }>('/v2/models/:name/versions/:version', metadata);

  const ready = async (request: { params: ModelParams }, reply: FastifyReply): Promise<unknown> => {
    const model = findModel(ctx, request.params, reply);
    if (!('info' in model)) return model;
    if (!ctx.ready()) return sendError(reply, 400, `model ${model.name} is not ready: the server is shutting down`);
    return { name: model.name, ready: true } satisfies ModelReadyResponse;
  };
  app.get<{ Params: ModelParams }>('/v2/models/:name/ready', ready);
  app.get<{ Params: ModelParams }>('/v2/models/:name/versions/:version/ready', ready);
}
