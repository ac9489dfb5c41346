/** `GET /metrics`: the server's Prometheus metrics in the text exposition format (./metrics). */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context';

export function registerMetricsRoute(app: FastifyInstance, ctx: AppContext): void {
  app.get('/metrics', async (_request, reply) => {
    const text = await ctx.metrics.registry.metrics();
    return reply.type(ctx.metrics.registry.contentType).send(text);
  });
}
