/**
 * End to end: a chat host in gateway mode (the push plugin delivering through GatewayTransport) → our self-hosted
 * gateway → the APNs/FCM simulators. Messages go in through the host's REST API; pushes come out in the simulated
 * devices' inboxes.
 */
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { openTestDatabase, type TestDatabase } from '../../support/testDatabase';
import { createHost, type Host } from '../../../server/host/createHost';
import { createPushPlugin, type IPushModule } from '../../../server/push/createPushPlugin';
import { registerBuiltInTransports, TransportRegistry, TransportSelector } from '../../../server/transports';
import { startPushSimulators, type PushSimulators } from '../../../server/simulators';
import type { Gateway } from '../../../server/gateway/createGateway';
import { startTestGateway, TOPIC, waitUntil } from '../../integration/gateway/gatewayHarness';
import { ApiClient, type Credentials } from '../host/harness';

const ADMIN = { username: 'admin', password: 'admin-pass-123' };

let sims: PushSimulators;
let gatewayDb: TestDatabase;
let hostDb: TestDatabase;
let gateway: Gateway;
let gatewayUrl: string;
let host: Host;
let push: IPushModule;
let api: ApiClient;
let workspaceToken: string;
let uniqueId: string;
let alice: Credentials;
let bob: Credentials;
let dmRoomId: string;

beforeAll(async () => {
  sims = await startPushSimulators();
  gatewayDb = await openTestDatabase();
  hostDb = await openTestDatabase();
  // Retry-After capped at 1 s so that the host's retry after a quota refusal comes within the test.
  ({ gateway, url: gatewayUrl } = await startTestGateway(gatewayDb, sims, { settings: { quotaRetryAfterCapSeconds: 1 } }));

  host = await createHost({
    db: hostDb.db,
    logger: pino({ level: process.env.GATEWAY_TEST_LOG ?? 'silent' }),
    settingsRefreshMs: 0,
    env: { ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password },
  });
  uniqueId = host.settings.get<string>('uniqueID')!;
  // The gateway's admin registers the workspace under the host's uniqueID and hands its admin the token.
  ({ token: workspaceToken } = await gateway.workspaces.add({ name: 'Chat host', id: uniqueId }));
  await host.settings.set('Push_enable_gateway', true);
  await host.settings.set('Push_gateway', gatewayUrl);
  await host.settings.set('Push_gateway_token', workspaceToken);

  const registry = registerBuiltInTransports(new TransportRegistry());
  const plugin = createPushPlugin({
    env: {},
    transports: new TransportSelector({ registry, settings: () => host.settings.pushSettings(), env: {} }),
    worker: { pollIntervalMs: 100, random: () => 0 },
    cron: false,
  });
  await host.register(plugin);
  push = plugin.module!;
  const { url } = await host.listen({ host: '127.0.0.1', port: 0 });
  api = new ApiClient(url);
  const admin = await api.login(ADMIN.username, ADMIN.password);
  alice = await createUser(admin, 'alice');
  bob = await createUser(admin, 'bob');
  const dm = await api.post('im.create', { username: 'bob' }, alice);
  expect(dm.status).toBe(200);
  dmRoomId = dm.body.room._id;
});

afterAll(async () => {
  await host?.close();
  await gateway?.close();
  await sims?.stop();
  await hostDb?.close();
  await gatewayDb?.close();
});

async function createUser(admin: Credentials, username: string): Promise<Credentials> {
  const password = `${username}-password`;
  const created = await api.post('users.create', { username, password, name: username, email: `${username}@example.com` }, admin);
  expect(created.status).toBe(200);
  return api.login(username, password);
}

async function registerDevice(user: Credentials, type: 'apn' | 'gcm'): Promise<string> {
  const value = type === 'apn' ? randomBytes(32).toString('hex') : `fcm-${randomBytes(20).toString('base64url')}`;
  const answer = await api.post('push.token', { type, value, appName: TOPIC }, user);
  expect(answer.status).toBe(200);
  return value;
}

async function say(text: string): Promise<string> {
  const sent = await api.post('chat.sendMessage', { message: { rid: dmRoomId, msg: text } }, alice);
  expect(sent.status).toBe(200);
  return sent.body.message._id;
}

/** The host's outbox entries for one message. */
const hostEntries = (mid: string) => push.outbox.collection.find({ mid }).toArray();

describe('a host in gateway mode, through our gateway, to the simulators', () => {
  it('delivers a message sent with chat.sendMessage to the recipient devices (APNs and FCM)', async () => {
    const iphone = await registerDevice(bob, 'apn');
    const android = await registerDevice(bob, 'gcm');
    const text = `lunch at noon? ${randomBytes(3).toString('hex')}`;
    const mid = await say(text);

    const apn = await sims.apns.waitFor((p) => p.token === iphone, 15_000);
    expect(apn.topic).toBe(TOPIC);
    expect((apn.payload.aps as { alert: { body: string } }).alert.body).toContain(text);
    expect(JSON.parse(apn.payload.ejson as string)).toMatchObject({ messageId: mid, rid: dmRoomId });
    const fcm = await sims.fcm.waitFor((p) => p.token === android, 15_000);
    expect((fcm.message.notification as { body: string }).body).toContain(text);

    // The host recorded both as delivered (by the gateway), and the gateway counted them for this workspace.
    await waitUntil(async () => (await hostEntries(mid)).every((e) => e.state === 'delivered'), 5000, 'the host outcomes');
    expect((await gateway.workspaces.get(uniqueId)).usage).toBeGreaterThanOrEqual(2);
    await api.call('DELETE', 'push.token', { body: { token: android }, auth: bob });
    await api.call('DELETE', 'push.token', { body: { token: iphone }, auth: bob });
  });

  it('removes a dead device on the host: the provider says Unregistered, the next push gets 406', async () => {
    const device = await registerDevice(bob, 'apn');
    sims.apns.faults.markDead([device]);

    await say('first, to a dead device');
    await waitUntil(async () => (await gateway.core.deadTokens.find(device, uniqueId)) !== null, 15_000, 'the gateway to learn the token is dead');
    expect(await host.models.pushAppTokens.col.countDocuments({ 'token.apn': device })).toBe(1);

    const mid = await say('second, answered 406');
    await waitUntil(async () => (await host.models.pushAppTokens.col.countDocuments({ 'token.apn': device })) === 0, 15_000, 'the host to remove the device');
    const [entry] = await hostEntries(mid);
    expect(entry).toMatchObject({ state: 'invalid-token', lastError: { status: 406, reason: 'GATEWAY_TOKEN_INVALID' } });
    expect(sims.apns.inbox(device)).toHaveLength(0);
  });

  it('holds pushes over the quota (429 + Retry-After) in the host outbox and delivers them once the quota is raised', async () => {
    const device = await registerDevice(bob, 'apn');
    const used = (await gateway.workspaces.get(uniqueId)).usage;
    await gateway.workspaces.update(uniqueId, { monthlyQuota: used });

    const mid = await say('over the quota');
    await waitUntil(
      async () => (await hostEntries(mid)).some((e) => e.history.some((h) => h.status === 429)),
      15_000,
      'the 429',
    );
    const [waiting] = await hostEntries(mid);
    expect(waiting.state).toBe('retry');
    expect(waiting.lastError).toMatchObject({ status: 429, reason: 'GATEWAY_QUOTA_EXCEEDED' });
    expect(sims.apns.inbox(device)).toHaveLength(0);

    await gateway.workspaces.update(uniqueId, { monthlyQuota: used + 10 });
    const arrived = await sims.apns.waitFor((p) => p.token === device, 15_000);
    expect((arrived.payload.aps as { alert: { body: string } }).alert.body).toContain('over the quota');
    await waitUntil(async () => (await hostEntries(mid))[0].state === 'delivered', 5000, 'the host outcome');
    expect(sims.apns.inbox(device)).toHaveLength(1);
    await gateway.workspaces.update(uniqueId, { monthlyQuota: null });
    await api.call('DELETE', 'push.token', { body: { token: device }, auth: bob });
  });

  it('loses nothing and sends nothing twice when the gateway restarts (pushes queued in it, and pushes sent while it is down)', async () => {
    const device = await registerDevice(bob, 'apn');
    // 1. APNs is down: the gateway accepts the push and keeps it queued.
    sims.apns.faults.set({ downForMs: 60_000 });
    const queuedMid = await say('queued in the gateway');
    await waitUntil(async () => (await hostEntries(queuedMid))[0]?.state === 'delivered', 15_000, 'the gateway to accept');
    await waitUntil(
      async () => (await gateway.core.outbox.collection.findOne({ token: device }))?.state === 'retry',
      15_000,
      'the gateway to hold the push for a retry',
    );

    // 2. The gateway goes away; a message sent meanwhile waits in the host's outbox.
    const port = Number(new URL(gatewayUrl).port);
    await gateway.close();
    const whileDownMid = await say('sent while the gateway is down');
    await waitUntil(
      async () => (await hostEntries(whileDownMid)).some((e) => e.state === 'retry'),
      15_000,
      'the host to retry',
    );

    // 3. The gateway comes back on the same database and port, and APNs too.
    sims.apns.faults.set({ downForMs: null });
    ({ gateway } = await startTestGateway(gatewayDb, sims, { settings: { quotaRetryAfterCapSeconds: 1 } }, port));

    const arrived = await Promise.all([
      sims.apns.waitFor((p) => p.token === device && String((p.payload.aps as { alert: { body: string } }).alert.body).includes('queued in the gateway'), 20_000),
      sims.apns.waitFor((p) => p.token === device && String((p.payload.aps as { alert: { body: string } }).alert.body).includes('sent while the gateway is down'), 20_000),
    ]);
    expect(arrived).toHaveLength(2);
    await waitUntil(async () => (await hostEntries(whileDownMid))[0]?.state === 'delivered', 15_000, 'the host outcome');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(sims.apns.inbox(device)).toHaveLength(2);
    await api.call('DELETE', 'push.token', { body: { token: device }, auth: bob });
  });

  it('refuses a wrong workspace token: the host records the rejection and nothing is delivered', async () => {
    const device = await registerDevice(bob, 'apn');
    await host.settings.set('Push_gateway_token', 'gwt_this-is-not-our-token');
    const mid = await say('with the wrong token');
    await waitUntil(async () => (await hostEntries(mid))[0]?.state === 'rejected', 15_000, 'the rejection');
    const [entry] = await hostEntries(mid);
    expect(entry.lastError).toMatchObject({ status: 401, reason: 'GATEWAY_UNAUTHORIZED' });
    expect(sims.apns.inbox(device)).toHaveLength(0);
    const metrics = await (await fetch(`${gatewayUrl}/metrics`)).text();
    expect(metrics).toMatch(/gateway_push_requests_total\{platform="apn",result="refused",reason="unauthorized"\} [1-9]/);
  });
});
