/**
 * startPushSimulators() (generated credentials already trusted, as `npm start`, tests and the benchmark use it)
 * and the `/_sim/` control API over plain HTTP(S)/1.1, as another process or the admin page would drive it.
 */

import apn from '@parse/node-apn';
import { deleteApp, initializeApp } from 'firebase-admin/app';
import { getMessaging } from 'firebase-admin/messaging';
import type http2 from 'http2';
import { startPushSimulators, type PushSimulators } from '../../../server/simulators/pushSimulators';
import { closeSession, h2Connect, h2Request, httpsJson, SimulatorAgent, SimulatorCredential } from './support';
import { signJwt } from '../../../server/simulators/jwt';

const TOPIC = 'chat.rocket.test';
const TOKEN = 'cd'.repeat(32);
let sims: PushSimulators;
let session: http2.ClientHttp2Session;

function apnsPush(token = TOKEN) {
  const { keyId, teamId, p8 } = sims.credentials.apns;
  const jwt = signJwt('ES256', { kid: keyId }, { iss: teamId, iat: Math.floor(Date.now() / 1000) }, p8);
  return h2Request(session, { ':path': `/3/device/${token}`, authorization: `bearer ${jwt}`, 'apns-topic': TOPIC }, '{"aps":{"alert":"hi"}}');
}

const apnsControl = (path: string, method = 'GET', body?: unknown) =>
  httpsJson(`${sims.credentials.apns.endpoint}/_sim/${path}`, { method, body, ca: sims.credentials.apns.ca });

async function fcmControl(path: string, method = 'GET', body?: unknown) {
  const response = await fetch(`${sims.credentials.fcm.endpoint}/_sim/${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  sims = await startPushSimulators({ apns: { certificateTopic: TOPIC }, fcm: { projectId: 'control-test' } });
  session = await h2Connect(sims.credentials.apns.endpoint, { ca: sims.credentials.apns.ca });
});

afterEach(() => {
  for (const sim of [sims.apns, sims.fcm]) {
    sim.clear();
    sim.faults.clear();
  }
});

afterAll(async () => {
  await closeSession(session);
  await sims.stop();
});

describe('startPushSimulators', () => {
  test('hands out working credentials for node-apn (token and certificate) and firebase-admin', async () => {
    const { apns, fcm } = sims.credentials;
    expect(apns).toMatchObject({ keyId: expect.stringMatching(/^[A-Z0-9]{10}$/), address: '127.0.0.1', endpoint: expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+$/) });
    expect(fcm.serviceAccount).toMatchObject({ project_id: 'control-test', token_uri: `${fcm.endpoint}/token` });

    const byToken = new apn.Provider({ token: { key: apns.p8, keyId: apns.keyId, teamId: apns.teamId }, address: apns.address, port: apns.port, ca: [apns.ca], production: false });
    const byCert = new apn.Provider({ cert: apns.certificate!.certPem, key: apns.certificate!.keyPem, address: apns.address, port: apns.port, ca: [apns.ca], production: false });
    const note = new apn.Notification({ alert: 'hello' });
    note.topic = TOPIC;
    try {
      expect((await byToken.send(note, TOKEN)).sent).toHaveLength(1);
      expect((await byCert.send(note, TOKEN)).sent).toHaveLength(1);
    } finally {
      await Promise.all([byToken.shutdown(), byCert.shutdown()]);
    }
    expect(sims.apns.inbox(TOKEN).map((p) => p.auth.type)).toEqual(['token', 'certificate']);

    const endpoint = new URL(fcm.endpoint);
    const app = initializeApp(
      { projectId: fcm.projectId, credential: new SimulatorCredential(fcm.serviceAccount), httpAgent: new SimulatorAgent({ host: endpoint.hostname, port: Number(endpoint.port) }) },
      'control-api-test',
    );
    try {
      await getMessaging(app).send({ token: 'android-1', notification: { title: 'hi' } });
    } finally {
      await deleteApp(app);
    }
    expect(sims.fcm.inbox('android-1')).toHaveLength(1);
  });
});

describe('APNs control API over HTTPS/1.1', () => {
  test('faults: set, read back, applied to pushes, cleared', async () => {
    const set = await apnsControl('faults', 'POST', { failNext: { status: 503, count: 2 }, latencyMs: 1 });
    expect(set.status).toBe(200);
    expect(set.json).toMatchObject({ latencyMs: 1, pendingFailures: [{ status: 503, count: 2 }] });
    const first = await apnsPush();
    expect([first.status, first.json]).toEqual([503, { reason: 'ServiceUnavailable' }]);
    expect((await apnsControl('faults')).json).toMatchObject({ pendingFailures: [{ status: 503, count: 1 }], injected: { failures: 1 } });
    const cleared = await apnsControl('faults', 'DELETE');
    expect(cleared.json).toMatchObject({ latencyMs: null, pendingFailures: [] });
    expect((await apnsPush()).status).toBe(200);
  });

  test('down: pushes are refused while the control API still answers', async () => {
    await apnsControl('faults', 'POST', { downForMs: 60_000 });
    await expect(apnsPush()).rejects.toThrow(/REFUSED_STREAM/);
    const stats = await apnsControl('stats');
    expect(stats.status).toBe(200);
    expect(stats.json).toMatchObject({ faults: { refusedWhileDown: 1 } });
    await apnsControl('faults', 'POST', { downForMs: 0 });
    expect((await apnsPush()).status).toBe(200);
  });

  test('dead tokens: marked and revived over HTTP', async () => {
    await apnsControl('dead-tokens', 'POST', { tokens: [TOKEN] });
    expect((await apnsPush()).status).toBe(410);
    const revived = await apnsControl('dead-tokens', 'DELETE', { tokens: [TOKEN] });
    expect(revived.json).toEqual({ deadTokens: [] });
    expect((await apnsPush()).status).toBe(200);
  });

  test('inbox: read per token (limit keeps the most recent), cleared; devices registered', async () => {
    await apnsControl('devices', 'POST', { tokens: ['sim-device'], topic: TOPIC });
    await apnsPush();
    await apnsPush();
    await apnsPush('sim-device');
    const one = await apnsControl(`inbox?token=${TOKEN}&limit=1`);
    expect(one.json).toMatchObject({ total: 2, pushes: [{ token: TOKEN, topic: TOPIC, payload: { aps: { alert: 'hi' } } }] });
    expect((one.json as { pushes: unknown[] }).pushes).toHaveLength(1);
    expect(((await apnsControl('inbox')).json as { total: number }).total).toBe(3);
    expect((await apnsControl('stats')).json).toMatchObject({ received: 3, inboxSize: 3 });
    expect((await apnsControl('inbox', 'DELETE')).json).toEqual({ cleared: 3 });
    expect(sims.apns.allReceived()).toEqual([]);
  });

  test('bad requests are 400 with the reason; unknown paths 404; wrong methods 405', async () => {
    const negative = await apnsControl('faults', 'POST', { latencyMs: -1 });
    expect(negative).toMatchObject({ status: 400, json: { error: 'Invalid input: latencyMs must be a non-negative number or {min, max}' } });
    const status = await apnsControl('faults', 'POST', { failNext: { status: 42 } });
    expect(status.status).toBe(400);
    expect((await apnsControl('nope')).status).toBe(404);
    expect((await apnsControl('inbox', 'PUT')).status).toBe(405);
    expect((await apnsControl('faults')).json).toMatchObject({ latencyMs: null, pendingFailures: [] }); // nothing half-applied
  });
});

describe('FCM control API over HTTP/1.1', () => {
  test('faults and dead tokens set over HTTP reach the FCM endpoint; the inbox is readable', async () => {
    await fcmControl('faults', 'POST', { failNext: { status: 429, retryAfterSeconds: 2 } });
    await fcmControl('dead-tokens', 'POST', { tokens: ['gone'] });
    const { serviceAccount, endpoint } = sims.credentials.fcm;
    const credential = new SimulatorCredential(serviceAccount);
    const { access_token } = await credential.getAccessToken();
    const send = (token: string) =>
      fetch(`${endpoint}/v1/projects/control-test/messages:send`, {
        method: 'POST',
        headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ message: { token, data: { k: 'v' } } }),
      });
    const limited = await send('phone');
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '2']);
    await limited.arrayBuffer();
    const gone = await send('gone');
    expect(gone.status).toBe(404);
    await gone.arrayBuffer();
    const ok = await send('phone');
    expect(ok.status).toBe(200);
    await ok.arrayBuffer();
    const inbox = await fcmControl('inbox?token=phone');
    expect(inbox.json).toMatchObject({ total: 1, pushes: [{ token: 'phone', projectId: 'control-test', message: { data: { k: 'v' } } }] });
    expect((await fcmControl('stats')).json).toMatchObject({ received: 1, tokenRequests: 1, rejectedByReason: { QUOTA_EXCEEDED: 1, UNREGISTERED: 1 } });
    expect((await fcmControl('faults', 'POST', '{not json')).status).toBe(400);
  });
});
