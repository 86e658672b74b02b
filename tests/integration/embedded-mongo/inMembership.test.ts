import { Decimal128, ObjectId, type Document } from 'mongodb';
import { openTestDatabase, type TestDatabase } from '../../support/testDatabase';
import { onEmbeddedServer } from './helpers';

/**
 * `$in`/`$nin` and equality filters that an index answers: the embedded server decides membership with hash
 * sets and skips re-testing a condition the index lookup already guarantees. These cases pin down that the
 * answers stay MongoDB's (type brackets, null vs missing vs [], arrays in documents, NaN and -0, ObjectIds,
 * dates), on a collection scan, on a secondary index and on `_id`.
 */
let t: TestDatabase;
const OID = new ObjectId('0000000000000000000000a1');
const DAY = new Date('2024-01-01T00:00:00Z');
const docs: Document[] = [
  { _id: 1, a: 'x' },
  { _id: 2, a: 5 },
  { _id: 3, a: 5.5 },
  { _id: 4, a: NaN },
  { _id: 5, a: null },
  { _id: 6 },
  { _id: 7, a: [] },
  { _id: 8, a: ['y', 7] },
  { _id: 9, a: [null, 'z'] },
  { _id: 10, a: true },
  { _id: 11, a: OID },
  { _id: 12, a: DAY },
  { _id: 13, a: { b: 1 } },
  { _id: 14, a: [{ b: 1 }, { b: 2 }] },
  { _id: 15, a: '5' },
  { _id: 16, a: Decimal128.fromString('9') },
  { _id: 17, a: -0 },
];
const ALL = docs.map((d) => d._id as number);

beforeAll(async () => {
  t = await openTestDatabase();
  await t.db.collection('in_scan').insertMany(docs);
  await t.db.collection('in_indexed').insertMany(docs);
  await t.db.collection('in_indexed').createIndex({ a: 1 });
});
afterAll(() => t.close());

const without = (ids: number[]) => ALL.filter((id) => !ids.includes(id));
const manyStrings = Array.from({ length: 5000 }, (_, i) => `miss-${i}`);

const cases: Array<[string, Document, number[]]> = [
  ['strings never match numbers', { a: { $in: ['5', 'x'] } }, [1, 15]],
  ['numbers, including an array element', { a: { $in: [5, 7] } }, [2, 8]],
  ['NaN matches NaN', { a: { $in: [NaN] } }, [4]],
  ['0 matches -0', { a: { $in: [0] } }, [17]],
  ['null matches null, missing and arrays holding null, not []', { a: { $in: [null] } }, [5, 6, 9]],
  ['true is not 1', { a: { $in: [true, 1] } }, [10]],
  ['an ObjectId matches the ObjectId, not its hex string', { a: { $in: [OID, OID.toHexString()] } }, [11]],
  ['a date matches the date, not its time value', { a: { $in: [DAY, DAY.getTime()] } }, [12]],
  ['an embedded document matches itself and an array element', { a: { $in: [{ b: 1 }] } }, [13, 14]],
  ['Decimal128 by value', { a: { $in: [Decimal128.fromString('9')] } }, [16]],
  ['mixed types in one $in', { a: { $in: ['z', 5.5, false, null, OID] } }, [3, 5, 6, 9, 11]],
  ['$nin is the complement, null excluding missing', { a: { $nin: [null, 'x', 5] } }, without([1, 2, 5, 6, 9])],
  ['a 5,001-value $in', { a: { $in: [...manyStrings, 'y'] } }, [8]],
  ['$in with another operator on the same field', { a: { $in: [5, 'x', 7], $ne: 7 } }, [1, 2]],
  ['$in with another top-level condition', { a: { $in: ['x', 5, 7] }, _id: { $gt: 1 } }, [2, 8]],
  ['$in inside $and with a negation', { $and: [{ a: { $in: ['x', 5] } }, { a: { $ne: 'x' } }] }, [2]],
  ['plain equality with another condition', { a: 'x', _id: { $lt: 5 } }, [1]],
  ['$eq alone', { a: { $eq: 7 } }, [8]],
  ['empty $in matches nothing', { a: { $in: [] } }, []],
  ['_id $in across types', { _id: { $in: [1, '1', 3.0, 99] } }, [1, 3]],
  ['_id $in with a residual condition', { _id: { $in: [1, 2, 3, 4] }, a: { $type: 'string' } }, [1]],
];

describe.each(['in_scan', 'in_indexed'])('$in semantics on %s', (collection) => {
  test.each(cases)('%s', async (_name, filter, expected) => {
    const ids = (await t.db.collection(collection).find(filter, { sort: { _id: 1 } }).toArray()).map((d) => d._id);
    expect(ids).toEqual(expected);
  });

  test.each(cases)('count agrees: %s', async (_name, filter, expected) => {
    expect(await t.db.collection(collection).countDocuments(filter)).toBe(expected.length);
  });
});

describe('large $in on indexed fields (the fan-out queries)', () => {
  const N = 3000;
  beforeAll(async () => {
    const subs = t.db.collection('fan_subs');
    await subs.createIndex({ 'u._id': 1 });
    await subs.insertMany(
      Array.from({ length: N }, (_, i) => ({
        _id: `s${i}` as never,
        rid: i % 2 ? 'odd' : 'even',
        u: i % 10 === 0 ? [{ _id: `u${i}` }, { _id: `alias${i}` }] : { _id: `u${i}` },
        unread: i % 3,
      })),
    );
  });

  test('find by _id $in returns exactly the listed documents, ignoring unknown ids', async () => {
    const wanted = Array.from({ length: N / 2 }, (_, i) => `s${i * 2}`);
    const found = await t.db
      .collection('fan_subs')
      .find({ _id: { $in: [...wanted, 'nope', 'also-nope'] as never[] } }, { projection: { _id: 1 } })
      .toArray();
    expect(found.map((d) => d._id).sort()).toEqual([...wanted].sort());
  });

  test('secondary-index $in keeps the other conditions and follows arrays of documents', async () => {
    const users = Array.from({ length: N / 10 }, (_, i) => `alias${i * 10}`);
    const found = await t.db
      .collection('fan_subs')
      .find({ 'u._id': { $in: users }, rid: 'even' }, { projection: { _id: 1 } })
      .toArray();
    // every alias belongs to an even i (multiples of 10)
    expect(found.map((d) => d._id).sort()).toEqual(users.map((u) => `s${u.slice(5)}`).sort());
    expect(await t.db.collection('fan_subs').countDocuments({ 'u._id': { $in: users }, rid: 'odd' })).toBe(0);
  });

  test('a leading $match in aggregate uses the index and groups the right documents', async () => {
    const users = Array.from({ length: 900 }, (_, i) => `u${i}`);
    if (onEmbeddedServer) t.embedded!.resetStats();
    const rows = await t.db
      .collection('fan_subs')
      .aggregate<{ _id: string; unread: number }>([
        { $match: { 'u._id': { $in: users } } },
        { $group: { _id: '$rid', n: { $sum: 1 }, unread: { $sum: '$unread' } } },
        { $sort: { _id: 1 } },
      ])
      .toArray();
    const expected = { even: { n: 0, unread: 0 }, odd: { n: 0, unread: 0 } };
    for (let i = 0; i < 900; i++) {
      const bucket = i % 2 ? expected.odd : expected.even;
      bucket.n++;
      bucket.unread += i % 3;
    }
    expect(rows).toEqual([
      { _id: 'even', ...expected.even },
      { _id: 'odd', ...expected.odd },
    ]);
    if (onEmbeddedServer) {
      const stats = t.embedded!.stats();
      expect(stats.collectionScans).toBe(0);
      expect(stats.docsExamined).toBe(900);
    }
  });
});
