import { generateApnsSigningKey, type ApnsPush } from '../../../server/simulators';
import { startPushWorld, until, type PushWorld, type TestUser } from './pushHarness';

/**
 * Delivery as an admin would watch it: faults injected at the provider look-alikes, outcomes read back through
 * push.explain and push.test, settings changed through the REST API while the server keeps running.
 */
describe('delivery through the outbox, end to end', () => {
  let world: PushWorld;
  let alice: TestUser;
  let bob: TestUser;
  let rid: string;

  beforeAll(async () => {
    world = await startPushWorld();
    alice = await world.user('alice', []);
    bob = await world.user('bob', ['apn', 'gcm']);
    const channel = await world.api.post('channels.create', { name: 'delivery', members: ['bob'] }, alice);
    rid = channel.body.channel._id;
  });

  afterAll(() => world.close());

  afterEach(() => {
    world.sims.apns.faults.clear();
    world.sims.fcm.faults.clear();
  });

  async function send(msg: string, to = rid): Promise<string> {
    const response = await world.api.post('chat.sendMessage', { message: { rid: to, msg } }, alice);
    expect(response.status).toBe(200);
    return response.body.message._id;
  }

  async function devicesOf(mid: string, user: TestUser = bob) {
    const response = await world.api.get('push.explain', { mid, uid: user.userId }, world.admin);
    return response.body.devices as Array<{ platform: string; status: string; attempts: number; history: Array<{ outcome: string; status?: number; reason?: string }> }>;
  }

  const pushWith = (body: string) => (p: ApnsPush) => (p.payload.aps as { alert: { body: string } }).alert.body.endsWith(body);

  it('delivers to APNs and FCM at once, with the same apns-id the outbox holds', async () => {
    const mid = await send('both platforms');
    const apn = await world.sims.apns.waitFor(pushWith('both platforms'), 5000);
    await world.sims.fcm.waitFor((p) => (p.message as { notification?: { body?: string } }).notification?.body === 'alice: both platforms', 5000);
    const entry = await world.push.outbox.collection.findOne({ mid, platform: 'apn' });
    expect(apn.apnsId).toBe(entry?.apnsId);
    await until(async () => (await devicesOf(mid)).every((d) => d.status === 'delivered'), 5000, 'both delivered');
  });

  it('honours a 429 with Retry-After and delivers afterwards, under the same apns-id', async () => {
    world.sims.apns.faults.set({ failNext: { status: 429, reason: 'TooManyRequests', retryAfterSeconds: 1, count: 1 } });
    const started = Date.now();
    const mid = await send('after the storm');
    const push = await world.sims.apns.waitFor(pushWith('after the storm'), 10_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    const [apn] = (await devicesOf(mid)).filter((d) => d.platform === 'apn');
    expect(apn.history.map((h) => [h.outcome, h.status])).toEqual([['retry', 429], ['delivered', 200]]);
    expect(push.apnsId).toBe((await world.push.outbox.collection.findOne({ mid, platform: 'apn' }))?.apnsId);
  });

  it('rides out a 5xx burst and a connection reset', async () => {
    world.sims.apns.faults.set({ failNext: { status: 503, count: 2 }, resetNext: { count: 1, mode: 'session' } });
    const mid = await send('through the burst');
    await world.sims.apns.waitFor(pushWith('through the burst'), 15_000);
    const [apn] = (await devicesOf(mid)).filter((d) => d.platform === 'apn');
    expect(apn.status).toBe('delivered');
    expect(apn.history.filter((h) => h.outcome === 'retry').length).toBeGreaterThanOrEqual(2);
  });

  it('keeps pushes while the provider is down and delivers when it is back', async () => {
    world.sims.fcm.faults.set({ downForMs: 1500 });
    const mid = await send('while fcm was down');
    await world.sims.fcm.waitFor((p) => (p.message as { notification?: { body?: string } }).notification?.body === 'alice: while fcm was down', 15_000);
    const [gcm] = (await devicesOf(mid)).filter((d) => d.platform === 'gcm');
    expect(gcm.status).toBe('delivered');
    expect(gcm.attempts).toBeGreaterThan(1);
  });

  it('removes a dead device and keeps delivering to the live ones', async () => {
    const carol = await world.user('carol', ['apn', 'apn']);
    const channel = await world.api.post('channels.create', { name: 'dead-token', members: ['carol'] }, alice);
    const [dead, live] = carol.devices;
    world.sims.apns.faults.set({ deadTokens: [dead.token] });
    const mid = await send('one dead one alive', channel.body.channel._id);
    await world.sims.apns.waitFor((p) => p.token === live.token, 5000);
    await until(async () => (await devicesOf(mid, carol)).some((d) => d.status === 'token-removed'), 5000, 'dead token removed');
    const tokens = await world.host.models.pushAppTokens.col.find({ userId: carol.userId }).toArray();
    expect(tokens.map((t) => t._id)).toEqual([live.id]);
    const next = await send('only the live one now', channel.body.channel._id);
    await world.sims.apns.waitFor(pushWith('only the live one now'), 5000);
    expect((await devicesOf(next, carol)).map((d) => d.status)).toEqual(['delivered']);
  });

  it('switches from gateway to self-configured while pushes are in flight, without a restart', async () => {
    await world.setting('Push_gateway', 'http://127.0.0.1:9'); // nothing listens there
    await world.setting('Push_gateway_token', 'workspace-token');
    await world.setting('Push_enable_gateway', true);
    const mid = await send('queued in gateway mode');
    await until(async () => (await devicesOf(mid)).some((d) => d.status === 'retrying'), 5000, 'gateway attempt failed');
    const [failed] = (await devicesOf(mid)).filter((d) => d.status === 'retrying');
    expect(failed.history[0]).toEqual(expect.objectContaining({ outcome: 'retry' }));

    await world.setting('Push_enable_gateway', false);
    await world.sims.apns.waitFor(pushWith('queued in gateway mode'), 15_000);
    await until(async () => (await devicesOf(mid)).every((d) => d.status === 'delivered'), 15_000, 'delivered after the switch');
  });

  it('uses new APNs credentials on the next push, without a restart', async () => {
    const key = generateApnsSigningKey();
    world.sims.apns.registerSigningKey({ keyId: key.keyId, teamId: key.teamId, p8: key.p8 });
    await world.setting('Push_apn_p8_key', key.p8);
    await world.setting('Push_apn_key_id', key.keyId);
    await world.setting('Push_apn_team_id', key.teamId);
    const mid = await send('signed with the new key');
    const push = await world.sims.apns.waitFor(pushWith('signed with the new key'), 5000);
    expect(push.auth).toEqual(expect.objectContaining({ keyId: key.keyId }));
    const [apn] = (await devicesOf(mid)).filter((d) => d.platform === 'apn');
    expect((apn.history[0] as { route?: string }).route).toContain(key.keyId);
  });

  it('push.test reports what really happened to each device', async () => {
    const dave = await world.user('dave', ['apn', 'gcm']);
    world.sims.fcm.faults.set({ deadTokens: [dave.devices[1].token] });
    const response = await world.api.post('push.test', {}, dave);
    expect(response.status).toBe(200);
    expect(response.body.tokensCount).toBe(2);
    const outcomes = Object.fromEntries(response.body.results.map((r: { platform: string; outcome: string }) => [r.platform, r.outcome]));
    expect(outcomes).toEqual({ apn: 'delivered', gcm: 'token-removed' });
    expect(JSON.stringify(response.body)).not.toContain(dave.devices[0].token);
    const again = await world.api.post('push.test', {}, dave);
    expect(again.status).toBe(429); // one test per second

    const nobody = await world.user('erin', []);
    const none = await world.api.post('push.test', {}, nobody);
    expect(none.status).toBe(400);
    expect(none.body.errorType).toBe('error-no-tokens-for-this-user');
  });

  it('delays pushes for users online on desktop, and cancels them when they read the room', async () => {
    await world.setting('Push_online_strategy', 'delay');
    await world.setting('Push_online_delay_seconds', 1);
    try {
      await world.api.post('users.setPresence', { status: 'online' }, bob);
      const read = await send('read on desktop');
      // the hook runs after the response: wait for the decision to be queued
      await until(async () => (await devicesOf(read)).every((d) => d.status === 'delayed'), 5000, 'pushes delayed');
      await world.api.post('subscriptions.read', { rid }, bob);
      expect((await devicesOf(read)).map((d) => d.status)).toEqual(['cancelled', 'cancelled']);

      const unread = await send('not read in time');
      await world.sims.apns.waitFor(pushWith('not read in time'), 5000);
      expect((await devicesOf(unread)).find((d) => d.platform === 'apn')?.status).toBe('delivered');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(world.sims.apns.allReceived().filter(pushWith('read on desktop'))).toEqual([]);
    } finally {
      await world.api.post('users.setPresence', { status: 'offline' }, bob);
      await world.setting('Push_online_strategy', 'skip');
    }
  });

  it('drops the devices of a session that logs out', async () => {
    const frank = await world.user('frank', ['apn']);
    expect(await world.host.models.pushAppTokens.col.countDocuments({ userId: frank.userId })).toBe(1);
    expect((await world.api.post('logout', {}, frank)).status).toBe(200);
    expect(await world.host.models.pushAppTokens.col.countDocuments({ userId: frank.userId })).toBe(0);
  });

  it('privacy mode sends ids only, and push.get gives the content to room members only', async () => {
    await world.setting('Push_request_content_from_server', true);
    try {
      const mid = await send('the secret plan');
      const push = await world.sims.apns.waitFor((p) => JSON.parse(String(p.payload.ejson)).messageId === mid, 5000);
      expect(push.payload.aps).toEqual(expect.objectContaining({ alert: { body: 'You have a new message' } }));
      expect(JSON.stringify(push.payload)).not.toContain('secret plan');
      expect(JSON.parse(String(push.payload.ejson))).toEqual({ host: expect.any(String), messageId: mid, notificationType: 'message-id-only' });

      const fetched = await world.api.get('push.get', { id: mid }, bob);
      expect(fetched.status).toBe(200);
      expect(fetched.body.data.notification.body).toBe('alice: the secret plan');
      const outsider = await world.user('mallory', []);
      expect((await world.api.get('push.get', { id: mid }, outsider)).status).toBe(404);
    } finally {
      await world.setting('Push_request_content_from_server', false);
    }
  });
});
