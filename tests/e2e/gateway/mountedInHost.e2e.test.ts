/**
 * The gateway mounted in a host (gatewayHostPlugin): its routes under /gateway, its admin API behind the host's
 * admin login, its health in the host's /healthz; and the same host's push module using it as its gateway.
 */
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { openTestDatabase, type TestDatabase } from '../../support/testDatabase';
import { createHost, type Host } from '../../../server/host/createHost';
import { createPushPlugin } from '../../../server/push/createPushPlugin';
import { registerBuiltInTransports, TransportRegistry, TransportSelector } from '../../../server/transports';
import { startPushSimulators, type PushSimulators } from '../../../server/simulators';
import { gatewayHostPlugin } from '../../../server/gateway/gatewayHostPlugin';
import type { GatewayCore } from '../../../server/gateway/GatewayCore';
import { simulatorCredentials, TOPIC } from '../../integration/gateway/gatewayHarness';
import { ApiClient, type Credentials } from '../host/harness';

let sims: PushSimulators;
let database: TestDatabase;
let host: Host;
let core: GatewayCore | undefined;
let api: ApiClient;
let url: string;
let admin: Credentials;

beforeAll(async () => {
  sims = await startPushSimulators();
  database = await openTestDatabase();
  host = await createHost({
    db: database.db,
    logger: pino({ level: 'silent' }),
    settingsRefreshMs: 0,
    env: { ADMIN_USERNAME: 'admin', ADMIN_PASSWORD: 'admin-pass-123' },
  });
  await host.register(gatewayHostPlugin({ ...simulatorCredentials(sims), simulated: true, onReady: (c) => (core = c) }));
  const registry = registerBuiltInTransports(new TransportRegistry());
  await host.register(
    createPushPlugin({
      env: {},
      transports: new TransportSelector({ registry, settings: () => host.settings.pushSettings(), env: {} }),
      worker: { pollIntervalMs: 100, random: () => 0 },
      cron: false,
    }),
  );
  ({ url } = await host.listen({ host: '127.0.0.1', port: 0 }));
  api = new ApiClient(url);
  admin = await api.login('admin', 'admin-pass-123');
});

afterAll(async () => {
  await host?.close();
  await sims?.stop();
  await database?.client.db(`${database.dbName}_gateway`).dropDatabase();
  await database?.close();
});

describe('the gateway mounted in the host', () => {
  it("guards its admin API with the host's admin login", async () => {
    const anonymous = await api.call('GET', '/gateway/admin/workspaces');
    expect(anonymous.status).toBe(401);
    const password = 'carol-password';
    await api.post('users.create', { username: 'carol', password, name: 'Carol', email: 'carol@example.com' }, admin);
    const carol = await api.login('carol', password);
    expect((await api.call('GET', '/gateway/admin/workspaces', { auth: carol })).status).toBe(403);
    expect((await api.call('GET', '/gateway/admin/workspaces', { auth: admin })).status).toBe(200);
  });

  it('serves the host itself as its push gateway, end to end', async () => {
    const uniqueId = host.settings.get<string>('uniqueID')!;
    const created = await api.call('POST', '/gateway/admin/workspaces', { auth: admin, body: { name: 'Myself', id: uniqueId } });
    expect(created.status).toBe(201);
    await host.settings.set('Push_enable_gateway', true);
    await host.settings.set('Push_gateway', `${url}/gateway`);
    await host.settings.set('Push_gateway_token', created.body.token);

    const password = 'dave-password';
    await api.post('users.create', { username: 'dave', password, name: 'Dave', email: 'dave@example.com' }, admin);
    const dave = await api.login('dave', password);
    const device = randomBytes(32).toString('hex');
    expect((await api.post('push.token', { type: 'apn', value: device, appName: TOPIC }, dave)).status).toBe(200);
    const dm = await api.post('im.create', { username: 'dave' }, admin);
    await api.post('chat.sendMessage', { message: { rid: dm.body.room._id, msg: 'hello through my own gateway' } }, admin);

    const pushed = await sims.apns.waitFor((p) => p.token === device, 15_000);
    expect((pushed.payload.aps as { alert: { body: string } }).alert.body).toContain('hello through my own gateway');
    expect((await core!.workspaces.get(uniqueId)).usage).toBe(1);

    const health = await api.call('GET', '/healthz');
    expect(health.body.checks.gateway).toMatchObject({ ok: true });
    const gatewayHealth = await api.call('GET', '/gateway/healthz');
    expect(gatewayHealth.status).toBe(200);
    expect(gatewayHealth.body.providers.simulated).toBe(true);
  });
});
