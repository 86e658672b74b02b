import type { RouteContext } from './RouteContext';

export function registerHealthRoutes(ctx: RouteContext): void {
  const { app, health } = ctx;
  app.get('/healthz', async (_request, reply) => {
    const report = await health.run();
    if (report.ok) return { success: true, status: 'ok', checks: report.checks };
    return reply.status(503).send({
      success: false,
      status: 'error',
      error: 'Some health checks failed',
      errorType: 'error-unhealthy',
      checks: report.checks,
    });
  });
}
