import type { Document } from 'mongodb';
import { openTestDatabase, type TestDatabase } from '../../support/testDatabase';
import { onEmbeddedServer } from './helpers';

/**
 * Sorted, limited queries served from an ordered index: an `$in` on the index's leading field is answered by
 * merging one range per value (the outbox claim: pending states sorted by due time), and a range bound on the sort
 * field ends the walk early. The answers must equal those of the same query on an unindexed copy.
 */
let t: TestDatabase;
const STATES = ['queued', 'retry', 'sending', 'delivered', null];
const docs: Document[] = Array.from({ length: 1500 }, (_, i) => ({
  _id: i,
  ...(STATES[i % 5] === null ? {} : { state: STATES[i % 5] }),
  due: (i * 7919) % 2000, // distinct (7919 is prime to 2000), shuffled; 1,500 documents so every $in takes the merge path
  n: i % 3,
}));

beforeAll(async () => {
  t = await openTestDatabase();
  await t.db.collection('scan_plain').insertMany(docs);
  await t.db.collection('scan_indexed').insertMany(docs);
  await t.db.collection('scan_indexed').createIndex({ state: 1, due: 1 });
});
afterAll(() => t.close());

const queries: Array<[string, Document, Document, number]> = [
  ['$in prefix, ascending, due bound', { state: { $in: ['queued', 'retry', 'sending'] }, due: { $lte: 500 } }, { due: 1 }, 40],
  ['$in prefix, descending, lower bound', { state: { $in: ['queued', 'retry'] }, due: { $gte: 200 } }, { due: -1 }, 25],
  ['$in prefix with a strict bound past every match', { state: { $in: ['retry', 'sending'] }, due: { $lt: 30 } }, { due: 1 }, 100],
  ['$in with null (missing state)', { state: { $in: [null, 'delivered'] } }, { due: 1 }, 30],
  ['$in prefix and another condition', { state: { $in: ['queued', 'sending'] }, n: 1 }, { due: 1 }, 15],
  ['single value prefix with a bound', { state: 'queued', due: { $lte: 900 } }, { due: -1 }, 10],
  ['bound of another type: nothing matches', { state: { $in: ['queued', 'retry'] }, due: { $lte: 'a string' } }, { due: 1 }, 10],
];

describe.each(queries)('%s', (_name, filter, sort, limit) => {
  test('indexed answer equals the unindexed one, in order', async () => {
    const plain = await t.db.collection('scan_plain').find(filter, { sort, limit }).toArray();
    const indexed = await t.db.collection('scan_indexed').find(filter, { sort, limit }).toArray();
    expect(indexed.map((d) => d._id)).toEqual(plain.map((d) => d._id));
    // and it is really sorted and filtered
    const dues = indexed.map((d) => d.due as number);
    expect(dues).toEqual([...dues].sort((a, b) => ((sort.due as number) === 1 ? a - b : b - a)));
  });
});

(onEmbeddedServer ? test : test.skip)('the claim query examines about as many documents as it returns', async () => {
  t.embedded!.resetStats();
  const found = await t.db
    .collection('scan_indexed')
    .find({ state: { $in: ['queued', 'retry', 'sending'] }, due: { $lte: 1999 } }, { sort: { due: 1 }, limit: 20 })
    .toArray();
  expect(found).toHaveLength(20);
  const stats = t.embedded!.stats();
  expect(stats.collectionScans).toBe(0);
  expect(stats.docsExamined).toBeLessThanOrEqual(20);

  t.embedded!.resetStats();
  // nothing is due before 3: the walk stops at the first entry past the bound
  const none = await t.db.collection('scan_indexed').find({ state: { $in: ['queued', 'retry', 'sending'] }, due: { $lt: 3 } }, { sort: { due: 1 }, limit: 20 }).toArray();
  expect(none.map((d) => d.due)).toEqual(docs.filter((d) => ['queued', 'retry', 'sending'].includes(d.state) && d.due < 3).map((d) => d.due).sort());
  expect(t.embedded!.stats().docsExamined).toBeLessThanOrEqual(3);
});
