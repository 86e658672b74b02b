import { Aggregator } from 'mingo';
import type { Document } from 'mongodb';
import { compileFastGroup, GROUP_NOT_HANDLED } from '../../../server/embedded-mongo/query/fastGroup';
import { mingoOptions } from '../../../server/embedded-mongo/query/mingoOptions';
import { openTestDatabase, type TestDatabase } from '../../support/testDatabase';
import { onEmbeddedServer } from './helpers';

/**
 * `$group` with field-path keys and `$sum`/`$min`/`$max` runs natively on the embedded server (badge counts over
 * thousands of subscriptions); these cases pin MongoDB's rules: what `$sum` ignores, null and missing keys in one
 * group, empty groups, arrays on the key path, and the fallback for everything else.
 */
const D1 = new Date('2024-01-01T00:00:00Z');
const D2 = new Date('2024-06-01T00:00:00Z');
const docs: Document[] = [
  { _id: 1, rid: 'a', unread: 2, at: D2, u: { _id: 'u1' } },
  { _id: 2, rid: 'a', unread: 3, at: D1, u: { _id: 'u2' } },
  { _id: 3, rid: 'b', unread: 'seven', at: null, u: { _id: 'u1' } },
  { _id: 4, rid: 'b', unread: [4, 5], u: { _id: 'u3' } },
  { _id: 5, rid: null, unread: 1.5, at: D1 },
  { _id: 6, unread: true, u: { name: 'no id' } },
  { _id: 7, rid: 'c', unread: null, at: D2, u: { _id: 'u1' } },
];

let t: TestDatabase;
beforeAll(async () => {
  t = await openTestDatabase();
  await t.db.collection('grp').insertMany(docs);
  await t.db.collection('grp').createIndex({ 'u._id': 1 });
  await t.db.collection('grp_arrays').insertMany([
    { _id: 1, tags: ['x', 'y'], n: 1 },
    { _id: 2, tags: ['x', 'y'], n: 2 },
    { _id: 3, tags: 'x', n: 4 },
  ] as Document[]);
});
afterAll(() => t.close());

const byId = (a: Document, b: Document) => String(a._id).localeCompare(String(b._id));

async function aggregate(collection: string, pipeline: Document[]): Promise<Document[]> {
  return (await t.db.collection(collection).aggregate(pipeline).toArray()).sort(byId);
}

describe('$group', () => {
  test('$sum adds numbers only; null and missing keys form one group', async () => {
    expect(await aggregate('grp', [{ $group: { _id: '$rid', total: { $sum: '$unread' }, n: { $sum: 1 } } }])).toEqual([
      { _id: 'a', total: 5, n: 2 },
      { _id: 'b', total: 0, n: 2 },
      { _id: 'c', total: 0, n: 1 },
      { _id: null, total: 1.5, n: 2 },
    ].sort(byId));
  });

  test('$min/$max ignore null and missing; a group with nothing to compare gets null', async () => {
    expect(await aggregate('grp', [{ $group: { _id: '$rid', first: { $min: '$at' }, last: { $max: '$at' } } }])).toEqual([
      { _id: 'a', first: D1, last: D2 },
      { _id: 'b', first: null, last: null },
      { _id: 'c', first: D2, last: D2 },
      { _id: null, first: D1, last: D1 },
    ].sort(byId));
  });

  test('a leading $match on an index, grouped by a dotted path (the badge query), then $sort', async () => {
    const rows = await t.db
      .collection('grp')
      .aggregate([{ $match: { 'u._id': { $in: ['u1', 'u2', 'nobody'] } } }, { $group: { _id: '$u._id', unread: { $sum: '$unread' } } }, { $sort: { _id: 1 } }])
      .toArray();
    expect(rows).toEqual([
      { _id: 'u1', unread: 2 },
      { _id: 'u2', unread: 3 },
    ]);
  });

  test('constant keys, counts by other constants, and empty input', async () => {
    expect(await aggregate('grp', [{ $group: { _id: null, n: { $sum: 2 }, total: { $sum: '$unread' } } }])).toEqual([{ _id: null, n: 14, total: 6.5 }]);
    expect(await aggregate('grp', [{ $match: { rid: 'nope' } }, { $group: { _id: '$rid', n: { $sum: 1 } } }])).toEqual([]);
  });

  test('an array on the key path groups by the whole array (left to mingo)', async () => {
    const rows = await t.db.collection('grp_arrays').aggregate([{ $group: { _id: '$tags', n: { $sum: '$n' } } }]).toArray();
    expect(rows).toHaveLength(2);
    expect(rows).toEqual(expect.arrayContaining([{ _id: ['x', 'y'], n: 3 }, { _id: 'x', n: 4 }]));
  });

  test('other accumulators still work', async () => {
    const rows = await aggregate('grp', [{ $match: { rid: 'a' } }, { $group: { _id: '$rid', ids: { $push: '$_id' }, avg: { $avg: '$unread' } } }]);
    expect(rows).toEqual([{ _id: 'a', ids: [1, 2], avg: 2.5 }]);
  });
});

(onEmbeddedServer ? describe : describe.skip)('the native $group agrees with mingo', () => {
  const specs: Document[] = [
    { _id: '$rid', total: { $sum: '$unread' }, n: { $sum: 1 } },
    { _id: '$u._id', total: { $sum: '$unread' } },
    { _id: null, first: { $min: '$at' }, last: { $max: '$at' }, n: { $sum: 1 } },
    { _id: 'constant', n: { $sum: 3 } },
    { _id: '$missing.path', n: { $sum: 1 } },
  ];
  test.each(specs.map((s) => [JSON.stringify(s), s]))('%s', (_name, spec) => {
    const fast = compileFastGroup(spec);
    expect(fast).toBeDefined();
    const ours = fast!(docs);
    expect(ours).not.toBe(GROUP_NOT_HANDLED);
    const theirs = new Aggregator([{ $group: spec }], mingoOptions()).run(docs.map((d) => ({ ...d }))) as Document[];
    expect([...(ours as Document[])].sort(byId)).toEqual([...theirs].sort(byId));
  });

  test('other shapes are left to mingo', () => {
    for (const spec of [{ _id: { a: '$a' } }, { _id: '$a', x: { $push: '$b' } }, { _id: '$a', x: { $sum: { $add: ['$a', 1] } } }, { _id: '$$ROOT' }, { n: { $sum: 1 } }]) {
      expect(compileFastGroup(spec)).toBeUndefined();
    }
  });
});
