import type { FastifyError, FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { PushPlatform } from '../../definitions/IPushToken';
import { isPushError } from '../../lib/errors';
import type { AdminGuard } from './adminAuth';
import { renderAdminPage } from './adminPage';
import type { GatewayCore } from './GatewayCore';
import type { IGatewayAnswer } from './PushIntake';
import type { IWorkspaceChanges } from './models/WorkspacesModel';
import type { IGatewayWorkspace } from './types';

export interface IGatewayRoutesOptions {
  core: GatewayCore;
  /** Guards every `/admin` route. */
  adminGuard: AdminGuard;
  /** Serve `/metrics` and `/healthz` too (off when the host already has its own and mounts the gateway's elsewhere). */
  ops?: boolean;
}

/** Parser and content-type errors are the sender's malformed body: the gateway protocol says 422 for those. */
const MALFORMED_BODY_CODES = new Set([
  'FST_ERR_CTP_INVALID_JSON_BODY',
  'FST_ERR_CTP_EMPTY_JSON_BODY',
  'FST_ERR_CTP_INVALID_MEDIA_TYPE',
  'FST_ERR_CTP_INVALID_CONTENT_LENGTH',
  'FST_ERR_CTP_BODY_TOO_LARGE',
]);

/**
 * The gateway's HTTP surface as a fastify plugin (register it with a `prefix` to mount it inside another server):
 *
 * - `POST /push/apn/send`, `POST /push/gcm/send`: the gateway protocol (`Authorization: Bearer <workspace token>`,
 *   body `{token, options}`) → 200 `{accepted: true, id}`; 401, 406, 422, 429 with `{accepted: false, error, message}`.
 * - `/admin/workspaces` (GET, POST), `/admin/workspaces/:id` (GET, PATCH, DELETE), `…/:id/rotate`, `…/:id/revoke`,
 *   `DELETE /admin/dead-tokens/:token`, and the HTML page `GET /admin`.
 * - `GET /healthz`, `GET /metrics` (Prometheus, the gateway's own registry).
 */
export const gatewayRoutes: FastifyPluginAsync<IGatewayRoutesOptions> = async (app, { core, adminGuard, ops = true }) => {
  const admitted = new WeakMap<FastifyRequest, IGatewayWorkspace>();

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.code !== undefined && MALFORMED_BODY_CODES.has(error.code)) {
      const status = error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 413 : 422;
      const platform = platformOf(request.url);
      if (platform) core.metrics.request(platform, 'refused', 'invalid-request', 0);
      return reply.code(status).send({ accepted: false, error: 'invalid-request', message: error.message });
    }
    if (isPushError(error)) {
      const status = error.code === 'PUSH_ERR_NOT_FOUND' ? 404 : error.code === 'PUSH_ERR_GATEWAY_WORKSPACE_EXISTS' ? 409 : 400;
      return reply.code(status).send({ error: error.code, message: error.message });
    }
    const status = (error as { statusCode?: unknown }).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // A guard's refusal (e.g. the host's admin check when mounted in the host): pass it on as it is.
      const errorType = (error as { errorType?: unknown }).errorType;
      return reply.code(status).send({ error: typeof errorType === 'string' ? errorType : (error.code ?? 'error'), message: error.message });
    }
    request.log.error({ err: { message: error.message, code: error.code } }, 'gateway request failed');
    return reply.code(503).send({ accepted: false, error: 'unavailable', message: 'the gateway cannot take pushes right now; retry later' });
  });

  const pushRoute = (platform: PushPlatform) => {
    app.post(`/push/${platform}/send`, {
      bodyLimit: core.settings.bodyLimitBytes,
      // Authentication and the rate limit run before the body is parsed: a stranger's request costs no parsing,
      // and a bad token is a 401 whatever the body looks like.
      onRequest: async (request, reply) => {
        const started = process.hrtime.bigint();
        const admission = await core.intake.admit(request.headers.authorization);
        if (admission.ok) {
          admitted.set(request, admission.workspace);
          return;
        }
        core.metrics.request(platform, 'refused', admission.answer.reason, elapsedSeconds(started));
        return sendAnswer(reply, admission.answer);
      },
      handler: async (request, reply) => {
        const started = process.hrtime.bigint();
        const workspace = admitted.get(request);
        if (!workspace) return reply.code(401).send({ accepted: false, error: 'unauthorized' });
        const answer = await core.intake.accept(workspace, platform, request.body);
        core.metrics.request(platform, answer.result, answer.reason, elapsedSeconds(started));
        if (answer.result === 'refused' && answer.status !== 422) {
          request.log.info({ workspaceId: workspace._id, platform, status: answer.status, reason: answer.reason }, 'gateway push refused');
        }
        return sendAnswer(reply, answer);
      },
    });
  };
  pushRoute('apn');
  pushRoute('gcm');

  registerAdminRoutes(app, core, adminGuard, app.prefix);

  if (ops) {
    app.get('/healthz', async (_request, reply) => {
      const health = await core.health();
      return reply.code(health.ok ? 200 : 503).send(health);
    });
    app.get('/metrics', async (_request, reply) => {
      const text = await core.metrics.registry.metrics();
      return reply.header('content-type', core.metrics.registry.contentType).send(text);
    });
  }
};

function registerAdminRoutes(app: FastifyInstance, core: GatewayCore, adminGuard: AdminGuard, prefix: string): void {
  const preHandler = adminGuard;
  app.get('/admin', { preHandler }, async (_request, reply) => {
    const [workspaces, health] = await Promise.all([core.workspaces.list(), core.health()]);
    return reply.type('text/html; charset=utf-8').send(renderAdminPage(workspaces, health, prefix));
  });
  app.get('/admin/workspaces', { preHandler }, async () => ({
    workspaces: await core.workspaces.list(),
    defaultMonthlyQuota: core.settings.defaultMonthlyQuota,
  }));
  app.post('/admin/workspaces', { preHandler }, async (request, reply) => {
    const body = objectBody(request.body);
    const issued = await core.workspaces.add({
      name: body.name as string,
      id: body.id as string | undefined,
      monthlyQuota: body.monthlyQuota as number | null | undefined,
      topics: body.topics as string[] | undefined,
      rateLimit: body.rateLimit as { perSecond: number; burst: number } | undefined,
    });
    request.log.info({ workspaceId: issued.workspace.id }, 'gateway workspace registered');
    return reply.code(201).send(issued);
  });
  app.get<{ Params: { id: string } }>('/admin/workspaces/:id', { preHandler }, async (request) => ({
    workspace: await core.workspaces.get(request.params.id),
  }));
  app.patch<{ Params: { id: string } }>('/admin/workspaces/:id', { preHandler }, async (request) => {
    const body = objectBody(request.body);
    const changes: IWorkspaceChanges = {};
    if ('name' in body) changes.name = body.name as string;
    if ('monthlyQuota' in body) {
      if (body.monthlyQuota === 'default') changes.resetQuota = true;
      else changes.monthlyQuota = body.monthlyQuota as number | null;
    }
    if ('topics' in body) changes.topics = body.topics as string[] | null;
    if ('rateLimit' in body) changes.rateLimit = body.rateLimit as IWorkspaceChanges['rateLimit'];
    if ('uniqueId' in body) changes.uniqueId = body.uniqueId as string | null;
    const workspace = await core.workspaces.update(request.params.id, changes);
    request.log.info({ workspaceId: workspace.id, changed: Object.keys(changes) }, 'gateway workspace changed');
    return { workspace };
  });
  app.post<{ Params: { id: string } }>('/admin/workspaces/:id/rotate', { preHandler }, async (request) => {
    const issued = await core.workspaces.rotate(request.params.id);
    request.log.info({ workspaceId: issued.workspace.id }, 'gateway workspace token rotated');
    return issued;
  });
  app.post<{ Params: { id: string } }>('/admin/workspaces/:id/revoke', { preHandler }, async (request) => {
    const workspace = await core.workspaces.revoke(request.params.id);
    request.log.info({ workspaceId: workspace.id }, 'gateway workspace revoked');
    return { workspace };
  });
  // DELETE revokes (the record and its usage stay); `?purge=true` deletes the workspace altogether.
  app.delete<{ Params: { id: string }; Querystring: { purge?: string } }>('/admin/workspaces/:id', { preHandler }, async (request) => {
    if (request.query.purge === 'true' || request.query.purge === '1') {
      await core.workspaces.remove(request.params.id);
      request.log.info({ workspaceId: request.params.id }, 'gateway workspace deleted');
      return { deleted: true };
    }
    const workspace = await core.workspaces.revoke(request.params.id);
    request.log.info({ workspaceId: workspace.id }, 'gateway workspace revoked');
    return { workspace };
  });
  app.delete<{ Params: { token: string } }>('/admin/dead-tokens/:token', { preHandler }, async (request) => ({
    forgotten: await core.deadTokens.forget(request.params.token),
  }));
}

async function sendAnswer(reply: FastifyReply, answer: IGatewayAnswer): Promise<FastifyReply> {
  reply.code(answer.status);
  for (const [name, value] of Object.entries(answer.headers ?? {})) reply.header(name, value);
  return reply.send(answer.body);
}

function objectBody(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

function platformOf(url: string): PushPlatform | undefined {
  if (url.includes('/push/apn/send')) return 'apn';
  if (url.includes('/push/gcm/send')) return 'gcm';
  return undefined;
}

function elapsedSeconds(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}
