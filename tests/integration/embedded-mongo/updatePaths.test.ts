import type { Document } from 'mongodb';

/** Numeric ids (the driver's typing expects ObjectIds on `Document` and checks every $push target). */
type Doc = { _id: number } & Document;
import { openTestDatabase, type TestDatabase } from '../../support/testDatabase';
import { expectServerError, onEmbeddedServer } from './helpers';

/**
 * Updates the outbox runs thousands of times per second (`$set` + `$unset` + `$push` with `$each`/`$slice` +
 * `$inc`): the embedded server applies them natively, copy-on-write, and re-indexes only what changed. These
 * cases pin the results (MongoDB's) and the index answers after such updates.
 */
let t: TestDatabase;
beforeAll(async () => {
  t = await openTestDatabase();
});
afterAll(() => t.close());

describe('$push on the native path', () => {
  const coll = () => t.db.collection<Doc>('push_ops');
  const update = (id: number, spec: Document) => coll().updateOne({ _id: id }, spec as never);
  beforeEach(async () => {
    await coll().deleteMany({});
    await coll().insertMany([
      { _id: 1, list: [1, 2, 3], nested: { deep: { n: 1 }, other: 'x' } },
      { _id: 2, scalar: 'not an array' },
    ] as Doc[]);
  });

  test('a single value appends, or creates the array', async () => {
    await update(1, { $push: { list: 4, fresh: { a: 1 } } });
    expect(await coll().findOne({ _id: 1 })).toEqual({ _id: 1, list: [1, 2, 3, 4], nested: { deep: { n: 1 }, other: 'x' }, fresh: [{ a: 1 }] });
  });

  test('an array value is pushed as one element', async () => {
    await update(1, { $push: { list: [9, 9] } });
    expect((await coll().findOne({ _id: 1 }))?.list).toEqual([1, 2, 3, [9, 9]]);
  });

  test('$each with a negative $slice keeps the last n (the outbox history)', async () => {
    await update(1, { $push: { list: { $each: [4, 5], $slice: -3 } } });
    expect((await coll().findOne({ _id: 1 }))?.list).toEqual([3, 4, 5]);
  });

  test('$slice 0 empties, a positive $slice keeps the first n, on a missing field too', async () => {
    await update(1, { $push: { list: { $each: [4], $slice: 0 }, made: { $each: [1, 2, 3], $slice: 2 } } });
    const doc = await coll().findOne({ _id: 1 });
    expect(doc?.list).toEqual([]);
    expect(doc?.made).toEqual([1, 2]);
  });

  test('modified counts: an empty $each changes nothing on an array, but creates a missing field', async () => {
    expect((await update(1, { $push: { list: { $each: [] } } })).modifiedCount).toBe(0);
    expect((await update(1, { $push: { other: { $each: [] } } })).modifiedCount).toBe(1);
    expect((await coll().findOne({ _id: 1 }))?.other).toEqual([]);
  });

  test('together with $set, $unset and $inc in one update, siblings untouched', async () => {
    await update(
      1,
      { $set: { 'nested.deep.m': 2, state: 'done' }, $unset: { 'nested.other': '' }, $inc: { attempts: 1 }, $push: { history: { $each: [{ at: 1 }], $slice: -20 } } },
    );
    expect(await coll().findOne({ _id: 1 })).toEqual({
      _id: 1, list: [1, 2, 3], nested: { deep: { n: 1, m: 2 } }, state: 'done', attempts: 1, history: [{ at: 1 }],
    });
  });

  test('$push onto a non-array is refused and changes nothing', async () => {
    await expectServerError(update(2, { $push: { scalar: 1 } }));
    expect(await coll().findOne({ _id: 2 })).toEqual({ _id: 2, scalar: 'not an array' });
  });

  test('$position and $sort still work (general path)', async () => {
    await update(1, { $push: { list: { $each: [0], $position: 0 } } });
    expect((await coll().findOne({ _id: 1 }))?.list).toEqual([0, 1, 2, 3]);
    await update(1, { $push: { list: { $each: [9], $sort: -1 } } });
    expect((await coll().findOne({ _id: 1 }))?.list).toEqual([9, 3, 2, 1, 0]);
  });
});

describe('indexes after updates that touch some indexed fields and not others', () => {
  const coll = () => t.db.collection<Doc>('reindex');
  const update = (id: number, spec: Document) => coll().updateOne({ _id: id }, spec as never);
  beforeAll(async () => {
    await coll().createIndexes([
      { key: { state: 1, due: 1 }, name: 'state_due' },
      { key: { token: 1 }, name: 'token' },
      { key: { code: 1 }, name: 'code_unique', unique: true },
      { key: { 'meta.tag': 1 }, name: 'meta_tag' },
    ]);
    await coll().insertMany(
      Array.from({ length: 20 }, (_, i) => ({ _id: i, state: 'queued', due: 100 - i, token: `t${i}`, code: `c${i}`, meta: { tag: i % 2 ? 'odd' : 'even' }, n: 0 })) as Doc[],
    );
  });

  test('changing an unindexed field keeps every index answer', async () => {
    await coll().updateMany({}, { $inc: { n: 1 }, $push: { log: 'x' } } as never);
    expect(await coll().countDocuments({ token: 't3' })).toBe(1);
    expect(await coll().countDocuments({ 'meta.tag': 'odd' })).toBe(10);
    expect((await coll().find({ state: 'queued' }, { sort: { due: 1 }, limit: 3 }).toArray()).map((d) => d._id)).toEqual([19, 18, 17]);
    // unique index: the documents still own their keys, no false duplicates
    await update(5, { $set: { n: 42 } });
    expect((await coll().findOne({ code: 'c5' }))?.n).toBe(42);
  });

  test('changing indexed fields moves the document in those indexes only', async () => {
    await update(19, { $set: { state: 'sending', due: 1000 } });
    await update(4, { $set: { 'meta.tag': 'odd', token: 't-new' } });
    expect((await coll().find({ state: 'queued' }, { sort: { due: 1 }, limit: 2 }).toArray()).map((d) => d._id)).toEqual([18, 17]);
    expect((await coll().find({ state: 'sending' }).toArray()).map((d) => d._id)).toEqual([19]);
    expect(await coll().countDocuments({ token: 't4' })).toBe(0);
    expect(await coll().countDocuments({ token: 't-new' })).toBe(1);
    expect(await coll().countDocuments({ 'meta.tag': 'odd' })).toBe(11);
    expect(await coll().countDocuments({ 'meta.tag': 'even' })).toBe(9);
  });

  test('a unique key moved onto another document’s value is E11000, and nothing changes', async () => {
    await expectServerError(update(1, { $set: { code: 'c2', n: -1 } }), 11000);
    expect(await coll().findOne({ _id: 1 })).toEqual(expect.objectContaining({ code: 'c1', n: 1 }));
    expect(await coll().countDocuments({ code: 'c2' })).toBe(1);
  });
});

(onEmbeddedServer ? test : test.skip)('stored versions are never modified in place: an open cursor keeps the version it found', async () => {
  const coll = t.db.collection<Doc>('cow');
  await coll.insertMany([
    { _id: 1, nested: { a: 1, list: [1] } },
    { _id: 2, nested: { a: 1, list: [1] } },
  ] as Doc[]);
  const cursor = coll.find({}, { batchSize: 1, sort: { _id: 1 } });
  expect(await cursor.next()).toEqual({ _id: 1, nested: { a: 1, list: [1] } });
  await coll.updateOne({ _id: 2 }, { $set: { 'nested.a': 2 }, $push: { 'nested.list': 2 } } as never);
  expect(await cursor.next()).toEqual({ _id: 2, nested: { a: 1, list: [1] } });
  await cursor.close();
  expect(await coll.findOne({ _id: 2 })).toEqual({ _id: 2, nested: { a: 2, list: [1, 2] } });
});
