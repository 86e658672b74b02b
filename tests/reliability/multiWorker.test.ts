import { MongoClient } from 'mongodb';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../server/embedded-mongo';
import { OutboxModel } from '../../server/push/outbox/OutboxModel';
import { generateApnsSigningKey, startApnsSimulator, type ApnsSimulator } from '../../server/simulators';
import { auditDeliveries } from './support/deliveryAudit';
import { queuedEntries } from './support/entries';
import { forkWorker, type ForkedWorker } from './support/forkWorker';
import { waitUntil } from './support/waitUntil';

/**
 * Three worker processes share one database (the embedded server in this process, on a port) and deliver 5,000
 * pushes to the APNs simulator through the real OutboxWorker and ApnsTransport. One is killed with SIGKILL while it
 * holds claimed entries: everything must still be delivered, exactly once per apns-id except the entries the dead
 * worker had already sent (a takeover after the lease may resend them, with the same apns-id), and the dead
 * worker's entries must be taken over only once their lease ran out.
 */
const PUSHES = 5_000;
const LEASE_MS = 3_000;

let mongo: EmbeddedMongo;
let client: MongoClient;
let apns: ApnsSimulator;
const workers: ForkedWorker[] = [];

beforeAll(async () => {
  mongo = await startEmbeddedMongo({ port: 0 });
  client = new MongoClient(mongo.url);
  await client.connect();
}, 30_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.kill().catch(() => undefined)));
  await client?.close();
  await apns?.stop();
  await mongo?.stop();
});

test('three worker processes, one killed midway: every push delivered, none twice under another apns-id', async () => {
  const key = generateApnsSigningKey();
  // A little provider latency keeps hundreds of pushes in flight in every worker, so the kill catches some.
  apns = await startApnsSimulator({ signingKeys: [key] });
  apns.faults.set({ latencyMs: { min: 5, max: 25 } });
  const dbName = `reliability_${process.pid}`;
  const outbox = new OutboxModel(client.db(dbName));
  await outbox.ensureIndexes();
  const entries = queuedEntries(PUSHES);
  expect(await outbox.enqueue(entries)).toBe(PUSHES);

  for (let i = 0; i < 3; i++) {
    workers.push(
      forkWorker({
        mongoUrl: mongo.url,
        dbName,
        workerId: `worker-${i}`,
        apns: { key: key.p8, keyId: key.keyId, teamId: key.teamId, host: apns.address, port: apns.port, ca: apns.ca },
        worker: { leaseMs: LEASE_MS, batchSize: 100, maxInFlight: 300, routeConcurrency: 4, chunkSize: 25, pollIntervalMs: 250, errorBackoffMs: 250 },
      }),
    );
  }
  await Promise.all(workers.map((w) => w.ready));

  // Kill worker 0 once a third is delivered, right after one of its claims (it then holds entries in flight).
  const victim = workers[0];
  await waitUntil(() => apns.received >= PUSHES / 3 && victim.claims.length > 0, 60_000, 'a third of the pushes');
  const claimsBefore = victim.claims.length;
  await waitUntil(() => victim.claims.length > claimsBefore || victim.child.exitCode !== null, 10_000, 'another claim by the victim');
  const acceptedAtKill = apns.received;
  await victim.kill();
  const held = new Map<string, number>(); // entry id → when the victim claimed it
  for (const claim of victim.claims) for (const id of claim.ids) held.set(id, claim.at);

  await waitUntil(async () => (await outbox.collection.countDocuments({ state: 'delivered' })) === PUSHES, 90_000, 'every push delivered', 200);
  await Promise.all(workers.slice(1).map((w) => w.stop()));

  const audit = await auditDeliveries(outbox.collection, entries.map((e) => e._id), apns.allReceived());
  // The victim's claims whose outcome it never recorded were finished by the others, after the lease.
  const delivered = await outbox.collection.find({ _id: { $in: [...held.keys()] } }, { projection: { attempts: 1, deliveredAt: 1, history: 1 } }).toArray();
  const takenOver = delivered.filter((e) => e.attempts >= 2);
  for (const entry of takenOver) {
    const claimedAt = held.get(entry._id)!;
    expect(entry.deliveredAt!.getTime()).toBeGreaterThanOrEqual(claimedAt + LEASE_MS - 50);
  }
  const settledByOthers = workers.slice(1).reduce((n, w) => n + (w.settled.get('delivered') ?? 0), 0);
  console.log(
    `[reliability] 3 worker processes, 1 killed (SIGKILL after ${acceptedAtKill} accepted): ` +
      `pushes=${audit.pushes} lost=${audit.lost} duplicated(same apns-id, lease takeover)=${audit.duplicatedSameId} ` +
      `duplicated(other apns-id)=${audit.duplicatedOtherId} accepted=${audit.accepted} ` +
      `held by the killed worker=${held.size} taken over after the lease=${takenOver.length} delivered by survivors=${settledByOthers}`,
  );

  expect(audit.lost).toBe(0);
  expect(audit.duplicatedOtherId).toBe(0);
  // Resends are only the killed worker's: at most what it held when it died.
  expect(audit.duplicatedSameId).toBeLessThanOrEqual(takenOver.length);
  expect(takenOver.length).toBeGreaterThan(0);
  expect(victim.child.signalCode).toBe('SIGKILL');
}, 120_000);
