import { openTestDatabase, type TestDatabase } from '../support/testDatabase';
import { DEFAULT_BREAKER_OPTIONS, type BreakerStatus } from '../../lib/delivery/circuitBreaker';
import { CircuitBreakerGuard } from '../../server/push/outbox/CircuitBreakerGuard';
import { OutboxModel } from '../../server/push/outbox/OutboxModel';
import { OutboxWorker } from '../../server/push/outbox/OutboxWorker';
import { generateApnsSigningKey, startApnsSimulator, type ApnsSimulator } from '../../server/simulators';
import { ApnsTransport } from '../../server/transports/ApnsTransport';
import { auditDeliveries } from './support/deliveryAudit';
import { queuedEntries } from './support/entries';
import { waitUntil } from './support/waitUntil';

/**
 * The provider misbehaves while pushes flow through the real worker, transport and per-route circuit breaker:
 * an outage (every stream refused), a 503 storm with Retry-After, and a 429 storm (per-device throttling). The
 * breaker must open on route failures and close again, 429s must be held for their Retry-After without tripping
 * it, and every push must end delivered.
 */
let db: TestDatabase;
let apns: ApnsSimulator;
let transport: ApnsTransport;
let worker: OutboxWorker;
let outbox: OutboxModel;
const guard = new CircuitBreakerGuard({ ...DEFAULT_BREAKER_OPTIONS, coolDownMs: 300, maxCoolDownMs: 1_200 });
const transitions: Array<{ status: BreakerStatus; at: number }> = [];

beforeAll(async () => {
  db = await openTestDatabase();
  outbox = new OutboxModel(db.db);
  await outbox.ensureIndexes();
  const key = generateApnsSigningKey();
  apns = await startApnsSimulator({ signingKeys: [key] });
  transport = new ApnsTransport({
    credentials: { kind: 'token', key: key.p8, keyId: key.keyId, teamId: key.teamId },
    production: false,
    endpoint: { host: apns.address, port: apns.port },
    ca: apns.ca,
    requestTimeoutMs: 2_000,
  });
  guard.onStatusChange((_route, status) => transitions.push({ status, at: Date.now() }));
  worker = new OutboxWorker({
    outbox,
    transport: () => transport,
    guard,
    policy: () => ({ maxAttempts: 10, maxAgeMs: 3600_000 }),
    onInvalidToken: async () => undefined,
    logger: { warn: () => undefined, error: () => undefined, debug: () => undefined },
    random: () => 0, // backoff at its floor (1 s) keeps the test short; jitter is tested elsewhere
    pollIntervalMs: 200,
    batchSize: 100,
    chunkSize: 25,
    routeConcurrency: 4,
  });
  worker.start();
}, 30_000);

afterAll(async () => {
  await worker?.stop();
  await transport?.close();
  await apns?.stop();
  await db?.close();
});

async function deliverAll(ids: string[], timeoutMs: number): Promise<void> {
  await waitUntil(async () => (await outbox.collection.countDocuments({ _id: { $in: ids }, state: 'delivered' })) === ids.length, timeoutMs, `${ids.length} pushes delivered`, 100);
}

function report(phase: string, audit: Awaited<ReturnType<typeof auditDeliveries>>, extra: string): void {
  console.log(`[reliability] ${phase}: pushes=${audit.pushes} lost=${audit.lost} duplicated(same apns-id)=${audit.duplicatedSameId} duplicated(other apns-id)=${audit.duplicatedOtherId} ${extra}`);
}

test('an outage opens the breaker, which lets probes through and closes when the provider is back; nothing lost', async () => {
  apns.clear();
  apns.faults.set({ downForMs: 2_500 });
  const started = Date.now();
  const entries = queuedEntries(600);
  await outbox.enqueue(entries);
  worker.wake();
  await waitUntil(() => transitions.some((t) => t.status === 'open'), 10_000, 'the breaker to open');
  expect(guard.routes()[0]).toEqual(expect.objectContaining({ status: expect.stringMatching(/open/) }));
  await deliverAll(entries.map((e) => e._id), 30_000);
  expect(guard.routes()[0].status).toBe('closed');
  const audit = await auditDeliveries(outbox.collection, entries.map((e) => e._id), apns.allReceived());
  const refused = apns.stats().faults.refusedWhileDown;
  // Circuit-open waits are not attempts: nobody came near the attempt limit.
  const maxAttempts = (await outbox.collection.find({ _id: { $in: entries.map((e) => e._id) } }).toArray()).reduce((m, e) => Math.max(m, e.attempts), 0);
  report('provider outage (2.5 s, streams refused)', audit, `refused=${refused} breaker=${transitions.map((t) => t.status).join('→')} maxAttempts=${maxAttempts} took=${Date.now() - started}ms`);
  expect(audit.lost).toBe(0);
  expect(audit.duplicatedOtherId).toBe(0);
  expect(refused).toBeGreaterThan(0);
  expect(maxAttempts).toBeLessThan(10);
  expect(transitions.map((t) => t.status)).toEqual(expect.arrayContaining(['open', 'half-open', 'closed']));
}, 40_000);

test('a 503 storm with Retry-After opens the breaker too, and every push waits at least its Retry-After', async () => {
  apns.clear();
  transitions.length = 0;
  // As many 503s as the worker sends at once (4 chunks of 25): the first wave fails, the breaker opens, a probe
  // after the cool-down finds the provider healthy again. (A longer storm is drained one probe per cool-down.)
  apns.faults.set({ failNext: { status: 503, reason: 'ServiceUnavailable', retryAfterSeconds: 1, count: 100 } });
  const entries = queuedEntries(400);
  await outbox.enqueue(entries);
  worker.wake();
  await deliverAll(entries.map((e) => e._id), 30_000);
  const stored = await outbox.collection.find({ _id: { $in: entries.map((e) => e._id) } }).toArray();
  const throttled = stored.filter((e) => e.history.some((h) => h.status === 503));
  for (const entry of throttled) {
    const failed = entry.history.find((h) => h.status === 503)!;
    expect(entry.deliveredAt!.getTime() - failed.at.getTime()).toBeGreaterThanOrEqual(1_000);
  }
  const audit = await auditDeliveries(outbox.collection, entries.map((e) => e._id), apns.allReceived());
  report('503 storm (100 answers, Retry-After 1 s)', audit, `answered503=${throttled.length} breaker=${transitions.map((t) => t.status).join('→')}`);
  expect(audit.lost).toBe(0);
  expect(throttled.length).toBeGreaterThan(0);
  expect(transitions.map((t) => t.status)).toContain('open');
  expect(guard.routes()[0].status).toBe('closed');
}, 40_000);

test('a 429 storm (per-device throttling) is held for Retry-After without tripping the breaker', async () => {
  apns.clear();
  transitions.length = 0;
  apns.faults.set({ failNext: { status: 429, reason: 'TooManyRequests', retryAfterSeconds: 1, count: 300 } });
  const entries = queuedEntries(400);
  await outbox.enqueue(entries);
  worker.wake();
  await deliverAll(entries.map((e) => e._id), 30_000);
  const stored = await outbox.collection.find({ _id: { $in: entries.map((e) => e._id) } }).toArray();
  const throttled = stored.filter((e) => e.history.some((h) => h.status === 429));
  for (const entry of throttled) {
    const failed = entry.history.find((h) => h.status === 429)!;
    expect(entry.deliveredAt!.getTime() - failed.at.getTime()).toBeGreaterThanOrEqual(1_000);
  }
  const audit = await auditDeliveries(outbox.collection, entries.map((e) => e._id), apns.allReceived());
  report('429 storm (300 answers, Retry-After 1 s)', audit, `answered429=${throttled.length} breaker transitions=${transitions.length}`);
  expect(audit.lost).toBe(0);
  expect(audit.duplicatedOtherId).toBe(0);
  expect(throttled.length).toBe(300);
  expect(transitions).toEqual([]);
}, 40_000);
