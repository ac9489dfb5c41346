/**
 * @mrcnn/server: an Open Inference Protocol (KServe v2 REST) server for the mrcnn model on Fastify
 * (`startServer`; the `mrcnn serve` command of @mrcnn/cli runs it), with Prometheus metrics and
 * inference in @mrcnn/worker-pool's worker threads, and a typed client of the protocol
 * (`InferenceClient`, also alone as `@mrcnn/server/client` for browsers). See README.md.
 */
export { startServer, defaultModel, SERVER_DEFAULTS, ServerOptionError } from './server';
export type { InferenceServer, ServerOptions } from './server';
export { ServerMetrics } from './metrics';
export type { InferOutcome } from './metrics';
export { modelMetadata, MODEL_VERSION, PLATFORM } from './served_model';
export type { ServedModel } from './served_model';
export { parseInferRequest } from './infer_request';
export type { OutputChoice, ParsedInfer, RequestLimits } from './infer_request';
export { probeImage } from './image_probe';
export type { ImageHeader } from './image_probe';
export { CARD_OUTPUTS, INSTANCE_OUTPUTS } from './task';
export type { CardOutput, InstanceOutput, ModelInfo } from './task';
export * from './client';
