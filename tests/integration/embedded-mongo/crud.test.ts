import { Binary, Decimal128, Long, ObjectId, type Document } from 'mongodb';
import { openTestDatabase, type TestDatabase } from '../../support/testDatabase';
import { expectServerError } from './helpers';

let t: TestDatabase;
beforeAll(async () => {
  t = await openTestDatabase();
});
afterAll(() => t.close());

describe('insert and find', () => {
  test('BSON types survive a round trip', async () => {
    const doc = {
      _id: new ObjectId(),
      when: new Date('2024-05-06T07:08:09.010Z'),
      big: Long.fromString('9007199254740993'),
      price: Decimal128.fromString('12.345'),
      blob: new Binary(Buffer.from([1, 2, 3, 250])),
      nested: { list: [1, 'two', { three: 3 }, [4]], flag: true, nothing: null },
      ref: new ObjectId(),
      pattern: /ab+c/i,
      float: 1.5,
      negative: -7,
      text: 'héllo ✓',
    };
    await t.db.collection('types').insertOne(doc);
    const back = await t.db.collection('types').findOne({ _id: doc._id });
    expect(back).toEqual(doc);
    expect(back!._id).toBeInstanceOf(ObjectId);
    expect(back!.when).toBeInstanceOf(Date);
    expect(back!.big).toBeInstanceOf(Long);
    expect(back!.price).toBeInstanceOf(Decimal128);
    expect(back!.blob).toBeInstanceOf(Binary);
    expect(await t.db.collection('types').findOne({ ref: doc.ref })).not.toBeNull();
    expect(await t.db.collection('types').findOne({ when: { $gte: new Date('2024-01-01') } })).not.toBeNull();
  });

  test('the driver-generated _id comes back; a server-side _id is generated when missing', async () => {
    const { insertedId } = await t.db.collection('ids').insertOne({ a: 1 });
    expect(insertedId).toBeInstanceOf(ObjectId);
    await t.db.command({ insert: 'ids', documents: [{ b: 2 }] }, { ignoreUndefined: true });
    const b = await t.db.collection('ids').findOne({ b: 2 });
    expect(b!._id).toBeInstanceOf(ObjectId);
    expect(Object.keys(b!)[0]).toBe('_id');
    await t.db.command({ insert: 'ids', documents: [{ c: 3, _id: 'late' }] });
    expect(Object.keys((await t.db.collection('ids').findOne({ c: 3 }))!)).toEqual(['_id', 'c']);
  });

  test('duplicate _id is E11000 on the _id_ index', async () => {
    await t.db.collection('dupid').insertOne({ _id: 'x' as never });
    const error = await expectServerError(t.db.collection('dupid').insertOne({ _id: 'x' as never }), 11000);
    expect(error.message).toMatch(/E11000 duplicate key error collection: .*\.dupid index: _id_ dup key: \{ _id: "x" \}/);
    expect(error.keyValue).toEqual({ _id: 'x' });
  });

  describe('projection, sort, skip, limit', () => {
    const people = [
      { _id: 1, name: 'ann', age: 31, address: { city: 'Oslo', zip: '0150' }, tags: ['a', 'b'] },
      { _id: 2, name: 'bob', age: 25, address: { city: 'Bergen', zip: '5003' }, tags: ['b'] },
      { _id: 3, name: 'cid', age: 40, address: { city: 'Oslo', zip: '0151' }, tags: [] },
      { _id: 4, name: 'dan', age: 25, address: { city: 'Tromsø', zip: '9008' } },
      { _id: 5, name: 'eve', age: 19, address: { city: 'Oslo', zip: '0152' }, tags: ['c', 'a'] },
    ];
    let coll: ReturnType<TestDatabase['db']['collection']>;
    beforeAll(async () => {
      coll = t.db.collection('people');
      await coll.insertMany(people as Document[]);
    });

    test('sort on several keys, skip and limit', async () => {
      const names = (await coll.find({}, { sort: { age: 1, name: -1 }, skip: 1, limit: 3 }).toArray()).map((p) => p.name);
      expect(names).toEqual(['dan', 'bob', 'ann']);
    });

    test('inclusion projection (with dotted paths) and _id exclusion', async () => {
      const docs = await coll.find({ 'address.city': 'Oslo' }, { projection: { name: 1, 'address.zip': 1, _id: 0 }, sort: { name: 1 } }).toArray();
      expect(docs).toEqual([
        { name: 'ann', address: { zip: '0150' } },
        { name: 'cid', address: { zip: '0151' } },
        { name: 'eve', address: { zip: '0152' } },
      ]);
    });

    test('exclusion projection', async () => {
      const doc = await coll.findOne({ _id: 2 as never }, { projection: { address: 0, tags: 0 } });
      expect(doc).toEqual({ _id: 2, name: 'bob', age: 25 });
    });

    test('query operators: $in, $gt, $exists, $elemMatch-free array match, $or, $regex, $size', async () => {
      const ids = async (filter: Document) => (await coll.find(filter, { sort: { _id: 1 } }).toArray()).map((d) => d._id);
      expect(await ids({ age: { $in: [25, 40] } })).toEqual([2, 3, 4]);
      expect(await ids({ age: { $gt: 30 } })).toEqual([1, 3]);
      expect(await ids({ tags: { $exists: false } })).toEqual([4]);
      expect(await ids({ tags: 'a' })).toEqual([1, 5]);
      expect(await ids({ $or: [{ name: 'ann' }, { age: 19 }] })).toEqual([1, 5]);
      expect(await ids({ name: { $regex: '^[bc]' } })).toEqual([2, 3]);
      expect(await ids({ tags: { $size: 0 } })).toEqual([3]);
      expect(await ids({ _id: { $in: [5, 1, 99] } })).toEqual([1, 5]);
    });

    test('sorting on an array field uses the smallest element ascending', async () => {
      const docs = await coll.find({ tags: { $exists: true, $ne: [] } }, { sort: { tags: 1, _id: 1 } }).toArray();
      expect(docs.map((d) => d._id)).toEqual([1, 5, 2]);
    });

    test('countDocuments, estimatedDocumentCount and count with skip/limit', async () => {
      expect(await coll.countDocuments({ 'address.city': 'Oslo' })).toBe(3);
      expect(await coll.estimatedDocumentCount()).toBe(5);
      expect(await coll.countDocuments({}, { skip: 1, limit: 2 })).toBe(2);
      expect((await t.db.command({ count: 'people', query: { age: 25 } })).n).toBe(2);
      expect((await t.db.command({ count: 'no_such_collection' })).n).toBe(0);
    });

    test('distinct, with a filter and over array elements', async () => {
      expect((await coll.distinct('age')).sort()).toEqual([19, 25, 31, 40]);
      expect((await coll.distinct('name', { age: 25 })).sort()).toEqual(['bob', 'dan']);
      expect((await coll.distinct('tags')).sort()).toEqual(['a', 'b', 'c']);
      expect((await coll.distinct('address.city', { age: { $lt: 30 } })).sort()).toEqual(['Bergen', 'Oslo', 'Tromsø']);
      expect(await t.db.collection('no_such_collection').distinct('x')).toEqual([]);
    });

    test('find on a missing collection is empty, not an error', async () => {
      expect(await t.db.collection('never_created').find({ a: 1 }).toArray()).toEqual([]);
    });

    test('an unknown query operator is BadValue (2)', async () => {
      await expectServerError(coll.findOne({ age: { $frobnicate: 1 } }), 2);
    });
  });
});

describe('update', () => {
  test('updateOne / updateMany report matched and modified counts (a no-op is not modified)', async () => {
    const c = t.db.collection('upd_counts');
    await c.insertMany([{ k: 1, v: 0 }, { k: 1, v: 0 }, { k: 2, v: 5 }]);
    const many = await c.updateMany({ k: 1 }, { $inc: { v: 1 } });
    expect(many).toMatchObject({ matchedCount: 2, modifiedCount: 2, upsertedCount: 0, upsertedId: null });
    const noop = await c.updateOne({ k: 2 }, { $set: { v: 5 } });
    expect(noop).toMatchObject({ matchedCount: 1, modifiedCount: 0 });
    const none = await c.updateOne({ k: 3 }, { $set: { v: 1 } });
    expect(none).toMatchObject({ matchedCount: 0, modifiedCount: 0 });
    expect(await c.countDocuments({ v: 1 })).toBe(2);
  });

  test('operators: $set (dotted), $unset, $inc, $push/$each, $addToSet, $pull, $rename, $min/$max, $currentDate', async () => {
    interface OpsDoc {
      a: { b: number; c?: number };
      gone?: boolean;
      n: number;
      list: number[];
      set: string[];
      old?: string;
      renamed?: string;
      lo: number;
      hi: number;
      touched?: Date;
    }
    const c = t.db.collection<OpsDoc>('upd_ops');
    const { insertedId } = await c.insertOne({ a: { b: 1 }, gone: true, n: 5, list: [1], set: ['x'], old: 'o', lo: 5, hi: 5 });
    await c.updateOne(
      { _id: insertedId },
      {
        $set: { 'a.c': 2 },
        $unset: { gone: '' },
        $inc: { n: -2 },
        $push: { list: { $each: [2, 3] } },
        $addToSet: { set: 'x' },
        $rename: { old: 'renamed' },
        $min: { lo: 1 },
        $max: { hi: 9 },
        $currentDate: { touched: true },
      },
    );
    await c.updateOne({ _id: insertedId }, { $pull: { list: 2 }, $addToSet: { set: 'y' } });
    const doc = await c.findOne({ _id: insertedId });
    expect(doc).toMatchObject({ a: { b: 1, c: 2 }, n: 3, list: [1, 3], set: ['x', 'y'], renamed: 'o', lo: 1, hi: 9 });
    expect(doc).not.toHaveProperty('gone');
    expect(doc).not.toHaveProperty('old');
    expect(doc!.touched).toBeInstanceOf(Date);
  });

  test('positional $ and arrayFilters', async () => {
    const c = t.db.collection('upd_arrays');
    const { insertedId } = await c.insertOne({ grades: [{ k: 'a', v: 1 }, { k: 'b', v: 2 }, { k: 'c', v: 3 }] });
    await c.updateOne({ _id: insertedId, 'grades.k': 'b' }, { $set: { 'grades.$.v': 20 } });
    await c.updateOne({ _id: insertedId }, { $inc: { 'grades.$[g].v': 100 } }, { arrayFilters: [{ 'g.v': { $gte: 3 } }] });
    const doc = await c.findOne({ _id: insertedId });
    expect(doc!.grades).toEqual([{ k: 'a', v: 1 }, { k: 'b', v: 120 }, { k: 'c', v: 103 }]);
  });

  test('replacement keeps _id; changing _id is ImmutableField (66)', async () => {
    const c = t.db.collection('upd_replace');
    const { insertedId } = await c.insertOne({ a: 1, b: 2 });
    const res = await c.replaceOne({ _id: insertedId }, { c: 3 });
    expect(res.modifiedCount).toBe(1);
    expect(await c.findOne({ _id: insertedId })).toEqual({ _id: insertedId, c: 3 });
    await expectServerError(c.updateOne({ _id: insertedId }, { $set: { _id: new ObjectId() } }), 66);
    await expectServerError(c.replaceOne({ _id: insertedId }, { _id: new ObjectId(), c: 4 }), 66);
  });

  test('pipeline-style update', async () => {
    const c = t.db.collection('upd_pipeline');
    const { insertedId } = await c.insertOne({ first: 'Ada', last: 'Lovelace' });
    await c.updateOne({ _id: insertedId }, [{ $set: { full: { $concat: ['$first', ' ', '$last'] } } }, { $unset: 'first' }]);
    expect(await c.findOne({ _id: insertedId })).toEqual({ _id: insertedId, last: 'Lovelace', full: 'Ada Lovelace' });
  });

  test('upsert seeds the new document from the filter equality fields and applies $setOnInsert', async () => {
    const c = t.db.collection('upd_upsert');
    const res = await c.updateOne(
      { rid: 'r1', 'u._id': 'u1', $and: [{ t: { $eq: 'c' } }], ts: { $gt: 5 } },
      { $set: { open: true }, $setOnInsert: { createdAt: 1 }, $inc: { unread: 1 } },
      { upsert: true },
    );
    expect(res.upsertedCount).toBe(1);
    expect(res.upsertedId).toBeInstanceOf(ObjectId);
    expect(res.matchedCount).toBe(0);
    const doc = await c.findOne({ _id: res.upsertedId! });
    expect(doc).toEqual({ _id: res.upsertedId, rid: 'r1', u: { _id: 'u1' }, t: 'c', open: true, createdAt: 1, unread: 1 });

    // Second time: matched, $setOnInsert ignored.
    const again = await c.updateOne({ rid: 'r1', 'u._id': 'u1' }, { $set: { open: false }, $setOnInsert: { createdAt: 2 }, $inc: { unread: 1 } }, { upsert: true });
    expect(again).toMatchObject({ matchedCount: 1, modifiedCount: 1, upsertedCount: 0 });
    expect(await c.findOne({ rid: 'r1' })).toMatchObject({ open: false, createdAt: 1, unread: 2 });
  });

  test('upsert takes _id from the filter; replacement upsert too', async () => {
    const c = t.db.collection('upd_upsert_id');
    const res = await c.updateOne({ _id: 'fixed' as never }, { $set: { v: 1 } }, { upsert: true });
    expect(res.upsertedId).toBe('fixed');
    const rep = await c.replaceOne({ _id: 'other' as never }, { v: 2 }, { upsert: true });
    expect(rep.upsertedId).toBe('other');
    expect(await c.find({}, { sort: { _id: 1 } }).toArray()).toEqual([{ _id: 'fixed', v: 1 }, { _id: 'other', v: 2 }]);
  });

  test('bulkWrite reports upserted ids by operation index', async () => {
    const c = t.db.collection('upd_bulk');
    const res = await c.bulkWrite([
      { insertOne: { document: { _id: 'a' as never, n: 1 } } },
      { updateOne: { filter: { _id: 'b' as never }, update: { $set: { n: 2 } }, upsert: true } },
      { updateOne: { filter: { _id: 'a' as never }, update: { $inc: { n: 1 } } } },
      { deleteOne: { filter: { _id: 'zzz' as never } } },
    ]);
    expect(res.insertedCount).toBe(1);
    expect(res.upsertedCount).toBe(1);
    expect(res.upsertedIds).toEqual({ 1: 'b' });
    expect(res.matchedCount).toBe(1);
    expect(res.deletedCount).toBe(0);
  });

  test('update errors: unknown modifier (9), $inc on a string (14), conflicting paths (40)', async () => {
    const c = t.db.collection('upd_errors');
    const { insertedId } = await c.insertOne({ s: 'text', n: 1 });
    await expectServerError(c.updateOne({ _id: insertedId }, { $frob: { n: 1 } } as never), 9);
    await expectServerError(c.updateOne({ _id: insertedId }, { $inc: { s: 1 } }), 14);
    await expectServerError(c.updateOne({ _id: insertedId }, { $set: { n: 1 }, $inc: { n: 1 } }), 40);
    expect(await c.findOne({ _id: insertedId })).toEqual({ _id: insertedId, s: 'text', n: 1 });
  });
});

describe('delete', () => {
  test('deleteOne removes one match, deleteMany all', async () => {
    const c = t.db.collection('del');
    await c.insertMany([{ k: 1 }, { k: 1 }, { k: 1 }, { k: 2 }]);
    expect((await c.deleteOne({ k: 1 })).deletedCount).toBe(1);
    expect((await c.deleteMany({ k: 1 })).deletedCount).toBe(2);
    expect((await c.deleteMany({ k: 99 })).deletedCount).toBe(0);
    expect(await c.countDocuments()).toBe(1);
  });
});

describe('findAndModify', () => {
  test('returns the document before or after, honours sort and projection', async () => {
    const c = t.db.collection('fam');
    await c.insertMany([{ q: 'x', p: 3 }, { q: 'x', p: 1 }, { q: 'x', p: 2 }]);
    const before = await c.findOneAndUpdate({ q: 'x' }, { $set: { taken: true } }, { sort: { p: 1 }, projection: { _id: 0, p: 1, taken: 1 } });
    expect(before).toEqual({ p: 1 });
    const after = await c.findOneAndUpdate({ q: 'x', taken: { $ne: true } }, { $set: { taken: true } }, { sort: { p: -1 }, returnDocument: 'after' });
    expect(after).toMatchObject({ p: 3, taken: true });
    expect(await c.findOneAndUpdate({ q: 'none' }, { $set: { a: 1 } })).toBeNull();
  });

  test('upsert with metadata, replace and delete', async () => {
    const c = t.db.collection('fam2');
    const meta = await c.findOneAndUpdate({ key: 'k' }, { $setOnInsert: { n: 1 } }, { upsert: true, returnDocument: 'after', includeResultMetadata: true });
    expect(meta.ok).toBe(1);
    expect(meta.value).toMatchObject({ key: 'k', n: 1 });
    expect(meta.lastErrorObject).toMatchObject({ n: 1, updatedExisting: false });
    expect(meta.lastErrorObject!.upserted).toEqual(meta.value!._id);
    const updated = await c.findOneAndUpdate({ key: 'k' }, { $inc: { n: 1 } }, { includeResultMetadata: true });
    expect(updated.lastErrorObject).toMatchObject({ n: 1, updatedExisting: true });
    expect(updated.value).toMatchObject({ n: 1 });
    const replaced = await c.findOneAndReplace({ key: 'k' }, { key: 'k', fresh: true }, { returnDocument: 'after' });
    expect(replaced).toMatchObject({ key: 'k', fresh: true });
    expect(replaced).not.toHaveProperty('n');
    const deleted = await c.findOneAndDelete({ key: 'k' });
    expect(deleted).toMatchObject({ fresh: true });
    expect(await c.countDocuments()).toBe(0);
  });

  test('remove together with update is an error', async () => {
    await expectServerError(t.db.command({ findAndModify: 'fam3', query: {}, remove: true, update: { $set: { a: 1 } } }));
  });
});
