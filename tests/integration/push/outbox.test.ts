import { MongoClient } from 'mongodb';
import { openTestDatabase, type TestDatabase } from '../../support/testDatabase';
import { OutboxModel } from '../../../server/push/outbox/OutboxModel';
import { OutboxWorker, type IOutboxWorkerOptions, type ISettledDelivery } from '../../../server/push/outbox/OutboxWorker';
import { PushError } from '../../../lib/errors';
import { anEntry, eventually, RecordingGuard, ScriptedTransport, silentLogger } from './outboxFixtures';

describe('push outbox (durable, idempotent, leased)', () => {
  let tdb: TestDatabase;
  let outbox: OutboxModel;
  const workers: OutboxWorker[] = [];

  beforeEach(async () => {
    tdb = await openTestDatabase();
    outbox = new OutboxModel(tdb.db);
    await outbox.ensureIndexes();
  });

  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    await tdb.close();
  });

  function worker(overrides: Partial<Omit<IOutboxWorkerOptions, 'transport'>> & { transport: ScriptedTransport }): OutboxWorker {
    const { transport, ...rest } = overrides;
    const w = new OutboxWorker({
      outbox,
      transport: () => transport,
      guard: new RecordingGuard(),
      policy: () => ({ maxAttempts: 5, maxAgeMs: 3600_000 }),
      onInvalidToken: async () => {},
      logger: silentLogger,
      random: () => 0.5,
      pollIntervalMs: 60_000,
      ...rest,
    });
    workers.push(w);
    return w;
  }

  it('enqueues idempotently: the same key twice stores one entry', async () => {
    const entry = anEntry();
    expect(await outbox.enqueue([entry])).toBe(1);
    expect(await outbox.enqueue([entry, anEntry()])).toBe(1);
    expect(await outbox.collection.countDocuments()).toBe(2);
  });

  it('delivers what is enqueued at once, woken by the enqueue rather than a poll', async () => {
    const transport = new ScriptedTransport();
    const w = worker({ transport });
    w.start();
    await new Promise((resolve) => setTimeout(resolve, 50)); // the worker has looked once and is now idle
    const entries = [anEntry(), anEntry(), anEntry()];
    await outbox.enqueue(entries);
    w.wake();
    await eventually(async () => (await outbox.collection.countDocuments({ state: 'delivered' })) === 3, 3000);
    expect(transport.sent.map((d) => d.id).sort()).toEqual(entries.map((e) => e._id).sort());
    const stored = await outbox.collection.findOne({ _id: entries[0]._id });
    expect(stored?.attempts).toBe(1);
    expect(stored?.deliveredAt).toBeInstanceOf(Date);
    expect(stored?.history).toEqual([expect.objectContaining({ outcome: 'delivered', route: 'scripted:1' })]);
    expect(stored?.lockedBy).toBeUndefined();
  });

  it('schedules a retry no sooner than Retry-After, with the same apns-id on the next attempt', async () => {
    let now = new Date('2026-12-04T10:00:00Z');
    const transport = new ScriptedTransport((_d, attempt) =>
      attempt === 1 ? { outcome: 'retry', status: 429, reason: 'TooManyRequests', retryAfterMs: 30_000 } : { outcome: 'delivered' },
    );
    const entry = anEntry({}, now);
    await outbox.enqueue([entry]);
    const w = worker({ transport, clock: () => now });
    w.start();
    await eventually(async () => (await outbox.collection.findOne({ _id: entry._id }))?.state === 'retry');
    const waiting = await outbox.collection.findOne({ _id: entry._id });
    expect(waiting?.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(now.getTime() + 30_000);
    expect(waiting?.lastError).toEqual(expect.objectContaining({ status: 429, reason: 'TooManyRequests' }));

    now = new Date(now.getTime() + 31_000);
    w.wake();
    await eventually(async () => (await outbox.collection.findOne({ _id: entry._id }))?.state === 'delivered');
    expect(transport.sent).toHaveLength(2);
    expect(transport.sent[0].apnsId).toBe(transport.sent[1].apnsId);
    expect((await outbox.collection.findOne({ _id: entry._id }))?.attempts).toBe(2);
  });

  it('gives up after the maximum number of attempts and says so', async () => {
    let now = new Date('2026-12-04T10:00:00Z');
    const transport = new ScriptedTransport(() => ({ outcome: 'retry', status: 503, reason: 'ServiceUnavailable' }));
    const entry = anEntry({}, now);
    await outbox.enqueue([entry]);
    const w = worker({ transport, clock: () => now, policy: () => ({ maxAttempts: 3, maxAgeMs: 3600_000 }) });
    w.start();
    for (let attempt = 1; attempt <= 3; attempt++) {
      await eventually(async () => transport.sent.length === attempt);
      await eventually(async () => (await outbox.collection.findOne({ _id: entry._id }))?.state !== 'sending');
      now = new Date(now.getTime() + 20 * 60_000);
      w.wake();
    }
    await eventually(async () => (await outbox.collection.findOne({ _id: entry._id }))?.state === 'expired');
    expect(transport.sent).toHaveLength(3);
  });

  it('removes a dead token and fails the other pushes queued for it, leaving live devices alone', async () => {
    const dead = anEntry({ token: 'dead-token' });
    const deadToo = anEntry({ token: 'dead-token', nextAttemptAt: new Date(Date.now() + 3600_000) });
    const live = anEntry({ token: 'live-token' });
    await outbox.enqueue([dead, deadToo, live]);
    const removed: string[] = [];
    const transport = new ScriptedTransport((d) =>
      d.token === 'dead-token' ? { outcome: 'invalid-token', status: 410, reason: 'Unregistered' } : { outcome: 'delivered' },
    );
    const w = worker({
      transport,
      onInvalidToken: async (entry, result) => {
        removed.push(`${entry.tokenId}:${result.reason}`);
        await outbox.failPendingForToken(entry.token, result.reason ?? 'INVALID', new Date());
      },
    });
    w.start();
    await eventually(() => removed.length === 1);
    await eventually(async () => (await outbox.collection.findOne({ _id: deadToo._id }))?.state === 'invalid-token');
    expect(removed).toEqual([`${dead.tokenId}:Unregistered`]);
    expect((await outbox.collection.findOne({ _id: live._id }))?.state).toBe('delivered');
    expect(transport.sent.map((d) => d.id)).not.toContain(deadToo._id);
  });

  it('keeps pushes waiting (not lost) while the transport is not configured, and tells the route guard', async () => {
    const transport = new ScriptedTransport();
    transport.throwOnSend = new PushError('PUSH_ERR_TRANSPORT_NOT_CONFIGURED', ['apns', 'no credentials']);
    const guard = new RecordingGuard();
    const entry = anEntry();
    await outbox.enqueue([entry]);
    worker({ transport, guard }).start();
    await eventually(async () => (await outbox.collection.findOne({ _id: entry._id }))?.state === 'retry');
    expect((await outbox.collection.findOne({ _id: entry._id }))?.lastError?.reason).toBe('PUSH_ERR_TRANSPORT_NOT_CONFIGURED');
    expect(guard.records).toEqual([{ route: 'scripted:1', health: 'unhealthy' }]);
  });

  it('does not touch a route whose circuit is open, and does not count that as an attempt', async () => {
    const transport = new ScriptedTransport();
    const guard = new RecordingGuard();
    const now = new Date('2026-12-04T10:00:00Z');
    guard.openUntil = new Date(now.getTime() + 10_000);
    const entry = anEntry({}, now);
    await outbox.enqueue([entry]);
    worker({ transport, guard, clock: () => now }).start();
    await eventually(async () => (await outbox.collection.findOne({ _id: entry._id }))?.state === 'retry');
    const stored = await outbox.collection.findOne({ _id: entry._id });
    expect(stored?.attempts).toBe(0);
    expect(stored?.nextAttemptAt).toEqual(guard.openUntil);
    expect(transport.sent).toHaveLength(0);
  });

  it('lets another worker finish what a dead worker claimed once the lease runs out, and ignores the late settlement', async () => {
    let now = new Date('2026-12-04T10:00:00Z');
    const entry = anEntry({}, now);
    await outbox.enqueue([entry]);
    const stolen = await outbox.claimDue('crashed-worker:1', now, 30_000, 10);
    expect(stolen.map((e) => e._id)).toEqual([entry._id]);
    expect(await outbox.claimDue('other:1', now, 30_000, 10)).toEqual([]); // leased

    now = new Date(now.getTime() + 31_000);
    const transport = new ScriptedTransport();
    const settled: ISettledDelivery[] = [];
    worker({ transport, clock: () => now, onSettled: (s) => void settled.push(...s) }).start();
    await eventually(async () => (await outbox.collection.findOne({ _id: entry._id }))?.state === 'delivered');
    expect(settled.map((s) => s.entry._id)).toEqual([entry._id]);

    const late = await outbox.settle([
      { id: entry._id, claimId: 'crashed-worker:1', state: 'rejected', attempt: { at: now, outcome: 'rejected' }, now },
    ]);
    expect(late).toBe(0);
    expect((await outbox.collection.findOne({ _id: entry._id }))?.state).toBe('delivered');
  });

  it('two workers on separate connections deliver 400 pushes exactly once between them', async () => {
    const other = await new MongoClient(tdb.url).connect();
    try {
      const otherOutbox = new OutboxModel(other.db(tdb.dbName));
      const entries = Array.from({ length: 400 }, () => anEntry());
      await outbox.enqueue(entries);
      const a = new ScriptedTransport();
      const b = new ScriptedTransport();
      worker({ transport: a, batchSize: 25, workerId: 'A' }).start();
      const wb = new OutboxWorker({
        outbox: otherOutbox,
        transport: () => b,
        guard: new RecordingGuard(),
        policy: () => ({ maxAttempts: 5, maxAgeMs: 3600_000 }),
        onInvalidToken: async () => {},
        logger: silentLogger,
        batchSize: 25,
        workerId: 'B',
        pollIntervalMs: 60_000,
      });
      workers.push(wb);
      wb.start();
      await eventually(async () => (await outbox.collection.countDocuments({ state: 'delivered' })) === 400, 15_000);
      const ids = [...a.sent, ...b.sent].map((d) => d.id);
      expect(ids).toHaveLength(400);
      expect(new Set(ids).size).toBe(400);
    } finally {
      await Promise.all(workers.splice(0).map((w) => w.stop()));
      await other.close();
    }
  });

  it('claims whole entries, exactly as stored, whether this outbox enqueued them or another instance did', async () => {
    const now = new Date('2026-12-04T10:00:00Z');
    const other = await new MongoClient(tdb.url).connect();
    try {
      const otherOutbox = new OutboxModel(other.db(tdb.dbName));
      const mine = [anEntry({}, now), anEntry({ cancelOnRead: true }, now)];
      const theirs = [anEntry({}, now)];
      await outbox.enqueue(mine);
      await otherOutbox.enqueue(theirs);
      const claimed = await outbox.claimDue('w:1', now, 30_000, 10);
      const stored = await outbox.collection.find({}).toArray();
      expect(claimed.map((e) => e._id).sort()).toEqual([...mine, ...theirs].map((e) => e._id).sort());
      for (const entry of claimed) {
        const copy = stored.find((s) => s._id === entry._id);
        expect(entry).toEqual(copy);
        // Same fields in the same order as the stored document.
        expect(Object.keys(entry)).toEqual(Object.keys(copy!));
      }
    } finally {
      await other.close();
    }
  });

  it('claims what is stored, not what a refused duplicate enqueue carried', async () => {
    const now = new Date('2026-12-04T10:00:00Z');
    const first = anEntry({}, now);
    const other = await new MongoClient(tdb.url).connect();
    try {
      await new OutboxModel(other.db(tdb.dbName)).enqueue([first]);
      const duplicate = { ...first, token: 'another-token', notification: { ...first.notification, body: 'changed' } };
      const fresh = anEntry({}, now);
      expect(await outbox.enqueue([duplicate, fresh])).toBe(1);
      const claimed = await outbox.claimDue('w:1', now, 30_000, 10);
      const again = claimed.find((e) => e._id === first._id);
      expect(again?.token).toBe(first.token);
      expect(again?.notification.body).toBe(first.notification.body);
      expect(claimed.find((e) => e._id === fresh._id)?.token).toBe(fresh.token);
    } finally {
      await other.close();
    }
  });

  it('reads the current state, attempts and history with the content on every claim (a retry)', async () => {
    let now = new Date('2026-12-04T10:00:00Z');
    const entry = anEntry({}, now);
    await outbox.enqueue([entry]);
    const [first] = await outbox.claimDue('w:1', now, 30_000, 10);
    const attempt = { at: now, outcome: 'retry' as const, status: 503, reason: 'ServiceUnavailable' };
    const retryAt = new Date(now.getTime() + 5_000);
    expect(await outbox.settle([{ id: first._id, claimId: 'w:1', state: 'retry', attempt, nextAttemptAt: retryAt, now }])).toBe(1);
    now = new Date(now.getTime() + 6_000);
    const [second] = await outbox.claimDue('w:2', now, 30_000, 10);
    expect(second).toEqual(await outbox.collection.findOne({ _id: entry._id }));
    expect(second).toMatchObject({ attempts: 2, lockedBy: 'w:2', history: [attempt], apnsId: entry.apnsId, notification: entry.notification });
  });

  it('records each settlement of one call exactly, sharing an update only between identical ones', async () => {
    const now = new Date('2026-12-04T10:00:00Z');
    const entries = Array.from({ length: 5 }, () => anEntry({}, now));
    await outbox.enqueue(entries);
    await outbox.claimDue('w:1', now, 30_000, 10);
    const at = new Date(now.getTime() + 1_000);
    const delivered = { at, outcome: 'delivered' as const, route: 'apns:K:sandbox', status: 200, reason: 'OK' };
    const retryAt = new Date(now.getTime() + 60_000);
    const modified = await outbox.settle([
      { id: entries[0]._id, claimId: 'w:1', state: 'delivered', deliveredAt: at, attempt: { ...delivered }, now: at },
      { id: entries[1]._id, claimId: 'w:1', state: 'delivered', deliveredAt: at, attempt: { ...delivered }, now: at },
      { id: entries[2]._id, claimId: 'w:1', state: 'delivered', deliveredAt: at, attempt: { ...delivered, route: 'apns:K2:sandbox' }, now: at },
      { id: entries[3]._id, claimId: 'w:1', state: 'retry', nextAttemptAt: retryAt, attempt: { at, outcome: 'retry', status: 503, reason: 'ServiceUnavailable' }, now: at },
      { id: entries[4]._id, claimId: 'someone-else:1', state: 'delivered', deliveredAt: at, attempt: { ...delivered }, now: at },
    ]);
    expect(modified).toBe(4);
    const byId = new Map((await outbox.collection.find({}).toArray()).map((e) => [e._id, e]));
    for (const i of [0, 1]) expect(byId.get(entries[i]._id)).toMatchObject({ state: 'delivered', deliveredAt: at, history: [delivered] });
    expect(byId.get(entries[2]._id)).toMatchObject({ state: 'delivered', history: [{ ...delivered, route: 'apns:K2:sandbox' }] });
    expect(byId.get(entries[3]._id)).toMatchObject({ state: 'retry', nextAttemptAt: retryAt, lastError: { at, status: 503, reason: 'ServiceUnavailable' } });
    expect(byId.get(entries[3]._id)?.deliveredAt).toBeUndefined();
    expect(byId.get(entries[4]._id)).toMatchObject({ state: 'sending', lockedBy: 'w:1', history: [] });
    for (const i of [0, 1, 2, 3]) expect(byId.get(entries[i]._id)?.lockedBy).toBeUndefined();
  });

  it('cancels pushes delayed for an online user when they read the room', async () => {
    const now = new Date('2026-12-04T10:00:00Z');
    const later = new Date(now.getTime() + 60_000);
    const delayed = anEntry({ uid: 'u-online', rid: 'r1', cancelOnRead: true, nextAttemptAt: later }, now);
    const otherRoom = anEntry({ uid: 'u-online', rid: 'r2', cancelOnRead: true, nextAttemptAt: later }, now);
    await outbox.enqueue([delayed, otherRoom]);
    expect(await outbox.cancelDelayed('u-online', 'r1', now)).toBe(1);
    expect((await outbox.collection.findOne({ _id: delayed._id }))?.state).toBe('cancelled');
    expect((await outbox.collection.findOne({ _id: otherRoom._id }))?.state).toBe('queued');
  });

  it('reports depth and age, and purges only finished entries', async () => {
    const now = new Date('2026-12-04T10:00:00Z');
    const old = new Date(now.getTime() - 3600_000);
    await outbox.enqueue([
      anEntry({ createdAt: old }, old),
      anEntry({ state: 'delivered', _updatedAt: old }, old),
      anEntry({ state: 'retry' }, now),
    ]);
    const stats = await outbox.stats(now);
    expect(stats.pending).toEqual({ queued: 1, retry: 1, sending: 0 });
    expect(stats.oldestPendingAgeMs).toBe(3600_000);
    expect(await outbox.purgeFinished(new Date(now.getTime() - 60_000))).toBe(1);
    expect(await outbox.collection.countDocuments()).toBe(2);
  });
});
