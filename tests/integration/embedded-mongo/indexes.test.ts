import type { Document } from 'mongodb';
import { openTestDatabase, type TestDatabase } from '../../support/testDatabase';
import { expectServerError, onEmbeddedServer } from './helpers';

let t: TestDatabase;
beforeAll(async () => {
  t = await openTestDatabase();
});
afterAll(() => t.close());

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

describe('index management', () => {
  test('createIndex names, listIndexes shapes, idempotent re-creation', async () => {
    const c = t.db.collection('ix_list');
    expect(await c.createIndex({ a: 1 })).toBe('a_1');
    expect(await c.createIndex({ b: -1, c: 1 }, { unique: true })).toBe('b_-1_c_1');
    expect(await c.createIndex({ d: 1 }, { name: 'custom', sparse: true, partialFilterExpression: { d: { $exists: true } } })).toBe('custom');
    expect(await c.createIndex({ a: 1 })).toBe('a_1');
    const list = await c.listIndexes().toArray();
    expect(list.map((i) => i.name)).toEqual(['_id_', 'a_1', 'b_-1_c_1', 'custom']);
    expect(list[0]).toMatchObject({ v: 2, key: { _id: 1 }, name: '_id_' });
    expect(list[2]).toMatchObject({ key: { b: -1, c: 1 }, unique: true });
    expect(Object.keys(list[2].key)).toEqual(['b', 'c']);
    expect(list[3]).toMatchObject({ sparse: true, partialFilterExpression: { d: { $exists: true } } });
    expect(await c.indexExists('a_1')).toBe(true);
  });

  test('createIndexes reply fields', async () => {
    const reply = await t.db.command({ createIndexes: 'ix_reply', indexes: [{ key: { x: 1 }, name: 'x_1' }] });
    expect(reply).toMatchObject({ ok: 1, numIndexesBefore: 1, numIndexesAfter: 2, createdCollectionAutomatically: true });
    const again = await t.db.command({ createIndexes: 'ix_reply', indexes: [{ key: { x: 1 }, name: 'x_1' }] });
    expect(again).toMatchObject({ ok: 1, numIndexesBefore: 2, numIndexesAfter: 2 });
  });

  test('conflicting definitions are refused (85/86)', async () => {
    const c = t.db.collection('ix_conflict');
    await c.createIndex({ a: 1 }, { name: 'a_idx' });
    await expectServerError(c.createIndex({ a: 1 }, { name: 'other_name' }), 85, 86);
    await expectServerError(c.createIndex({ b: 1 }, { name: 'a_idx' }), 85, 86);
  });

  test('dropIndex by name and by key, dropIndexes, and their errors', async () => {
    const c = t.db.collection('ix_drop');
    await c.createIndexes([{ key: { a: 1 } }, { key: { b: 1 } }, { key: { c: 1 } }]);
    await c.dropIndex('a_1');
    await t.db.command({ dropIndexes: 'ix_drop', index: { b: 1 } });
    expect((await c.indexes()).map((i) => i.name)).toEqual(['_id_', 'c_1']);
    await expectServerError(c.dropIndex('nope_1'), 27);
    await expectServerError(c.dropIndex('_id_'), 72);
    await c.dropIndexes();
    expect((await c.indexes()).map((i) => i.name)).toEqual(['_id_']);
  });

  test('listIndexes on a missing collection is NamespaceNotFound (26)', async () => {
    await expectServerError(t.db.command({ listIndexes: 'no_such_coll' }), 26);
  });

  test('a dropped unique index no longer constrains', async () => {
    const c = t.db.collection('ix_unique_drop');
    await c.createIndex({ k: 1 }, { unique: true });
    await c.insertOne({ k: 1 });
    await expectServerError(c.insertOne({ k: 1 }), 11000);
    await c.dropIndex('k_1');
    await c.insertOne({ k: 1 });
    expect(await c.countDocuments({ k: 1 })).toBe(2);
  });

  test('queries return the same results with and without an index (updates keep the index right)', async () => {
    const c = t.db.collection('ix_consistency');
    const docs: Document[] = Array.from({ length: 300 }, (_, i) => ({ rid: `r${i % 7}`, u: { _id: `u${i % 13}` }, tags: [`t${i % 3}`, `t${i % 5}`], n: i }));
    await c.insertMany(docs);
    const queries: Document[] = [
      { rid: 'r3' },
      { rid: { $in: ['r1', 'r2'] }, n: { $gt: 100 } },
      { 'u._id': 'u4' },
      { tags: 't4' },
      { rid: null },
      { $and: [{ rid: 'r5' }, { 'u._id': { $eq: 'u1' } }] },
    ];
    const run = async () => Promise.all(queries.map(async (q) => (await c.find(q, { sort: { n: 1 } }).toArray()).map((d) => d.n)));
    const before = await run();
    await c.createIndexes([{ key: { rid: 1, n: 1 } }, { key: { 'u._id': 1 } }, { key: { tags: 1 } }]);
    expect(await run()).toEqual(before);
    await c.updateMany({ rid: 'r3' }, { $set: { rid: 'r4', tags: ['moved'] } });
    await c.deleteMany({ 'u._id': 'u4' });
    const after = await run();
    await c.dropIndexes();
    expect(await run()).toEqual(after);
    expect(after[0]).toEqual([]);
  });
});

describe('TTL indexes', () => {
  test('documents past expireAfterSeconds are removed by the TTL monitor', async () => {
    const c = t.db.collection('ttl');
    await c.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 });
    await c.createIndex({ createdAt: 1 }, { expireAfterSeconds: 3600 });
    await c.insertMany([
      { name: 'expired', expiresAt: new Date(Date.now() - 60_000) },
      { name: 'future', expiresAt: new Date(Date.now() + 3_600_000) },
      { name: 'not a date', expiresAt: 'tomorrow' },
      { name: 'old', createdAt: new Date(Date.now() - 7_200_000) },
      { name: 'recent', createdAt: new Date() },
    ]);
    const list = await c.indexes();
    expect(list.find((i) => i.name === 'expiresAt_1')!.expireAfterSeconds).toBe(0);
    if (!onEmbeddedServer) return; // a real server's TTL monitor runs every 60 s: too slow to wait for here
    const swept = await until(async () => (await c.countDocuments({ name: { $in: ['expired', 'old'] } })) === 0, 5000);
    expect(swept).toBe(true);
    expect((await c.find({}, { sort: { name: 1 } }).toArray()).map((d) => d.name)).toEqual(['future', 'not a date', 'recent']);
  });
});

const describeEmbedded = onEmbeddedServer ? describe : describe.skip;
describeEmbedded('equality lookups use the in-memory indexes (embedded server counters)', () => {
  beforeAll(async () => {
    const subs: Document[] = Array.from({ length: 5000 }, (_, i) => ({ _id: `s${i}`, rid: `room${i % 50}`, u: { _id: `user${i}` }, open: Math.floor(i / 50) % 2 === 0 }));
    await t.db.collection('subscriptions').insertMany(subs);
    await t.db.collection('subscriptions').createIndexes([{ key: { rid: 1, open: 1 } }, { key: { 'u._id': 1 } }]);
  });

  test('find by _id examines only that document', async () => {
    t.embedded!.resetStats();
    expect(await t.db.collection('subscriptions').findOne({ _id: 's1234' as never })).toMatchObject({ rid: 'room34' });
    expect(t.embedded!.stats()).toMatchObject({ docsExamined: 1, collectionScans: 0 });
  });

  test('find by the leading field of a compound index examines only that room', async () => {
    t.embedded!.resetStats();
    const docs = await t.db.collection('subscriptions').find({ rid: 'room7', open: true }).toArray();
    expect(docs).toHaveLength(50);
    expect(t.embedded!.stats()).toMatchObject({ docsExamined: 100, collectionScans: 0, indexLookups: 1 });
  });

  test('$in on an indexed dotted path, updates and deletes by index too', async () => {
    t.embedded!.resetStats();
    expect(await t.db.collection('subscriptions').countDocuments({ 'u._id': { $in: ['user1', 'user2', 'user3'] } })).toBe(3);
    await t.db.collection('subscriptions').updateMany({ rid: 'room9' }, { $set: { seen: true } });
    await t.db.collection('subscriptions').deleteOne({ _id: 's9' as never });
    expect(t.embedded!.stats()).toMatchObject({ docsExamined: 3 + 100 + 1, collectionScans: 0 });
  });

  test('a filter on an unindexed field is a collection scan', async () => {
    const total = await t.db.collection('subscriptions').estimatedDocumentCount();
    t.embedded!.resetStats();
    await t.db.collection('subscriptions').find({ open: false, rid: { $regex: '^room1' } }).toArray();
    expect(t.embedded!.stats()).toMatchObject({ docsExamined: total, collectionScans: 1 });
    expect(total).toBeGreaterThan(4000);
  });
});

describe('sorting', () => {
  test('mixed BSON types sort in MongoDB order, with and without an index', async () => {
    const c = t.db.collection('sort_types');
    const { ObjectId } = await import('mongodb');
    const values: Array<[string, unknown]> = [
      ['date', new Date('2020-01-01')],
      ['bool', true],
      ['oid', new ObjectId('000000000000000000000001')],
      ['object', { a: 1 }],
      ['string', 'abc'],
      ['fraction', 2.5],
      ['number', 1],
      ['null', null],
    ];
    await c.insertMany(values.map(([name, v]) => ({ name, v })));
    const expected = ['null', 'number', 'fraction', 'string', 'object', 'oid', 'bool', 'date'];
    const names = async (direction: 1 | -1) => (await c.find({}, { sort: { v: direction }, limit: 100 }).toArray()).map((d) => d.name);
    expect(await names(1)).toEqual(expected);
    expect(await names(-1)).toEqual([...expected].reverse());
    await c.createIndex({ v: 1 });
    expect(await names(1)).toEqual(expected);
    expect(await names(-1)).toEqual([...expected].reverse());
  });

  test('an equality prefix plus a sort on the next index field, in both directions, with skip and limit', async () => {
    const c = t.db.collection('sort_outbox');
    const base = Date.UTC(2024, 0, 1);
    const docs: Document[] = Array.from({ length: 2000 }, (_, i) => ({
      _id: i,
      state: i % 3 === 0 ? 'done' : 'queued',
      readyAt: new Date(base + ((i * 7919) % 2000) * 1000),
      prio: i % 4,
    }));
    await c.insertMany(docs);
    await c.createIndex({ state: 1, readyAt: 1 });
    const now = new Date(base + 1500 * 1000);
    const expected = docs
      .filter((d) => d.state === 'queued' && d.readyAt <= now)
      .sort((a, b) => a.readyAt - b.readyAt)
      .map((d) => d._id);
    const ids = async (direction: 1 | -1, skip: number, limit: number) =>
      (await c.find({ state: 'queued', readyAt: { $lte: now } }, { sort: { readyAt: direction }, skip, limit }).toArray()).map((d) => d._id);
    expect(await ids(1, 0, 5)).toEqual(expected.slice(0, 5));
    expect(await ids(1, 10, 7)).toEqual(expected.slice(10, 17));
    expect(await ids(-1, 0, 5)).toEqual([...expected].reverse().slice(0, 5));
    // a compound sort the index does not cover still sorts correctly
    const byPrio = (await c.find({ state: 'queued' }, { sort: { prio: -1, readyAt: 1 }, limit: 3 }).toArray()).map((d) => d._id);
    const expectedByPrio = docs
      .filter((d) => d.state === 'queued')
      .sort((a, b) => b.prio - a.prio || a.readyAt - b.readyAt)
      .slice(0, 3)
      .map((d) => d._id);
    expect(byPrio).toEqual(expectedByPrio);

    // Claiming in readyAt order with findOneAndUpdate + sort takes the earliest each time.
    const first = await c.findOneAndUpdate({ state: 'queued', readyAt: { $lte: now } }, { $set: { state: 'sending' } }, { sort: { readyAt: 1 } });
    const second = await c.findOneAndUpdate({ state: 'queued', readyAt: { $lte: now } }, { $set: { state: 'sending' } }, { sort: { readyAt: 1 } });
    expect([first!._id, second!._id]).toEqual(expected.slice(0, 2));

    if (!onEmbeddedServer) return;
    t.embedded!.resetStats();
    await c.findOneAndUpdate({ state: 'queued', readyAt: { $lte: now } }, { $set: { state: 'sending' } }, { sort: { readyAt: 1 } });
    expect(t.embedded!.stats()).toMatchObject({ docsExamined: 1, collectionScans: 0 });
  });
});
