import { Decimal128, Double, Long, ObjectId, type Document } from 'mongodb';
import { openTestDatabase, type TestDatabase } from '../../support/testDatabase';

/** MongoDB matching rules that are easy to get wrong (null vs missing, arrays, type brackets, field order). */
let t: TestDatabase;
const docs: Document[] = [
  { _id: 1, a: null },
  { _id: 2 },
  { _id: 3, a: [] },
  { _id: 4, a: [1, null] },
  { _id: 5, a: 5 },
  { _id: 6, a: '10' },
  { _id: 7, a: new Double(5) },
  { _id: 8, a: [{ b: 1 }, { c: 2 }] },
  { _id: 9, a: { b: 1, c: 2 } },
  { _id: 10, a: { c: 2, b: 1 } },
  { _id: 11, a: new Date('2024-01-01') },
  { _id: 12, a: Long.fromNumber(7) },
  { _id: 13, a: Decimal128.fromString('6') },
  { _id: 14, a: [3, 8] },
];
beforeAll(async () => {
  t = await openTestDatabase();
  await t.db.collection('sem').insertMany(docs);
  await t.db.collection('sem_indexed').insertMany(docs);
  await t.db.collection('sem_indexed').createIndex({ a: 1 });
});
afterAll(() => t.close());

const cases: Array<[string, Document, number[]]> = [
  ['null matches null and missing (and arrays holding null), not []', { a: null }, [1, 2, 4]],
  ['$ne null: present and not null', { a: { $ne: null } }, [3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]],
  ['$exists true includes null', { a: { $exists: true } }, [1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]],
  ['$exists false', { a: { $exists: false } }, [2]],
  ['numbers compare by value across types', { a: 5 }, [5, 7]],
  ['$gt stays within numbers (no strings, no dates)', { a: { $gt: 5 } }, [12, 13, 14]],
  ['$lte within numbers, arrays match by element', { a: { $lte: 3 } }, [4, 14]],
  ['$lt on strings only matches strings', { a: { $lt: 'z' } }, [6]],
  ['$in mixes types; null in $in matches missing', { a: { $in: ['10', null] } }, [1, 2, 4, 6]],
  ['$nin is the complement of $in', { a: { $nin: [5, null] } }, [3, 6, 8, 9, 10, 11, 12, 13, 14]],
  ['dotted path into an array of documents', { 'a.b': 1 }, [8, 9, 10]],
  ['embedded document equality is field-order sensitive', { a: { b: 1, c: 2 } }, [9]],
  ['date comparison', { a: { $gte: new Date('2023-06-01') } }, [11]],
  ['range on one array element set', { a: { $gt: 2, $lt: 4 } }, [14]],
  ['each range bound may be met by a different array element', { a: { $gt: 7, $lt: 4 } }, [14]],
  ['$and of conditions', { $and: [{ a: { $exists: true } }, { a: { $in: [5, 7] } }] }, [5, 7, 12]],
  ['$eq with an ObjectId never matches other types', { a: new ObjectId('000000000000000000000005') }, []],
];

describe.each(['sem', 'sem_indexed'])('query semantics on %s', (collection) => {
  test.each(cases)('%s', async (_name, filter, expected) => {
    const ids = (await t.db.collection(collection).find(filter, { sort: { _id: 1 } }).toArray()).map((d) => d._id);
    expect(ids).toEqual(expected);
  });
});
