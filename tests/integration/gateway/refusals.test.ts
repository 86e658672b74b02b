import pino from 'pino';
import { openTestDatabase, type TestDatabase } from '../../support/testDatabase';
import { startPushSimulators, type PushSimulators } from '../../../server/simulators';
import { createGateway, type Gateway } from '../../../server/gateway/createGateway';
import type { IDeliveryResult, IPushDelivery, IPushTransport } from '../../../definitions/IPushTransport';
import { ADMIN_TOKEN, aDelivery, apnsDeviceToken, clientFor, fcmDeviceToken, post, sendOne, startTestGateway, TOPIC } from './gatewayHarness';

let database: TestDatabase;
let sims: PushSimulators;
let gateway: Gateway;
let url: string;

beforeAll(async () => {
  database = await openTestDatabase();
  sims = await startPushSimulators();
  ({ gateway, url } = await startTestGateway(database, sims, { settings: { quotaRetryAfterCapSeconds: 600 } }));
});

afterAll(async () => {
  await gateway?.close();
  await sims?.stop();
  await database?.close();
});

const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

async function adminCall(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: body === undefined ? admin : { ...admin, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

describe('workspace authentication (401)', () => {
  it('refuses an unknown token, and the transport reports the gateway refused this workspace', async () => {
    const client = clientFor(url, 'gwt_not-a-real-token', 'ws-x');
    const result = await sendOne(client, aDelivery('apn', apnsDeviceToken()));
    await client.close();
    expect(result).toMatchObject({ outcome: 'rejected', status: 401, reason: 'GATEWAY_UNAUTHORIZED', routeHealth: 'unhealthy' });
  });

  it('refuses a request without a bearer token before reading its body', async () => {
    const answer = await post(`${url}/push/apn/send`, '{not json');
    expect(answer.status).toBe(401);
    expect(answer.json).toMatchObject({ accepted: false, error: 'unauthorized' });
  });

  it('refuses a revoked workspace (DELETE /admin/workspaces/:id), and a rotated token keeps working only in its new form', async () => {
    const created = await adminCall('POST', '/admin/workspaces', { name: 'Rotating', id: 'ws-rotate' });
    expect(created.status).toBe(201);
    const oldToken: string = created.json.token;
    const device = apnsDeviceToken();

    const rotated = await adminCall('POST', '/admin/workspaces/ws-rotate/rotate');
    expect(rotated.status).toBe(200);
    const newToken: string = rotated.json.token;
    expect(newToken).not.toBe(oldToken);

    const oldClient = clientFor(url, oldToken, 'ws-rotate');
    const newClient = clientFor(url, newToken, 'ws-rotate');
    expect(await sendOne(oldClient, aDelivery('apn', device))).toMatchObject({ outcome: 'rejected', status: 401 });
    expect(await sendOne(newClient, aDelivery('apn', device))).toMatchObject({ outcome: 'delivered' });

    const revoked = await adminCall('DELETE', '/admin/workspaces/ws-rotate');
    expect(revoked.json.workspace).toMatchObject({ id: 'ws-rotate', status: 'revoked' });
    expect(await sendOne(newClient, aDelivery('apn', device))).toMatchObject({ outcome: 'rejected', status: 401, reason: 'GATEWAY_UNAUTHORIZED' });
    const raw = await post(`${url}/push/apn/send`, {}, { authorization: `Bearer ${newToken}` });
    expect(raw.json).toMatchObject({ error: 'revoked' });
    await oldClient.close();
    await newClient.close();
    await sims.apns.waitFor((p) => p.token === device);
    expect(sims.apns.inbox(device)).toHaveLength(1);
  });

  it("refuses a uniqueId that is not the token's workspace", async () => {
    const { token } = await gateway.workspaces.add({ name: 'Pinned', id: 'ws-pinned' });
    const client = clientFor(url, token, 'some-other-workspace');
    const result = await sendOne(client, aDelivery('apn', apnsDeviceToken()));
    await client.close();
    expect(result).toMatchObject({ outcome: 'rejected', status: 401, reason: 'GATEWAY_UNAUTHORIZED' });
  });

  it('binds a workspace registered without an id to the uniqueId of its first push, then enforces it', async () => {
    const { token, workspace } = await gateway.workspaces.add({ name: 'Unbound' });
    expect(workspace.uniqueId).toBeNull();
    const first = clientFor(url, token, 'host-unique-id-1');
    expect(await sendOne(first, aDelivery('gcm', fcmDeviceToken()))).toMatchObject({ outcome: 'delivered' });
    expect((await gateway.workspaces.get(workspace.id)).uniqueId).toBe('host-unique-id-1');
    const other = clientFor(url, token, 'host-unique-id-2');
    expect(await sendOne(other, aDelivery('gcm', fcmDeviceToken()))).toMatchObject({ outcome: 'rejected', status: 401 });
    await first.close();
    await other.close();
  });
});

describe('malformed requests (422)', () => {
  let token: string;
  beforeAll(async () => {
    ({ token } = await gateway.workspaces.add({ name: 'Validation', id: 'ws-valid', topics: [TOPIC] }));
  });

  const body = (options: Record<string, unknown>, device = apnsDeviceToken()) => ({
    token: device,
    options: { uniqueId: 'ws-valid', topic: TOPIC, title: 't', text: 'x', ...options },
  });

  it.each([
    ['invalid JSON', '{"token": "abc", "options": ', 'application/json'],
    ['a non-JSON content type', 'token=abc', 'text/plain'],
  ])('answers 422 for %s', async (_what, raw, contentType) => {
    const answer = await post(`${url}/push/apn/send`, raw, { authorization: `Bearer ${token}`, 'content-type': contentType });
    expect(answer.status).toBe(422);
    expect(answer.json).toMatchObject({ accepted: false, error: 'invalid-request' });
  });

  it.each([
    ['the device token is missing', { options: { uniqueId: 'ws-valid', topic: TOPIC } }, 'token must be a non-empty string'],
    ['options are missing', { token: 'abc' }, 'options must be an object'],
    ['the badge is not a number', body({ badge: 'five' }), 'options.badge must be an integer >= 0'],
    ['the title is not a string', body({ title: 42 }), 'options.title must be a string'],
    ['the payload is an array', body({ payload: [] }), 'options.payload must be an object'],
    ['the APN topic is missing', body({ topic: undefined }), 'options.topic (the app bundle id) is required for APNs'],
    ['the uniqueId is missing', body({ uniqueId: undefined }), 'options.uniqueId is required'],
    ['the apnsId is not a UUID', body({ apnsId: 'not-a-uuid' }), 'options.apnsId must be a UUID (8-4-4-4-12 hex digits)'],
  ])('answers 422 when %s, saying what is wrong', async (_what, request, problem) => {
    const answer = await post(`${url}/push/apn/send`, request, { authorization: `Bearer ${token}` });
    expect(answer.status).toBe(422);
    expect(answer.json).toMatchObject({ accepted: false, error: 'invalid-request' });
    expect(answer.json?.details).toContain(problem);
  });

  it('answers 422 for a topic the workspace may not use; the transport records a rejection', async () => {
    const client = clientFor(url, token, 'ws-valid');
    const device = apnsDeviceToken();
    const result = await sendOne(client, aDelivery('apn', device, { appName: 'com.somebody.else' }));
    await client.close();
    expect(result).toMatchObject({ outcome: 'rejected', status: 422, reason: 'GATEWAY_REJECTED' });
    expect(await gateway.core.outbox.collection.countDocuments({ token: device })).toBe(0);
  });

  it('does not count refused requests against the quota', async () => {
    expect((await gateway.workspaces.get('ws-valid')).usage).toBe(0);
  });
});

describe('monthly quota (429)', () => {
  it('refuses pushes over the quota with Retry-After; the transport retries later; raising the quota lets them through', async () => {
    const { token } = await gateway.workspaces.add({ name: 'Small', id: 'ws-small', monthlyQuota: 2 });
    const client = clientFor(url, token, 'ws-small');
    const devices = [apnsDeviceToken(), apnsDeviceToken(), apnsDeviceToken()];
    const deliveries = devices.map((d) => aDelivery('apn', d));
    expect(await sendOne(client, deliveries[0])).toMatchObject({ outcome: 'delivered' });
    expect(await sendOne(client, deliveries[1])).toMatchObject({ outcome: 'delivered' });
    const over = await sendOne(client, deliveries[2]);
    expect(over).toMatchObject({ outcome: 'retry', status: 429, reason: 'GATEWAY_QUOTA_EXCEEDED' });
    // Capped at quotaRetryAfterCapSeconds (600) unless the month ends sooner.
    expect(over.retryAfterMs).toBeGreaterThan(0);
    expect(over.retryAfterMs).toBeLessThanOrEqual(600_000);

    const raw = await post(`${url}/push/apn/send`, { token: devices[2], options: { uniqueId: 'ws-small', topic: TOPIC } }, { authorization: `Bearer ${token}` });
    expect(raw.status).toBe(429);
    expect(Number(raw.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(raw.json).toMatchObject({ error: 'quota-exceeded' });

    const view = await adminCall('GET', '/admin/workspaces/ws-small');
    expect(view.json.workspace).toMatchObject({ monthlyQuota: 2, quotaSource: 'workspace', usage: 2, remaining: 0 });

    const raised = await adminCall('PATCH', '/admin/workspaces/ws-small', { monthlyQuota: 3 });
    expect(raised.json.workspace).toMatchObject({ monthlyQuota: 3, remaining: 1 });
    expect(await sendOne(client, deliveries[2])).toMatchObject({ outcome: 'delivered' });
    await client.close();
    await sims.apns.waitFor((p) => p.token === devices[2]);
    expect(devices.map((d) => sims.apns.inbox(d).length)).toEqual([1, 1, 1]);
  });

  it('counts calendar months in UTC: Retry-After is the time to the month end, and a new month starts from zero', async () => {
    let now = new Date('2031-01-31T23:59:30.000Z');
    const recorder = new RecordingTransport();
    const local = await createGateway({
      db: database.client.db(`${database.dbName}_months`),
      logger: pino({ level: 'silent' }),
      transport: recorder,
      clock: () => now,
      settings: { defaultMonthlyQuota: 1, maintenanceIntervalSeconds: 3600 },
    });
    try {
      const { token } = await local.workspaces.add({ name: 'Monthly', id: 'ws-month' });
      const { url: localUrl } = await local.listen({ port: 0 });
      const send = (device: string) =>
        post(`${localUrl}/push/gcm/send`, { token: device, options: { uniqueId: 'ws-month', title: 'hi' } }, { authorization: `Bearer ${token}` });
      expect((await send('d1')).status).toBe(200);
      const over = await send('d2');
      expect(over.status).toBe(429);
      expect(over.headers.get('retry-after')).toBe('30');
      expect((await local.workspaces.get('ws-month')).quotaSource).toBe('default');

      now = new Date('2031-02-01T00:00:01.000Z');
      expect((await send('d2')).status).toBe(200);
      expect(await local.workspaces.get('ws-month')).toMatchObject({ month: '2031-02', usage: 1 });
    } finally {
      await local.close();
      await database.client.db(`${database.dbName}_months`).dropDatabase();
    }
  });
});

describe('rate limit (429)', () => {
  it('refuses a burst over the workspace limit with a short Retry-After, without counting it', async () => {
    const { token } = await gateway.workspaces.add({ name: 'Bursty', id: 'ws-burst', rateLimit: { perSecond: 0.5, burst: 2 } });
    const client = clientFor(url, token, 'ws-burst');
    const results: IDeliveryResult[] = [];
    for (let i = 0; i < 3; i++) results.push(await sendOne(client, aDelivery('gcm', fcmDeviceToken())));
    await client.close();
    expect(results.map((r) => r.outcome)).toEqual(['delivered', 'delivered', 'retry']);
    expect(results[2]).toMatchObject({ status: 429, reason: 'GATEWAY_QUOTA_EXCEEDED' });
    expect(results[2].retryAfterMs).toBeGreaterThanOrEqual(1000);
    expect(results[2].retryAfterMs).toBeLessThanOrEqual(2000);
    expect((await gateway.workspaces.get('ws-burst')).usage).toBe(2);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/gateway_push_requests_total\{platform="gcm",result="refused",reason="rate-limited"\} 1/);
  });
});

describe('admin API protection', () => {
  it('refuses admin calls without the admin token', async () => {
    const none = await fetch(`${url}/admin/workspaces`);
    expect(none.status).toBe(401);
    const wrong = await fetch(`${url}/admin/workspaces`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    const basic = await fetch(`${url}/admin`, { headers: { authorization: `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}` } });
    expect(basic.status).toBe(200);
    expect(await basic.text()).toContain('ws-small');
  });

  it('lists workspaces with quota and month usage, never their token hashes', async () => {
    const list = await adminCall('GET', '/admin/workspaces');
    expect(list.status).toBe(200);
    const small = list.json.workspaces.find((w: { id: string }) => w.id === 'ws-small');
    expect(small).toMatchObject({ name: 'Small', monthlyQuota: 3, usage: 3, status: 'active' });
    expect(JSON.stringify(list.json)).not.toMatch(/tokenHash|[0-9a-f]{64}/);
  });

  it('answers 409 for an id that is taken and 400 for an invalid quota', async () => {
    expect((await adminCall('POST', '/admin/workspaces', { name: 'Again', id: 'ws-small' })).status).toBe(409);
    expect((await adminCall('POST', '/admin/workspaces', { name: 'Bad', monthlyQuota: -1 })).status).toBe(400);
    expect((await adminCall('GET', '/admin/workspaces/nope')).status).toBe(404);
  });

  it('turns the admin API off when no admin token is configured', async () => {
    const local = await createGateway({
      db: database.client.db(`${database.dbName}_noadmin`),
      logger: pino({ level: 'silent' }),
      transport: new RecordingTransport(),
    });
    try {
      const { url: localUrl } = await local.listen({ port: 0 });
      const answer = await fetch(`${localUrl}/admin/workspaces`, { headers: { authorization: 'Bearer anything' } });
      expect(answer.status).toBe(403);
      expect(await answer.json()).toMatchObject({ error: 'admin-disabled' });
    } finally {
      await local.close();
      await database.client.db(`${database.dbName}_noadmin`).dropDatabase();
    }
  });
});

/** A transport that records what it was handed (for tests about answers, not deliveries). */
class RecordingTransport implements IPushTransport {
  readonly name = 'recording';
  readonly sent: IPushDelivery[] = [];
  routeOf(): string {
    return 'recording:1';
  }
  async send(deliveries: IPushDelivery[]): Promise<IDeliveryResult[]> {
    this.sent.push(...deliveries);
    return deliveries.map((d) => ({ id: d.id, outcome: 'delivered', route: 'recording:1' }));
  }
  async close(): Promise<void> {}
}
