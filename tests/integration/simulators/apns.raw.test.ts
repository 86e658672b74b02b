/**
 * A raw HTTP/2 client against the APNs simulator, for the requests node-apn never produces: malformed headers,
 * wrong methods and paths, hand-made provider tokens, an empty or non-JSON body.
 */

import type http2 from 'http2';
import { startApnsSimulator, type ApnsSimulator } from '../../../server/simulators/apnsSimulator';
import { generateApnsClientCertificate } from '../../../server/simulators/certificates';
import { generateApnsSigningKey } from '../../../server/simulators/credentials';
import { signJwt } from '../../../server/simulators/jwt';
import { closeSession, h2Connect, h2Request, httpsJson } from './support';

const TOPIC = 'com.example.chat';
const TOKEN = 'ab'.repeat(32);
const key = generateApnsSigningKey();
const productionOnly = generateApnsClientCertificate(TOPIC, { environments: ['production'] });

let sim: ApnsSimulator;
let session: http2.ClientHttp2Session;

const providerToken = (overrides: { iat?: number; kid?: string; iss?: string } = {}) =>
  signJwt('ES256', { kid: overrides.kid ?? key.keyId }, { iss: overrides.iss ?? key.teamId, iat: overrides.iat ?? Math.floor(Date.now() / 1000) }, key.p8);
const BODY = JSON.stringify({ aps: { alert: 'hi' } });

function push(headers: Record<string, string | string[]> = {}, body: string | undefined = BODY, path = `/3/device/${TOKEN}`) {
  return h2Request(session, { ':path': path, authorization: `bearer ${providerToken()}`, 'apns-topic': TOPIC, ...headers }, body);
}

beforeAll(async () => {
  sim = await startApnsSimulator({ signingKeys: [key], clientCertificates: [productionOnly.certPem] });
  session = await h2Connect(sim.endpoint, { ca: sim.ca });
});

afterEach(() => {
  sim.clear();
  sim.faults.clear();
});

afterAll(async () => {
  await closeSession(session);
  await sim.stop();
});

test('a well-formed push is accepted: 200, empty body, apns-id echoed exactly as sent', async () => {
  const id = '4b9e7b0c-1f2a-4c3d-9e8f-0a1b2c3d4e5f';
  const res = await push({ 'apns-id': id, 'apns-push-type': 'alert', 'apns-priority': '10', 'apns-expiration': '0' });
  expect(res.status).toBe(200);
  expect(res.text).toBe('');
  expect(res.headers['apns-id']).toBe(id);
  expect(sim.inbox(TOKEN)).toHaveLength(1);
});

test.each([
  ['a non-UUID apns-id', 'BadMessageId', { 'apns-id': 'not-a-uuid' }],
  ['a priority other than 1, 5 or 10', 'BadPriority', { 'apns-priority': '7' }],
  ['a non-integer expiration', 'BadExpirationDate', { 'apns-expiration': 'tomorrow' }],
  ['an unknown push type', 'InvalidPushType', { 'apns-push-type': 'banana' }],
  ['a collapse id over 64 bytes', 'BadCollapseId', { 'apns-collapse-id': 'é'.repeat(33) }],
  ['a malformed topic', 'BadTopic', { 'apns-topic': 'com example' }],
  ['a repeated header', 'DuplicateHeaders', { 'apns-priority': ['10', '5'] }],
])('%s → 400 %s', async (_what, reason, headers) => {
  const res = await push(headers as Record<string, string | string[]>);
  expect(res.status).toBe(400);
  expect(res.json).toEqual({ reason });
  expect(sim.received).toBe(0);
});

test('token auth without apns-topic → 400 MissingTopic', async () => {
  const res = await h2Request(session, { ':path': `/3/device/${TOKEN}`, authorization: `bearer ${providerToken()}` }, BODY);
  expect([res.status, res.json]).toEqual([400, { reason: 'MissingTopic' }]);
});

test('GET → 405 MethodNotAllowed; another path → 404 BadPath; no token → 400 MissingDeviceToken', async () => {
  const get = await h2Request(session, { ':method': 'GET', ':path': `/3/device/${TOKEN}` });
  expect([get.status, get.json]).toEqual([405, { reason: 'MethodNotAllowed' }]);
  const path = await push({}, BODY, '/2/device/abc');
  expect([path.status, path.json]).toEqual([404, { reason: 'BadPath' }]);
  const empty = await push({}, BODY, '/3/device/');
  expect([empty.status, empty.json]).toEqual([400, { reason: 'MissingDeviceToken' }]);
});

test('provider tokens: missing, stale, unknown kid, wrong team, not a JWT', async () => {
  const none = await h2Request(session, { ':path': `/3/device/${TOKEN}`, 'apns-topic': TOPIC }, BODY);
  expect([none.status, none.json]).toEqual([403, { reason: 'MissingProviderToken' }]);
  const stale = await push({ authorization: `bearer ${providerToken({ iat: Math.floor(Date.now() / 1000) - 3601 })}` });
  expect([stale.status, stale.json]).toEqual([403, { reason: 'ExpiredProviderToken' }]);
  const unknownKid = await push({ authorization: `bearer ${providerToken({ kid: 'ZZZZZZZZZZ' })}` });
  expect([unknownKid.status, unknownKid.json]).toEqual([403, { reason: 'InvalidProviderToken' }]);
  const wrongTeam = await push({ authorization: `bearer ${providerToken({ iss: 'OTHERTEAM1' })}` });
  expect([wrongTeam.status, wrongTeam.json]).toEqual([403, { reason: 'InvalidProviderToken' }]);
  const otherKeySameKid = signJwt('ES256', { kid: key.keyId }, { iss: key.teamId, iat: Math.floor(Date.now() / 1000) }, generateApnsSigningKey().p8);
  const forged = await push({ authorization: `bearer ${otherKeySameKid}` });
  expect([forged.status, forged.json]).toEqual([403, { reason: 'InvalidProviderToken' }]);
  const garbage = await push({ authorization: 'bearer not.a.jwt' });
  expect([garbage.status, garbage.json]).toEqual([403, { reason: 'InvalidProviderToken' }]);
});

test('payload: empty → PayloadEmpty, no aps → PayloadEmpty, not JSON → BadPayload, VoIP may use 5 KB', async () => {
  expect((await push({}, '')).json).toEqual({ reason: 'PayloadEmpty' });
  expect((await push({}, '{"data":1}')).json).toEqual({ reason: 'PayloadEmpty' });
  expect((await push({}, '{not json')).json).toEqual({ reason: 'BadPayload' });
  const fiveKb = JSON.stringify({ aps: {}, filler: 'x'.repeat(4500) });
  expect((await push({}, fiveKb)).status).toBe(413);
  expect((await push({ 'apns-push-type': 'voip', 'apns-topic': `${TOPIC}.voip` }, fiveKb)).status).toBe(200);
});

test('injected 429 carries the retry-after header; injected 410 carries a timestamp', async () => {
  sim.faults.set({ failNext: [{ status: 429, retryAfterSeconds: 7 }, { status: 410 }] });
  const limited = await push();
  expect(limited.status).toBe(429);
  expect(limited.headers['retry-after']).toBe('7');
  expect(limited.json).toEqual({ reason: 'TooManyRequests' });
  const gone = await push();
  expect(gone.status).toBe(410);
  expect(gone.json).toEqual({ reason: 'Unregistered', timestamp: expect.any(Number) });
});

test('ExpiredToken can be chosen as the dead-token reason', async () => {
  sim.faults.markDead([TOKEN], { reason: 'ExpiredToken' });
  const res = await push();
  expect([res.status, (res.json as { reason: string }).reason]).toEqual([410, 'ExpiredToken']);
});

test('a certificate for the other environment → 403 BadCertificateEnvironment', async () => {
  const certSession = await h2Connect(sim.endpoint, { ca: sim.ca, cert: productionOnly.certPem, key: productionOnly.keyPem });
  try {
    const res = await h2Request(certSession, { ':path': `/3/device/${TOKEN}`, 'apns-topic': TOPIC }, BODY);
    expect([res.status, res.json]).toEqual([403, { reason: 'BadCertificateEnvironment' }]);
  } finally {
    await closeSession(certSession);
  }
});

test('HTTP/1.1 reaches only the control API', async () => {
  const push1 = await httpsJson(`${sim.endpoint}/3/device/${TOKEN}`, { method: 'POST', body: { aps: {} }, ca: sim.ca });
  expect(push1.status).toBe(505);
  const stats = await httpsJson(`${sim.endpoint}/_sim/stats`, { ca: sim.ca });
  expect(stats.status).toBe(200);
  expect(stats.json).toMatchObject({ received: 0 });
});

test('the control API also answers over HTTP/2', async () => {
  await push();
  const res = await h2Request(session, { ':method': 'GET', ':path': `/_sim/inbox?token=${TOKEN}` });
  expect(res.status).toBe(200);
  expect(res.json).toMatchObject({ total: 1, pushes: [{ token: TOKEN, topic: TOPIC, payload: { aps: { alert: 'hi' } } }] });
});
