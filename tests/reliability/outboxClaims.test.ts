import { MongoClient } from 'mongodb';
import type { IDeliveryResult, IPushDelivery, IPushTransport } from '../../definitions/IPushTransport';
import { CircuitBreakerGuard } from '../../server/push/outbox/CircuitBreakerGuard';
import { OutboxModel } from '../../server/push/outbox/OutboxModel';
import { OutboxWorker } from '../../server/push/outbox/OutboxWorker';
import { openTestDatabase, type TestDatabase } from '../support/testDatabase';
import { queuedEntries } from './support/entries';
import { waitUntil } from './support/waitUntil';

/**
 * The claim protocol the multi-worker guarantees rest on: concurrent claims never share an entry, a claim tells
 * when the next entry becomes due, and the worker looks again at that time (and at each retry's time) without
 * being woken and without polling.
 */
let db: TestDatabase;
let outbox: OutboxModel;
const clients: MongoClient[] = [];

beforeEach(async () => {
  db = await openTestDatabase();
  outbox = new OutboxModel(db.db);
  await outbox.ensureIndexes();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await db.close();
});

/** Answers from a script: each delivery's n-th attempt gets `answer(n)`. */
class ScriptTransport implements IPushTransport {
  readonly name = 'script';
  readonly attempts = new Map<string, number>();
  constructor(private readonly answer: (attempt: number) => Omit<IDeliveryResult, 'id' | 'route'>) {}
  routeOf(): string {
    return 'script:1';
  }
  async send(deliveries: IPushDelivery[]): Promise<IDeliveryResult[]> {
    return deliveries.map((d) => {
      const n = (this.attempts.get(d.id) ?? 0) + 1;
      this.attempts.set(d.id, n);
      return { id: d.id, route: 'script:1', ...this.answer(n) };
    });
  }
  async close(): Promise<void> {}
}

function aWorker(transport: IPushTransport): OutboxWorker {
  return new OutboxWorker({
    outbox,
    transport: () => transport,
    guard: new CircuitBreakerGuard(),
    policy: () => ({ maxAttempts: 5, maxAgeMs: 3600_000 }),
    onInvalidToken: async () => undefined,
    logger: { warn: () => undefined, error: () => undefined, debug: () => undefined },
    random: () => 0,
    pollIntervalMs: 60_000, // no polling during these tests: only the claim's nextDueAt and retries may wake it
  });
}

test('claims racing on separate connections never take the same entry', async () => {
  const entries = queuedEntries(600);
  await outbox.enqueue(entries);
  const models = await Promise.all(
    Array.from({ length: 4 }, async () => {
      const client = new MongoClient(db.url);
      clients.push(client);
      await client.connect();
      return new OutboxModel(client.db(db.dbName));
    }),
  );
  const owner = new Map<string, string>();
  let round = 0;
  while (owner.size < entries.length && round < 50) {
    round++;
    const claims = await Promise.all(models.map((m, i) => m.claim(`racer-${i}:${round}`, new Date(), 60_000, 40)));
    claims.forEach((claim, i) => {
      for (const entry of claim.entries) {
        expect(owner.get(entry._id)).toBeUndefined();
        owner.set(entry._id, `racer-${i}`);
        expect(entry).toEqual(expect.objectContaining({ state: 'sending', lockedBy: `racer-${i}:${round}`, attempts: 1 }));
      }
    });
  }
  expect(owner.size).toBe(entries.length);
  // What each claim returned is what the database holds.
  const stored = await outbox.collection.find({}, { projection: { lockedBy: 1, attempts: 1 } }).toArray();
  for (const entry of stored) {
    expect(entry.lockedBy?.startsWith(owner.get(entry._id)!)).toBe(true);
    expect(entry.attempts).toBe(1);
  }
});

test('a claim returns the due entries and when the next one becomes due', async () => {
  const now = new Date();
  await outbox.enqueue(queuedEntries(3, { now }));
  const later = queuedEntries(1, { now: new Date(now.getTime() + 5_000) });
  await outbox.enqueue(later);

  const partial = await outbox.claim('a:1', now, 60_000, 2);
  expect(partial.entries).toHaveLength(2);
  expect(partial.nextDueAt!.getTime()).toBeLessThanOrEqual(now.getTime()); // one more is due already

  const rest = await outbox.claim('a:2', now, 60_000, 10);
  expect(rest.entries).toHaveLength(1);
  expect(rest.nextDueAt).toEqual(later[0].nextAttemptAt);

  const none = await outbox.claim('a:3', now, 60_000, 10);
  expect(none.entries).toEqual([]);
  expect(none.nextDueAt).toEqual(later[0].nextAttemptAt);
});

test('the worker delivers an entry that becomes due later, at its time, without a wake or a poll', async () => {
  const transport = new ScriptTransport(() => ({ outcome: 'delivered' }));
  const worker = aWorker(transport);
  const dueAt = new Date(Date.now() + 400);
  const [entry] = queuedEntries(1, { now: dueAt });
  await outbox.enqueue([entry]);
  worker.start();
  try {
    await waitUntil(async () => (await outbox.collection.findOne({ _id: entry._id }))?.state === 'delivered', 5_000, 'the delayed entry delivered');
    const delivered = await outbox.collection.findOne({ _id: entry._id });
    expect(delivered!.deliveredAt!.getTime()).toBeGreaterThanOrEqual(dueAt.getTime());
  } finally {
    await worker.stop();
  }
});

test('the worker retries at the retry time it recorded, without a wake or a poll', async () => {
  const transport = new ScriptTransport((attempt) => (attempt === 1 ? { outcome: 'retry', status: 503, reason: 'ServiceUnavailable', routeHealth: 'ok' } : { outcome: 'delivered' }));
  const worker = aWorker(transport);
  const [entry] = queuedEntries(1);
  await outbox.enqueue([entry]);
  worker.start();
  try {
    await waitUntil(async () => (await outbox.collection.findOne({ _id: entry._id }))?.state === 'delivered', 6_000, 'the retried entry delivered');
    const delivered = await outbox.collection.findOne({ _id: entry._id });
    expect(delivered!.attempts).toBe(2);
    expect(delivered!.history.map((h) => h.outcome)).toEqual(['retry', 'delivered']);
    expect(delivered!.history[1].at.getTime() - delivered!.history[0].at.getTime()).toBeGreaterThanOrEqual(1_000);
  } finally {
    await worker.stop();
  }
});
