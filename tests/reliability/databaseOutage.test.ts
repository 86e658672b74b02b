import { MongoClient } from 'mongodb';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../server/embedded-mongo';
import { CircuitBreakerGuard } from '../../server/push/outbox/CircuitBreakerGuard';
import { OutboxModel } from '../../server/push/outbox/OutboxModel';
import { OutboxWorker, type ISettledDelivery } from '../../server/push/outbox/OutboxWorker';
import { generateApnsSigningKey, startApnsSimulator, type ApnsSimulator } from '../../server/simulators';
import { ApnsTransport } from '../../server/transports/ApnsTransport';
import { auditDeliveries } from './support/deliveryAudit';
import { queuedEntries } from './support/entries';
import { sleep, waitUntil } from './support/waitUntil';

/**
 * The database goes away for a few seconds in the middle of a delivery run (the embedded server drops every
 * connection and stops listening, then listens again on the same port with the same data). The worker must pause
 * (claims and settlements fail, nothing crashes), resume on its own when the database is back, and deliver every
 * push; pushes whose outcome could not be recorded are resent after their lease with the same apns-id.
 */
const PUSHES = 2_000;
const LEASE_MS = 2_000;
const OUTAGE_MS = 3_000;

let mongo: EmbeddedMongo;
let client: MongoClient;
let apns: ApnsSimulator;
let transport: ApnsTransport;
let worker: OutboxWorker;

afterAll(async () => {
  await worker?.stop();
  await transport?.close();
  await client?.close();
  await apns?.stop();
  await mongo?.stop();
});

test('a database outage pauses the worker, which resumes by itself; nothing lost', async () => {
  mongo = await startEmbeddedMongo({ port: 0 });
  // Operations give up after 1 s without a server (the default 30 s would just wait the outage out): claims and
  // settlements fail during the outage, as they do when a real outage outlasts the driver's patience.
  client = new MongoClient(mongo.url, { serverSelectionTimeoutMS: 1_000, heartbeatFrequencyMS: 500 });
  await client.connect();
  const outbox = new OutboxModel(client.db(`reliability_db_${process.pid}`));
  await outbox.ensureIndexes();
  const key = generateApnsSigningKey();
  apns = await startApnsSimulator({ signingKeys: [key] });
  apns.faults.set({ latencyMs: { min: 10, max: 30 } });
  transport = new ApnsTransport({
    credentials: { kind: 'token', key: key.p8, keyId: key.keyId, teamId: key.teamId },
    production: false,
    endpoint: { host: apns.address, port: apns.port },
    ca: apns.ca,
  });
  const warnings: string[] = [];
  const errors: string[] = [];
  const settledAt: number[] = [];
  worker = new OutboxWorker({
    outbox,
    transport: () => transport,
    guard: new CircuitBreakerGuard(),
    policy: () => ({ maxAttempts: 10, maxAgeMs: 3600_000 }),
    onInvalidToken: async () => undefined,
    onSettled: (settled: ISettledDelivery[]) => void settledAt.push(...settled.map(() => Date.now())),
    logger: { warn: (_o, msg) => void warnings.push(msg), error: (_o, msg) => void errors.push(msg), debug: () => undefined },
    leaseMs: LEASE_MS,
    batchSize: 100,
    maxInFlight: 200,
    routeConcurrency: 2,
    chunkSize: 25,
    pollIntervalMs: 250,
    errorBackoffMs: 250,
  });
  const entries = queuedEntries(PUSHES);
  await outbox.enqueue(entries);
  worker.start();

  await waitUntil(() => apns.received >= PUSHES / 4, 30_000, 'a quarter of the pushes');
  const acceptedBefore = apns.received;
  const outageStart = Date.now();
  await mongo.suspend();
  await sleep(OUTAGE_MS);
  const outageEnd = Date.now();
  const acceptedDuring = apns.received - acceptedBefore;
  await mongo.resume();

  await waitUntil(async () => (await outbox.collection.countDocuments({ state: 'delivered' })) === PUSHES, 60_000, 'every push delivered', 200);
  const recordedDuringOutage = settledAt.filter((t) => t > outageStart + 100 && t < outageEnd).length;
  const audit = await auditDeliveries(outbox.collection, entries.map((e) => e._id), apns.allReceived());
  console.log(
    `[reliability] database outage (${OUTAGE_MS / 1000} s, connections dropped, same port and data after): pushes=${audit.pushes} ` +
      `lost=${audit.lost} duplicated(same apns-id, outcome not recorded)=${audit.duplicatedSameId} duplicated(other apns-id)=${audit.duplicatedOtherId} ` +
      `accepted during the outage=${acceptedDuring} outcomes recorded during it=${recordedDuringOutage} ` +
      `claim failures logged=${warnings.length} unrecorded outcome batches=${errors.length}`,
  );
  expect(audit.lost).toBe(0);
  expect(audit.duplicatedOtherId).toBe(0);
  // The worker noticed (claims failed) and did not record anything while the database was away.
  expect(warnings.length + errors.length).toBeGreaterThan(0);
  expect(recordedDuringOutage).toBe(0);
  // Only pushes whose outcome could not be recorded are resent, at most what was in flight.
  expect(audit.duplicatedSameId).toBeLessThanOrEqual(200);
}, 90_000);
