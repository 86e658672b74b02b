import type { IHost, IHostPlugin } from '../../../definitions/IHost';
import { ApiError } from '../../../server/host/api/ApiError';
import { openTestDatabase } from '../../support/testDatabase';
import { createHost } from '../../../server/host/createHost';
import pino from 'pino';
import { ApiClient, ADMIN } from './harness';

describe('plugins use the host through its contract', () => {
  it('add routes with the host auth, health checks, settings and hooks, and are closed in reverse order', async () => {
    const database = await openTestDatabase();
    const host = await createHost({
      db: database.db,
      logger: pino({ level: 'silent' }),
      env: { ADMIN_PASSWORD: ADMIN.password },
      settingsRefreshMs: 0,
    });
    const closed: string[] = [];
    let pluginHealthy = true;
    const makePlugin = (name: string, setup?: (host: IHost) => void | Promise<void>): IHostPlugin => ({
      name,
      async register(h) {
        await setup?.(h);
        return { close: async () => void closed.push(name) };
      },
    });

    await host.register(
      makePlugin('demo', async (h) => {
        await h.settings.declare([{ _id: 'Demo_flag', type: 'boolean', packageValue: true, group: 'Demo' }]);
        h.http.get('/api/v1/demo.whoami', { onRequest: [h.authenticate] }, async (request) => ({
          success: true,
          username: request.user!.username,
          flag: h.settings.get('Demo_flag'),
        }));
        h.http.post('/api/v1/demo.admin', { onRequest: [h.authenticate, h.requireAdmin] }, async () => ({ success: true }));
        h.http.get('/api/v1/demo.fail', async () => {
          throw new ApiError(404, 'error-demo-missing', 'Nothing here');
        });
        h.health.register('demo', () => ({ ok: pluginHealthy, detail: pluginHealthy ? 'ready' : 'gateway unreachable' }));
      }),
    );
    await host.register(makePlugin('second'));

    const { url } = await host.listen({ port: 0 });
    await expect(host.register(makePlugin('too-late'))).rejects.toThrow(/after listen/);
    const api = new ApiClient(url);
    const admin = await api.login('admin', ADMIN.password);

    expect((await api.get('demo.whoami')).status).toBe(401);
    expect((await api.get('demo.whoami', undefined, admin)).body).toEqual({ success: true, username: 'admin', flag: true });
    await host.services.accounts.createUser({ username: 'user1', password: 'user1-pw', name: 'U', email: 'u@example.com' });
    const user = await api.login('user1', 'user1-pw');
    expect((await api.post('demo.admin', {}, user)).status).toBe(403);
    expect((await api.post('demo.admin', {}, admin)).status).toBe(200);
    expect((await api.get('demo.fail')).body).toEqual({ success: false, error: 'Nothing here', errorType: 'error-demo-missing' });

    const healthy = await api.get('/healthz');
    expect(healthy.status).toBe(200);
    expect(healthy.body).toEqual({ success: true, status: 'ok', checks: { database: { ok: true }, demo: { ok: true, detail: 'ready' } } });
    pluginHealthy = false;
    const unhealthy = await api.get('/healthz');
    expect(unhealthy.status).toBe(503);
    expect(unhealthy.body).toMatchObject({
      success: false,
      errorType: 'error-unhealthy',
      checks: { database: { ok: true }, demo: { ok: false, detail: 'gateway unreachable' } },
    });

    await host.close();
    expect(closed).toEqual(['second', 'demo']);
    await database.close();
  });

  it('health checks that hang or throw count as failed', async () => {
    const { HealthRegistry } = await import('../../../server/host/health/HealthRegistry');
    const health = new HealthRegistry(50);
    health.register('hangs', () => new Promise(() => undefined));
    health.register('throws', () => {
      throw new Error('db down');
    });
    health.register('fine', () => ({ ok: true }));
    expect(await health.run()).toEqual({
      ok: false,
      checks: { hangs: { ok: false, detail: 'no answer within 50 ms' }, throws: { ok: false, detail: 'db down' }, fine: { ok: true } },
    });
  });
});
