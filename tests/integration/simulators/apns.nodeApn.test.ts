/**
 * The real @parse/node-apn 8.1.0 Provider against the APNs simulator over TLS (trusting its `ca`). node-apn retries
 * 408/429/5xx and 403 ExpiredProviderToken up to 3 times with no delay (it reads `Retry-After` in the wrong case),
 * and reports failures in `failed[]` as `{device, status, response: {reason}}` or `{device, error}`.
 */

import apn from '@parse/node-apn';
import { randomUUID } from 'crypto';
import { startApnsSimulator, type ApnsSimulator } from '../../../server/simulators/apnsSimulator';
import { generateApnsClientCertificate } from '../../../server/simulators/certificates';
import { generateApnsSigningKey } from '../../../server/simulators/credentials';

const TOPIC = 'com.example.chat';
const hexToken = (seed: number) => seed.toString(16).padStart(2, '0').repeat(32);

let sim: ApnsSimulator;
let clockSkewMs = 0;
const key = generateApnsSigningKey();
const restrictedKey = generateApnsSigningKey();
const clientCert = generateApnsClientCertificate(TOPIC);
const providers: apn.Provider[] = [];

function tokenProvider(signingKey = key): apn.Provider {
  const provider = new apn.Provider({
    token: { key: signingKey.p8, keyId: signingKey.keyId, teamId: signingKey.teamId },
    address: sim.address,
    port: sim.port,
    ca: [sim.ca],
    production: false,
  });
  providers.push(provider);
  return provider;
}

function certificateProvider(cert = clientCert): apn.Provider {
  const provider = new apn.Provider({ cert: cert.certPem, key: cert.keyPem, address: sim.address, port: sim.port, ca: [sim.ca], production: false });
  providers.push(provider);
  return provider;
}

function note(fields: Partial<apn.Notification> & { payload?: Record<string, unknown> } = {}): apn.Notification {
  const n = new apn.Notification();
  n.alert = { title: 'Alice', body: 'hello' };
  n.topic = TOPIC;
  Object.assign(n, fields);
  return n;
}

beforeAll(async () => {
  sim = await startApnsSimulator({
    now: () => Date.now() + clockSkewMs,
    signingKeys: [key, { ...restrictedKey, topics: ['com.example.other'] }],
    clientCertificates: [clientCert.certPem],
  });
});

afterEach(async () => {
  await Promise.all(providers.splice(0).map((p) => p.shutdown()));
  sim.clear();
  sim.faults.clear();
  clockSkewMs = 0;
});

afterAll(async () => {
  await sim.stop();
});

describe('token authentication (.p8)', () => {
  test('a push lands in the inbox with its headers and payload; apns-id is echoed', async () => {
    const token = hexToken(1);
    const apnsId = randomUUID();
    const expiry = Math.floor(Date.now() / 1000) + 3600;
    const waiting = sim.waitFor((push) => push.token === token);
    const result = await tokenProvider().send(
      note({ id: apnsId, collapseId: 'room-1', expiry, priority: 5, pushType: 'alert', payload: { ejson: '{"rid":"r1"}' } }),
      token,
    );
    expect(result.failed).toEqual([]);
    expect(result.sent).toEqual([{ device: token, 'apns-id': apnsId, 'apns-unique-id': expect.any(String) }]);
    const push = await waiting;
    expect(push).toMatchObject({
      token,
      apnsId,
      collapseId: 'room-1',
      topic: TOPIC,
      pushType: 'alert',
      priority: 5,
      expiration: expiry,
      payload: { aps: { alert: { title: 'Alice', body: 'hello' } }, ejson: '{"rid":"r1"}' },
      auth: { type: 'token', keyId: key.keyId, teamId: key.teamId },
    });
    expect(push.receivedAt).toBeInstanceOf(Date);
    expect(push.headers['apns-topic']).toBe(TOPIC);
    expect(push.headers.authorization).toBeUndefined();
    expect(sim.inbox(token)).toEqual([push]);
    expect(sim.received).toBe(1);
  });

  test('without apns-id the simulator generates one and returns it', async () => {
    const token = hexToken(2);
    const result = await tokenProvider().send(note(), token);
    const apnsId = result.sent[0] && (result.sent[0] as unknown as Record<string, string>)['apns-id'];
    expect(apnsId).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
    expect(sim.inbox(token)[0].apnsId).toBe(apnsId);
    expect(sim.inbox(token)[0].priority).toBe(10);
  });

  test('a malformed token is refused with 400 BadDeviceToken; a registered odd token is accepted', async () => {
    sim.registerDevice('simulated-device-1');
    const result = await tokenProvider().send(note(), ['not-a-device-token', 'simulated-device-1']);
    expect(result.failed).toEqual([
      expect.objectContaining({ device: 'not-a-device-token', status: 400, response: { reason: 'BadDeviceToken' } }),
    ]);
    expect(result.sent.map((s) => s.device)).toEqual(['simulated-device-1']);
    expect(sim.inbox('not-a-device-token')).toEqual([]);
    expect(sim.rejectedByReason).toEqual({ BadDeviceToken: 1 });
  });

  test('a dead token answers 410 Unregistered with the timestamp it died', async () => {
    const token = hexToken(3);
    const diedAt = new Date('2026-01-02T03:04:05.000Z');
    sim.faults.markDead([token], { at: diedAt });
    const result = await tokenProvider().send(note(), token);
    expect(result.failed).toEqual([
      expect.objectContaining({ device: token, status: 410, response: { reason: 'Unregistered', timestamp: diedAt.getTime() } }),
    ]);
    expect(sim.inbox(token)).toEqual([]);
  });

  test('a token registered for another app answers 400 DeviceTokenNotForTopic', async () => {
    const token = hexToken(4);
    sim.registerDevice(token, { topic: 'com.example.other' });
    const result = await tokenProvider().send(note(), token);
    expect(result.failed).toEqual([expect.objectContaining({ status: 400, response: { reason: 'DeviceTokenNotForTopic' } })]);
    // The same device with its own app's topic (and its VoIP variant) is fine.
    const ok = await tokenProvider().send(note({ topic: 'com.example.other.voip', pushType: 'voip' }), token);
    expect(ok.sent).toHaveLength(1);
  });

  test('a key restricted to other topics answers 400 TopicDisallowed', async () => {
    const result = await tokenProvider(restrictedKey).send(note(), hexToken(5));
    expect(result.failed).toEqual([expect.objectContaining({ status: 400, response: { reason: 'TopicDisallowed' } })]);
    const allowed = await tokenProvider(restrictedKey).send(note({ topic: 'com.example.other' }), hexToken(5));
    expect(allowed.sent).toHaveLength(1);
  });

  test('an unknown key answers 403 InvalidProviderToken', async () => {
    const result = await tokenProvider(generateApnsSigningKey()).send(note(), hexToken(6));
    expect(result.failed).toEqual([expect.objectContaining({ status: 403, response: { reason: 'InvalidProviderToken' } })]);
  });

  test('a revoked key answers 403 InvalidProviderToken, and works again once restored', async () => {
    const provider = tokenProvider();
    expect((await provider.send(note(), hexToken(7))).sent).toHaveLength(1);
    sim.faults.set({ revokeKeys: [key.keyId] });
    const refused = await provider.send(note(), hexToken(7));
    expect(refused.failed).toEqual([expect.objectContaining({ status: 403, response: { reason: 'InvalidProviderToken' } })]);
    sim.faults.set({ restoreKeys: [key.keyId] });
    expect((await provider.send(note(), hexToken(7))).sent).toHaveLength(1);
  });

  test('a provider token older than an hour answers 403 ExpiredProviderToken (node-apn regenerates and retries)', async () => {
    clockSkewMs = 2 * 3600 * 1000; // the simulator lives two hours ahead: every fresh token is already stale
    const result = await tokenProvider().send(note(), hexToken(8));
    expect(result.sent).toEqual([]);
    expect(result.failed).toHaveLength(1);
    expect(result.failed[0].status).toBe(403);
    expect(result.failed[0].error?.message).toBe('ExpiredProviderToken');
    expect(sim.rejectedByReason).toEqual({ ExpiredProviderToken: 4 }); // the first try and node-apn's 3 retries
  });

  test('a payload over 4 KB answers 413 PayloadTooLarge', async () => {
    const result = await tokenProvider().send(note({ payload: { filler: 'x'.repeat(4200) } }), hexToken(9));
    expect(result.failed).toEqual([expect.objectContaining({ status: 413, response: { reason: 'PayloadTooLarge' } })]);
    expect(sim.received).toBe(0);
  });
});

describe('faults', () => {
  test('429 TooManyRequests with retry-after: node-apn retries three times, then reports it', async () => {
    sim.faults.set({ failNext: { status: 429, reason: 'TooManyRequests', retryAfterSeconds: 1, count: 4 } });
    const result = await tokenProvider().send(note(), hexToken(10));
    expect(result.failed).toEqual([expect.objectContaining({ status: 429, response: { reason: 'TooManyRequests' } })]);
    expect(sim.rejectedByReason).toEqual({ TooManyRequests: 4 });
    expect(sim.faults.snapshot().pendingFailures).toEqual([]);
  });

  test('a 5xx burst shorter than the retry budget ends in success', async () => {
    sim.faults.set({ failNext: [{ status: 500 }, { status: 503 }] });
    const token = hexToken(11);
    const result = await tokenProvider().send(note(), token);
    expect(result.sent).toHaveLength(1);
    expect(sim.rejectedByReason).toEqual({ InternalServerError: 1, ServiceUnavailable: 1 });
    expect(sim.inbox(token)).toHaveLength(1);
  });

  test('failures can target given tokens only', async () => {
    const [victim, bystander] = [hexToken(12), hexToken(13)];
    sim.faults.set({ failNext: { status: 400, reason: 'BadDeviceToken', tokens: [victim] } });
    const result = await tokenProvider().send(note(), [victim, bystander]);
    expect(result.failed.map((f) => f.device)).toEqual([victim]);
    expect(result.sent.map((s) => s.device)).toEqual([bystander]);
  });

  test.each(['session', 'stream', 'goaway'] as const)('a connection reset (%s) fails that push; the next one goes through', async (mode) => {
    sim.faults.set({ resetNext: { count: 1, mode } });
    const provider = tokenProvider();
    const first = await provider.send(note(), hexToken(14));
    expect(first.sent).toEqual([]);
    expect(first.failed).toHaveLength(1);
    expect(first.failed[0].status).toBeUndefined();
    expect(first.failed[0].error).toBeInstanceOf(Error);
    const second = await provider.send(note(), hexToken(14));
    expect(second.sent).toHaveLength(1);
    expect(sim.stats().faults.resets).toBe(1);
  });

  test('while down every push is refused; afterwards they go through', async () => {
    sim.faults.set({ downForMs: 60_000 });
    const provider = tokenProvider();
    const refused = await provider.send(note(), hexToken(15));
    expect(refused.failed).toHaveLength(1);
    expect(refused.failed[0].error?.message).toMatch(/REFUSED_STREAM/);
    sim.faults.set({ downForMs: 0 });
    expect((await provider.send(note(), hexToken(15))).sent).toHaveLength(1);
  });

  test('latency holds the answer back', async () => {
    sim.faults.set({ latencyMs: { min: 150, max: 200 } });
    const started = Date.now();
    const result = await tokenProvider().send(note(), hexToken(16));
    expect(result.sent).toHaveLength(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  test('waitFor(count) resolves once that many pushes arrived', async () => {
    const waiting = sim.waitFor(3, 5000);
    await tokenProvider().send(note(), [hexToken(17), hexToken(18), hexToken(19)]);
    const pushes = await waiting;
    expect(pushes.map((p) => p.token).sort()).toEqual([hexToken(17), hexToken(18), hexToken(19)]);
  });
});

describe('certificate authentication', () => {
  test('a registered Apple-like client certificate delivers; the inbox records certificate auth', async () => {
    const token = hexToken(20);
    const result = await certificateProvider().send(note(), token);
    expect(result.failed).toEqual([]);
    expect(sim.inbox(token)[0]).toMatchObject({ topic: TOPIC, auth: { type: 'certificate', fingerprint256: clientCert.fingerprint256 } });
  });

  test('a topic outside the certificate answers TopicDisallowed; none at all MissingTopic (multi-topic certificate)', async () => {
    const provider = certificateProvider();
    const wrong = await provider.send(note({ topic: 'com.example.other' }), hexToken(21));
    expect(wrong.failed).toEqual([expect.objectContaining({ status: 400, response: { reason: 'TopicDisallowed' } })]);
    const none = await provider.send(note({ topic: '' }), hexToken(21));
    expect(none.failed).toEqual([expect.objectContaining({ status: 400, response: { reason: 'MissingTopic' } })]);
    const voip = await provider.send(note({ topic: `${TOPIC}.voip`, pushType: 'voip' }), hexToken(21));
    expect(voip.sent).toHaveLength(1);
  });

  test('an unregistered certificate answers 403 BadCertificate', async () => {
    const stranger = generateApnsClientCertificate(TOPIC);
    const result = await certificateProvider(stranger).send(note(), hexToken(22));
    expect(result.failed).toEqual([expect.objectContaining({ status: 403, response: { reason: 'BadCertificate' } })]);
  });
});
