import { randomBytes } from 'node:crypto';
import { parseServiceAccount, type IServiceAccount } from '../../../lib/delivery/parseServiceAccount';
import { generateServiceAccount, type ServiceAccountJson } from '../../../server/simulators/credentials';
import { startFcmSimulator, type FcmSimulator } from '../../../server/simulators/fcmSimulator';
import { FcmTransport, type FcmTransportOptions } from '../../../server/transports/FcmTransport';
import { aDelivery } from '../../fakes/deliveries';

const PROJECT = 'chat-push-fcm';
const json: ServiceAccountJson = generateServiceAccount({ projectId: PROJECT });
let simulator: FcmSimulator;
const transports: FcmTransport[] = [];

function accountOf(value: ServiceAccountJson): IServiceAccount {
  const parsed = parseServiceAccount(JSON.stringify(value));
  if (!parsed.ok) throw new Error('service account does not parse');
  return parsed.account;
}

function transport(extra: Partial<FcmTransportOptions> = {}): FcmTransport {
  const t = new FcmTransport({ serviceAccount: accountOf(json), endpoint: simulator.endpoint, ...extra });
  transports.push(t);
  return t;
}

const fcmToken = () => `fcm-${randomBytes(24).toString('base64url')}`;
const deliveryTo = (token: string) => aDelivery({ platform: 'gcm', token, appName: 'chat.rocket.android', expiresAt: Math.floor(Date.now() / 1000) + 3600 });

beforeAll(async () => {
  simulator = await startFcmSimulator({ serviceAccounts: [json] });
});

afterEach(async () => {
  await Promise.all(transports.splice(0).map((t) => t.close()));
  simulator.clear();
});

afterAll(async () => {
  await simulator.stop();
});

describe('FcmTransport against the FCM simulator', () => {
  it('sends the firebase-admin message of toFcmMessage with an access token from the simulated Google OAuth', async () => {
    const token = fcmToken();
    const delivery = deliveryTo(token);
    const [result] = await transport().send([delivery]);
    expect(result).toMatchObject({ outcome: 'delivered', status: 200, route: `fcm:${PROJECT}` });
    expect(result.providerId).toMatch(new RegExp(`^projects/${PROJECT}/messages/`));
    const [push] = simulator.inbox(token);
    expect(push.clientEmail).toBe(json.client_email);
    expect(push.message).toMatchObject({
      token,
      notification: { title: '#general', body: 'alice: hello there' },
      data: { ejson: JSON.stringify(delivery.notification.payload), title: '#general', message: 'alice: hello there', msgcnt: '3', notId: '123456', soundname: 'default', style: 'inbox' },
      android: { priority: 'high', notification: { tag: delivery.collapseId, sound: 'default' } },
    });
  });

  it('fetches the access token once for many sends', async () => {
    const t = transport();
    for (let i = 0; i < 3; i++) {
      const results = await t.send(Array.from({ length: 10 }, () => deliveryTo(fcmToken())));
      expect(results.every((r) => r.outcome === 'delivered')).toBe(true);
    }
    expect(simulator.received).toBe(30);
    expect(simulator.tokenRequests).toBe(1);
    expect(t.tokenRequests).toBe(1);
  });

  it("switches firebase-admin's own retries off: a 503 is one request and one retry result", async () => {
    const token = fcmToken();
    simulator.faults.set({ failNext: { status: 503, tokens: [token] } });
    const t = transport();
    const [result] = await t.send([deliveryTo(token)]);
    expect(t.libraryRetriesDisabled).toBe(true);
    expect(result).toMatchObject({ outcome: 'retry', status: 503, reason: 'UNAVAILABLE', routeHealth: 'failure' });
    expect(simulator.stats().requests).toBe(1);
  });

  it('passes QUOTA_EXCEEDED on as retry with its Retry-After', async () => {
    const token = fcmToken();
    simulator.faults.set({ failNext: { status: 429, reason: 'QUOTA_EXCEEDED', retryAfterSeconds: 90, tokens: [token] } });
    const [result] = await transport().send([deliveryTo(token)]);
    expect(result).toMatchObject({ outcome: 'retry', status: 429, reason: 'QUOTA_EXCEEDED', retryAfterMs: 90_000 });
  });

  it('answers invalid-token for SENDER_ID_MISMATCH (a token of another project)', async () => {
    const token = fcmToken();
    simulator.registerDevice(token, { projectId: 'someone-else' });
    const [result] = await transport().send([deliveryTo(token)]);
    expect(result).toMatchObject({ outcome: 'invalid-token', reason: 'SENDER_ID_MISMATCH', status: 403 });
  });

  it('answers rejected + unhealthy, never invalid-token, when the account may not send for the project', async () => {
    // The simulator knows this key under another project: FCM answers PERMISSION_DENIED, which firebase-admin
    // reports with the same code as SENDER_ID_MISMATCH; the token must not be deleted for it.
    const stranger = generateServiceAccount({ projectId: 'other-project' });
    simulator.registerServiceAccount(stranger);
    const t = transport({ serviceAccount: accountOf({ ...stranger, project_id: PROJECT }) });
    const [result] = await t.send([deliveryTo(fcmToken())]);
    expect(result).toMatchObject({ outcome: 'rejected', reason: 'PERMISSION_DENIED', routeHealth: 'unhealthy' });
  });

  it('answers rejected + unhealthy for every push when Google refuses the service account', async () => {
    const revoked = generateServiceAccount({ projectId: PROJECT });
    simulator.registerServiceAccount(revoked);
    simulator.faults.set({ revokeKeys: [revoked.private_key_id] });
    const results = await transport({ serviceAccount: accountOf(revoked) }).send([deliveryTo(fcmToken()), deliveryTo(fcmToken())]);
    expect(results).toHaveLength(2);
    for (const result of results) expect(result).toMatchObject({ outcome: 'rejected', reason: 'invalid_grant', status: 400, routeHealth: 'unhealthy' });
    expect(simulator.stats().requests).toBe(0);
  });

  it('answers retry (failure) when FCM and OAuth are unreachable', async () => {
    const [result] = await transport({ endpoint: 'http://127.0.0.1:1' }).send([deliveryTo(fcmToken())]);
    expect(result).toMatchObject({ outcome: 'retry', reason: 'ECONNREFUSED', routeHealth: 'failure' });
  });

  it('fetches a new access token after FCM stops accepting the old one', async () => {
    const t = transport();
    expect((await t.send([deliveryTo(fcmToken())]))[0].outcome).toBe('delivered');
    simulator.revokeAccessTokens();
    const [refused] = await t.send([deliveryTo(fcmToken())]);
    expect(refused).toMatchObject({ outcome: 'retry', reason: 'UNAUTHENTICATED', status: 401, routeHealth: 'failure' });
    expect((await t.send([deliveryTo(fcmToken())]))[0].outcome).toBe('delivered');
    expect(t.tokenRequests).toBe(2);
  });

  it('reaches an https endpoint through the endpoint agent (TLS, trusted CA)', async () => {
    const secure = await startFcmSimulator({ tls: true, serviceAccounts: [json] });
    try {
      const t = transport({ endpoint: secure.endpoint, ca: secure.ca });
      const token = fcmToken();
      expect((await t.send([deliveryTo(token)]))[0].outcome).toBe('delivered');
      expect(secure.inbox(token)).toHaveLength(1);
      await t.close();
    } finally {
      await secure.stop();
    }
  });

  it('uses an injected sender without creating an app', async () => {
    const sent: unknown[] = [];
    const t = transport({ messaging: { send: async (message) => (sent.push(message), 'projects/p/messages/1') } });
    const [result] = await t.send([deliveryTo('t1')]);
    expect(result).toMatchObject({ outcome: 'delivered', providerId: 'projects/p/messages/1' });
    expect(sent).toHaveLength(1);
    expect(t.tokenRequests).toBe(0);
  });
});
