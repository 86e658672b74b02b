/**
 * Inbox bounds and waiting, and the exactness of "the next N requests" under concurrency, on the APNs simulator
 * with a raw HTTP/2 client.
 */

import type http2 from 'http2';
import { isPushError } from '../../../lib/errors';
import { startApnsSimulator, type ApnsSimulator } from '../../../server/simulators/apnsSimulator';
import { generateApnsSigningKey } from '../../../server/simulators/credentials';
import { signJwt } from '../../../server/simulators/jwt';
import { closeSession, h2Connect, h2Request } from './support';

const key = generateApnsSigningKey();
const token = (n: number) => n.toString(16).padStart(64, '0');
let sim: ApnsSimulator;
let session: http2.ClientHttp2Session;
let jwt: string;

const push = (n: number) =>
  h2Request(session, { ':path': `/3/device/${token(n)}`, authorization: `bearer ${jwt}`, 'apns-topic': 'com.example.chat' }, '{"aps":{}}');

beforeAll(async () => {
  sim = await startApnsSimulator({ signingKeys: [key], maxInboxEntries: 3 });
  session = await h2Connect(sim.endpoint, { ca: sim.ca });
  jwt = signJwt('ES256', { kid: key.keyId }, { iss: key.teamId, iat: Math.floor(Date.now() / 1000) }, key.p8);
});

afterEach(() => {
  sim.clear();
  sim.faults.clear();
});

afterAll(async () => {
  await closeSession(session);
  await sim.stop();
});

test('exactly N of many concurrent requests get the injected failure', async () => {
  sim.faults.set({ failNext: { status: 503, count: 7 } });
  const results = await Promise.all(Array.from({ length: 40 }, (_, i) => push(i)));
  expect(results.filter((r) => r.status === 503)).toHaveLength(7);
  expect(results.filter((r) => r.status === 200)).toHaveLength(33);
  expect(sim.stats()).toMatchObject({ requests: 40, received: 33, rejectedByReason: { ServiceUnavailable: 7 }, faults: { failures: 7 } });
});

test('the inbox keeps only the newest maxInboxEntries pushes; counters keep counting', async () => {
  for (const n of [1, 2, 1, 3, 1]) expect((await push(n)).status).toBe(200);
  expect(sim.received).toBe(5);
  expect(sim.allReceived().map((p) => p.token)).toEqual([token(1), token(3), token(1)]);
  expect(sim.inbox(token(1))).toHaveLength(2);
  expect(sim.inbox(token(2))).toEqual([]);
  expect(sim.stats().inboxSize).toBe(3);
});

test('waitFor(count) counts pushes accepted since clear(), even ones already dropped for room', async () => {
  const waiting = sim.waitFor(5, 5000);
  for (let n = 0; n < 5; n++) await push(n);
  expect((await waiting).map((p) => p.token)).toEqual([token(2), token(3), token(4)]);
});

test('waitFor rejects with PUSH_ERR_NOT_FOUND when nothing matching arrives in time', async () => {
  await push(9);
  const error = await sim.waitFor((p) => p.token === token(10), 50).catch((e: unknown) => e);
  expect(isPushError(error, 'PUSH_ERR_NOT_FOUND')).toBe(true);
  expect((error as Error).message).toContain('1 pushes received');
});

test('waitFor(predicate) finds a push that is already in the inbox', async () => {
  await push(11);
  const found = await sim.waitFor((p) => p.token === token(11), 10);
  expect(found.token).toBe(token(11));
});

test('stop() rejects pending waits and closes the server (a new simulator is independent)', async () => {
  const other = await startApnsSimulator({ signingKeys: [key] });
  const pending = other.waitFor(1, 60_000);
  await other.stop();
  await expect(pending).rejects.toThrow(/simulator stopped/);
  const refused = await h2Connect(other.endpoint, { ca: other.ca }).then(
    (s) => closeSession(s).then(() => 'connected'),
    (e: NodeJS.ErrnoException) => e.code,
  );
  expect(refused).toBe('ECONNREFUSED');
});
