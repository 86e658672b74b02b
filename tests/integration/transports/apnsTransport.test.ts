import { randomBytes } from 'node:crypto';
import type apn from '@parse/node-apn';
import { isPushError } from '../../../lib/errors';
import { generateApnsClientCertificate } from '../../../server/simulators/certificates';
import { generateApnsSigningKey } from '../../../server/simulators/credentials';
import { startApnsSimulator, type ApnsSimulator } from '../../../server/simulators/apnsSimulator';
import { ApnsTransport, type ApnsTransportOptions, type IApnsProvider } from '../../../server/transports/ApnsTransport';
import { aDelivery, aNotification } from '../../fakes/deliveries';

const TOPIC = 'com.example.chat';
const key = generateApnsSigningKey();
let simulator: ApnsSimulator;
const transports: ApnsTransport[] = [];

function transport(extra: Partial<ApnsTransportOptions> = {}): ApnsTransport {
  const t = new ApnsTransport({
    credentials: { kind: 'token', key: key.p8, keyId: key.keyId, teamId: key.teamId },
    production: false,
    endpoint: { host: simulator.address, port: simulator.port },
    ca: simulator.ca,
    ...extra,
  });
  transports.push(t);
  return t;
}

const hexToken = () => randomBytes(32).toString('hex');
const deliveryTo = (token: string, overrides: Parameters<typeof aDelivery>[0] = {}) =>
  aDelivery({ platform: 'apn', token, appName: TOPIC, expiresAt: Math.floor(Date.now() / 1000) + 3600, ...overrides });

beforeAll(async () => {
  simulator = await startApnsSimulator({ signingKeys: [{ keyId: key.keyId, teamId: key.teamId, p8: key.p8 }] });
});

afterEach(async () => {
  await Promise.all(transports.splice(0).map((t) => t.close()));
  simulator.clear();
});

afterAll(async () => {
  await simulator.stop();
});

describe('ApnsTransport against the APNs simulator', () => {
  it('sends the exact headers and payload of toApnsNotification', async () => {
    const token = hexToken();
    const delivery = deliveryTo(token, { expiresAt: 1_900_000_000 });
    const [result] = await transport().send([delivery]);
    expect(result).toMatchObject({ outcome: 'delivered', status: 200, providerId: delivery.apnsId, route: `apns:${key.keyId}:sandbox` });
    const [push] = simulator.inbox(token);
    expect(push).toMatchObject({ apnsId: delivery.apnsId, collapseId: delivery.collapseId, topic: TOPIC, pushType: 'alert', priority: 10, expiration: 1_900_000_000 });
    expect(push.payload).toEqual({
      aps: { alert: { title: '#general', body: 'alice: hello there' }, badge: 3, sound: 'default', category: 'MESSAGE', 'thread-id': 'room-1', 'mutable-content': 1 },
      ejson: JSON.stringify(delivery.notification.payload),
      messageFrom: 'push',
    });
    expect(push.auth).toEqual({ type: 'token', keyId: key.keyId, teamId: key.teamId });
  });

  it('does not let node-apn retry a 503 by itself: one request, one retry result for the outbox', async () => {
    const token = hexToken();
    simulator.faults.set({ failNext: { status: 503, tokens: [token], retryAfterSeconds: 5 } });
    const [result] = await transport().send([deliveryTo(token)]);
    expect(result).toMatchObject({ outcome: 'retry', status: 503, reason: 'ServiceUnavailable', retryAfterMs: 5_000, routeHealth: 'failure' });
    expect(simulator.stats().requests).toBe(1);
  });

  it('does not retry a 429 either, and passes its Retry-After on', async () => {
    const token = hexToken();
    simulator.faults.set({ failNext: { status: 429, reason: 'TooManyRequests', retryAfterSeconds: 120, tokens: [token] } });
    const [result] = await transport().send([deliveryTo(token)]);
    expect(result).toMatchObject({ outcome: 'retry', reason: 'TooManyRequests', retryAfterMs: 120_000 });
    expect(simulator.stats().requests).toBe(1);
  });

  it('answers invalid-token for a malformed token (400 BadDeviceToken)', async () => {
    const [result] = await transport().send([deliveryTo('not-a-hex-token')]);
    expect(result).toMatchObject({ outcome: 'invalid-token', status: 400, reason: 'BadDeviceToken' });
  });

  it('answers invalid-token for a token of another app (400 DeviceTokenNotForTopic)', async () => {
    const token = hexToken();
    simulator.registerDevice(token, { topic: 'com.example.other' });
    const [result] = await transport().send([deliveryTo(token)]);
    expect(result).toMatchObject({ outcome: 'invalid-token', reason: 'DeviceTokenNotForTopic' });
  });

  it('answers invalid-token for 410 ExpiredToken', async () => {
    const token = hexToken();
    simulator.faults.set({ failNext: { status: 410, reason: 'ExpiredToken', tokens: [token] } });
    expect((await transport().send([deliveryTo(token)]))[0]).toMatchObject({ outcome: 'invalid-token', reason: 'ExpiredToken', status: 410 });
  });

  it('answers rejected + unhealthy when APNs refuses the key (403 InvalidProviderToken)', async () => {
    const stranger = generateApnsSigningKey();
    const t = transport({ credentials: { kind: 'token', key: stranger.p8, keyId: stranger.keyId, teamId: stranger.teamId } });
    const [result] = await t.send([deliveryTo(hexToken())]);
    expect(result).toMatchObject({ outcome: 'rejected', status: 403, reason: 'InvalidProviderToken', routeHealth: 'unhealthy', route: `apns:${stranger.keyId}:sandbox` });
    expect(result.detail).toMatch(/credentials/);
  });

  it('answers rejected + unhealthy when the key is revoked mid-run', async () => {
    const t = transport();
    expect((await t.send([deliveryTo(hexToken())]))[0].outcome).toBe('delivered');
    simulator.faults.set({ revokeKeys: [key.keyId] });
    try {
      expect((await t.send([deliveryTo(hexToken())]))[0]).toMatchObject({ outcome: 'rejected', routeHealth: 'unhealthy' });
    } finally {
      simulator.faults.set({ restoreKeys: [key.keyId] });
    }
  });

  it('rejects a payload that cannot fit without sending it', async () => {
    const huge = aNotification({ payload: { ...aNotification().payload, name: 'x'.repeat(5000) } });
    const [result] = await transport().send([deliveryTo(hexToken(), { notification: huge })]);
    expect(result).toMatchObject({ outcome: 'rejected', reason: 'PayloadTooLarge' });
    expect(simulator.stats().requests).toBe(0);
  });

  it('fits an emoji-heavy body and APNs accepts it', async () => {
    const token = hexToken();
    const [result] = await transport().send([deliveryTo(token, { notification: aNotification({ body: '👨‍👩‍👧‍👦'.repeat(500) }) })]);
    expect(result.outcome).toBe('delivered');
    expect(Buffer.byteLength(JSON.stringify(simulator.inbox(token)[0].payload))).toBeLessThanOrEqual(4096);
  });

  it('uses one HTTP/2 connection for many pushes and many sends', async () => {
    const t = transport();
    for (let i = 0; i < 3; i++) {
      const results = await t.send(Array.from({ length: 20 }, () => deliveryTo(hexToken())));
      expect(results.every((r) => r.outcome === 'delivered')).toBe(true);
    }
    expect(simulator.received).toBe(60);
    expect(simulator.stats().openSessions).toBe(1);
  });

  it('reconnects after the connection was destroyed', async () => {
    const t = transport();
    const token = hexToken();
    simulator.faults.set({ resetNext: { tokens: [token], mode: 'session' } });
    expect((await t.send([deliveryTo(token)]))[0].outcome).toBe('retry');
    expect((await t.send([deliveryTo(token)]))[0].outcome).toBe('delivered');
  });

  it('answers retry (failure) when APNs is unreachable', async () => {
    const t = transport({ endpoint: { host: '127.0.0.1', port: 1 } });
    const [result] = await t.send([deliveryTo(hexToken())]);
    expect(result).toMatchObject({ outcome: 'retry', reason: 'ECONNREFUSED', routeHealth: 'failure' });
    // node-apn alone would hang in shutdown() here (its failed session is destroyed but never "closed").
    await expect(t.close()).resolves.toBeUndefined();
  });

  it('throws PUSH_ERR_TRANSPORT_NOT_CONFIGURED for an expired certificate (node-apn refuses it)', async () => {
    const expired = generateApnsClientCertificate(TOPIC, { notBefore: new Date(Date.now() - 400 * 86_400_000), days: 30 });
    const t = transport({ credentials: { kind: 'certificate', cert: expired.certPem, key: expired.keyPem } });
    expect(t.routeOf()).toMatch(/^apns:cert-[0-9a-f]{16}:sandbox$/);
    const error = await t.send([deliveryTo(hexToken())]).catch((e: unknown) => e);
    expect(isPushError(error, 'PUSH_ERR_TRANSPORT_NOT_CONFIGURED')).toBe(true);
    expect((error as Error).message).toMatch(/expired/);
  });

  it('never reads a non-PEM setting as a file path', async () => {
    const t = transport({ credentials: { kind: 'token', key: '/etc/passwd', keyId: key.keyId, teamId: key.teamId } });
    const error = await t.send([deliveryTo(hexToken())]).catch((e: unknown) => e);
    expect(isPushError(error, 'PUSH_ERR_TRANSPORT_NOT_CONFIGURED')).toBe(true);
    expect((error as Error).message).toContain('not PEM');
  });

  it('builds node-apn with connectionRetryLimit 0 and our endpoint, once per transport', async () => {
    const seen: apn.ProviderOptions[] = [];
    const fake: IApnsProvider = {
      send: async (_note, token) => ({ sent: [{ device: String(token) }], failed: [] }),
      shutdown: (done?: () => void) => done?.(),
    };
    const t = transport({ provider: (options) => (seen.push(options), fake), production: true, endpoint: { host: 'apns.internal', port: 2197 } });
    await t.send([deliveryTo(hexToken())]);
    await t.send([deliveryTo(hexToken())]);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ connectionRetryLimit: 0, address: 'apns.internal', port: 2197, production: true });
    expect(t.routeOf()).toBe(`apns:${key.keyId}:production`);
  });

  it('refuses to send after close()', async () => {
    const t = transport();
    await t.close();
    await expect(t.send([deliveryTo(hexToken())])).rejects.toMatchObject({ code: 'PUSH_ERR_TRANSPORT_NOT_CONFIGURED' });
  });
});
