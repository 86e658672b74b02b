import { openTestDatabase, type TestDatabase } from '../../support/testDatabase';
import { expectServerError } from './helpers';

let t: TestDatabase;
beforeAll(async () => {
  t = await openTestDatabase();
  await t.db.collection('rooms').insertMany([
    { _id: 'r1' as never, name: 'general', t: 'c' },
    { _id: 'r2' as never, name: 'random', t: 'c' },
    { _id: 'r3' as never, name: 'dm', t: 'd' },
  ]);
  await t.db.collection('subs').insertMany([
    { rid: 'r1', u: { _id: 'u1' }, unread: 2 },
    { rid: 'r1', u: { _id: 'u2' }, unread: 0 },
    { rid: 'r2', u: { _id: 'u1' }, unread: 5 },
    { rid: 'r3', u: { _id: 'u3' }, unread: 1 },
    { rid: 'rX', u: { _id: 'u4' }, unread: 9 },
  ]);
});
afterAll(() => t.close());

describe('aggregate', () => {
  test('$group with $sum and $push, then $sort', async () => {
    const rows = await t.db
      .collection('subs')
      .aggregate([{ $group: { _id: '$rid', total: { $sum: '$unread' }, users: { $push: '$u._id' } } }, { $sort: { total: -1, _id: 1 } }])
      .toArray();
    expect(rows).toEqual([
      { _id: 'rX', total: 9, users: ['u4'] },
      { _id: 'r2', total: 5, users: ['u1'] },
      { _id: 'r1', total: 2, users: ['u1', 'u2'] },
      { _id: 'r3', total: 1, users: ['u3'] },
    ]);
  });

  test('$lookup joins another collection of the same database', async () => {
    const rows = await t.db
      .collection('subs')
      .aggregate([
        { $match: { 'u._id': 'u1' } },
        { $lookup: { from: 'rooms', localField: 'rid', foreignField: '_id', as: 'room' } },
        { $unwind: '$room' },
        { $project: { _id: 0, rid: 1, name: '$room.name' } },
        { $sort: { rid: 1 } },
      ])
      .toArray();
    expect(rows).toEqual([{ rid: 'r1', name: 'general' }, { rid: 'r2', name: 'random' }]);
  });

  test('$lookup with no match gives an empty array; a missing foreign collection too', async () => {
    const rows = await t.db
      .collection('subs')
      .aggregate([{ $match: { rid: 'rX' } }, { $lookup: { from: 'rooms', localField: 'rid', foreignField: '_id', as: 'room' } }, { $lookup: { from: 'nothing_here', localField: 'rid', foreignField: 'x', as: 'none' } }])
      .toArray();
    expect(rows).toHaveLength(1);
    expect(rows[0].room).toEqual([]);
    expect(rows[0].none).toEqual([]);
  });

  test('stages that write into documents do not alter the stored documents', async () => {
    await t.db.collection('subs').aggregate([{ $set: { 'u._id': 'overwritten', unread: -1 } }, { $lookup: { from: 'rooms', localField: 'rid', foreignField: '_id', as: 'room' } }, { $set: { 'room.name': 'x' } }]).toArray();
    expect(await t.db.collection('subs').countDocuments({ unread: -1 })).toBe(0);
    expect(await t.db.collection('subs').countDocuments({ 'u._id': 'overwritten' })).toBe(0);
    expect(await t.db.collection('rooms').countDocuments({ name: 'x' })).toBe(0);
  });

  test('$count, countDocuments and an empty $match', async () => {
    expect(await t.db.collection('subs').aggregate([{ $match: { unread: { $gt: 0 } } }, { $count: 'n' }]).toArray()).toEqual([{ n: 4 }]);
    expect(await t.db.collection('subs').aggregate([{ $match: { unread: { $gt: 100 } } }, { $count: 'n' }]).toArray()).toEqual([]);
    expect(await t.db.collection('subs').countDocuments({ rid: 'r1' })).toBe(2);
    expect(await t.db.collection('nope').countDocuments()).toBe(0);
  });

  test('$out replaces the target collection with the results', async () => {
    await t.db.collection('summary').insertOne({ stale: true });
    const out = await t.db.collection('subs').aggregate([{ $match: { rid: 'r1' } }, { $project: { _id: '$u._id', unread: 1 } }, { $out: 'summary' }]).toArray();
    expect(out).toEqual([]);
    expect(await t.db.collection('summary').find({}, { sort: { _id: 1 } }).toArray()).toEqual([{ _id: 'u1', unread: 2 }, { _id: 'u2', unread: 0 }]);
  });

  test('an unknown stage is error 40324; a non-array pipeline is an error', async () => {
    await expectServerError(t.db.collection('subs').aggregate([{ $noSuchStage: {} }]).toArray(), 40324);
    await expectServerError(t.db.command({ aggregate: 'subs', pipeline: {}, cursor: {} }));
  });
});
