import { Double, Long, MongoBulkWriteError, MongoServerError } from 'mongodb';
import { openTestDatabase, type TestDatabase } from '../../support/testDatabase';
import { expectServerError } from './helpers';

let t: TestDatabase;
beforeAll(async () => {
  t = await openTestDatabase();
});
afterAll(() => t.close());

describe('unique indexes', () => {
  test('insert: E11000 with keyPattern, keyValue and the server message shape', async () => {
    const c = t.db.collection('u_insert');
    await c.createIndex({ token: 1 }, { unique: true });
    await c.insertOne({ token: 'abc' });
    const error = await expectServerError(c.insertOne({ token: 'abc' }), 11000);
    expect(error.keyPattern).toEqual({ token: 1 });
    expect(error.keyValue).toEqual({ token: 'abc' });
    expect(error.message).toBe(`E11000 duplicate key error collection: ${t.dbName}.u_insert index: token_1 dup key: { token: "abc" }`);
    expect(await c.countDocuments()).toBe(1);
  });

  test('update and upsert into an existing key are rejected and change nothing', async () => {
    const c = t.db.collection('u_update');
    await c.createIndex({ email: 1 }, { unique: true });
    await c.insertMany([{ email: 'a@x' }, { email: 'b@x' }]);
    await expectServerError(c.updateOne({ email: 'b@x' }, { $set: { email: 'a@x' } }), 11000);
    await expectServerError(c.updateOne({ missing: true }, { $set: { email: 'a@x' } }, { upsert: true }), 11000);
    await expectServerError(c.findOneAndUpdate({ email: 'b@x' }, { $set: { email: 'a@x' } }), 11000);
    await expectServerError(c.replaceOne({ email: 'b@x' }, { email: 'a@x' }), 11000);
    expect((await c.find({}, { sort: { email: 1 } }).toArray()).map((d) => d.email)).toEqual(['a@x', 'b@x']);
    // Updating a document to its own current key is fine.
    expect((await c.updateOne({ email: 'a@x' }, { $set: { email: 'a@x', seen: true } })).modifiedCount).toBe(1);
  });

  test('updateMany stops at the first duplicate', async () => {
    const c = t.db.collection('u_many');
    await c.createIndex({ v: 1 }, { unique: true });
    await c.insertMany([{ g: 1, v: 1 }, { g: 1, v: 2 }]);
    await expectServerError(c.updateMany({ g: 1 }, { $set: { v: 7 } }), 11000);
    expect(await c.countDocuments({ v: 7 })).toBe(1);
  });

  test('insertMany ordered stops at the first duplicate; unordered inserts the rest', async () => {
    const c = t.db.collection('u_bulk');
    await c.createIndex({ k: 1 }, { unique: true });
    await c.insertOne({ k: 2 });
    const ordered = await c.insertMany([{ k: 1 }, { k: 2 }, { k: 3 }]).catch((e) => e);
    expect(ordered).toBeInstanceOf(MongoBulkWriteError);
    expect(ordered.code).toBe(11000);
    expect(ordered.insertedCount).toBe(1);
    expect(ordered.writeErrors.map((w: { index: number }) => w.index)).toEqual([1]);
    expect(await c.countDocuments({ k: 3 })).toBe(0);

    const unordered = await c.insertMany([{ k: 2 }, { k: 4 }, { k: 1 }, { k: 5 }], { ordered: false }).catch((e) => e);
    expect(unordered).toBeInstanceOf(MongoBulkWriteError);
    expect(unordered.insertedCount).toBe(2);
    expect(unordered.writeErrors.map((w: { index: number }) => w.index)).toEqual([0, 2]);
    expect((await c.distinct('k')).sort()).toEqual([1, 2, 4, 5]);
  });

  test('compound unique index: only the full key must be unique', async () => {
    const c = t.db.collection('u_compound');
    await c.createIndex({ rid: 1, 'u._id': 1 }, { unique: true });
    await c.insertMany([{ rid: 'r1', u: { _id: 'a' } }, { rid: 'r1', u: { _id: 'b' } }, { rid: 'r2', u: { _id: 'a' } }]);
    const error = await expectServerError(c.insertOne({ rid: 'r1', u: { _id: 'b' } }), 11000);
    expect(error.keyPattern).toEqual({ rid: 1, 'u._id': 1 });
    expect(error.keyValue).toEqual({ rid: 'r1', 'u._id': 'b' });
  });

  test('a unique index treats missing fields as null; sparse ignores them', async () => {
    const plain = t.db.collection('u_missing');
    await plain.createIndex({ code: 1 }, { unique: true });
    await plain.insertOne({ name: 'first' });
    const error = await expectServerError(plain.insertOne({ name: 'second' }), 11000);
    expect(error.keyValue).toEqual({ code: null });

    const sparse = t.db.collection('u_sparse');
    await sparse.createIndex({ code: 1 }, { unique: true, sparse: true });
    await sparse.insertMany([{ name: 'first' }, { name: 'second' }, { code: 'x' }]);
    await expectServerError(sparse.insertOne({ code: 'x' }), 11000);
  });

  test('partial unique index only constrains matching documents', async () => {
    const c = t.db.collection('u_partial');
    await c.createIndex({ token: 1 }, { unique: true, partialFilterExpression: { enabled: true } });
    await c.insertMany([{ token: 't', enabled: false }, { token: 't', enabled: false }, { token: 't', enabled: true }]);
    await expectServerError(c.insertOne({ token: 't', enabled: true }), 11000);
  });

  test('array values: each element is a key', async () => {
    const c = t.db.collection('u_multikey');
    await c.createIndex({ tags: 1 }, { unique: true });
    await c.insertOne({ tags: ['a', 'b'] });
    await expectServerError(c.insertOne({ tags: ['c', 'b'] }), 11000);
    await c.insertOne({ tags: ['c', 'c'] });
  });

  test('creating a unique index over duplicate data fails and leaves no index', async () => {
    const c = t.db.collection('u_build');
    await c.insertMany([{ x: 1 }, { x: 1 }]);
    const error = await c.createIndex({ x: 1 }, { unique: true }).catch((e) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error.code).toBe(11000);
    expect((await c.indexes()).map((i) => i.name)).toEqual(['_id_']);
  });

  test('numbers compare by value across types', async () => {
    const c = t.db.collection('u_numbers');
    await c.createIndex({ n: 1 }, { unique: true });
    await c.insertOne({ n: 1 });
    await expectServerError(c.insertOne({ n: new Double(1) }), 11000);
    await expectServerError(c.insertOne({ n: Long.fromNumber(1) }), 11000);
    await c.insertOne({ n: 1.5 });
  });
});
