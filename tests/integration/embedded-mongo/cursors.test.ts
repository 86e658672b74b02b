import type { CommandStartedEvent, CommandSucceededEvent, Document } from 'mongodb';
import { Long } from 'mongodb';
import { openTestDatabase, type TestDatabase } from '../../support/testDatabase';
import { expectServerError } from './helpers';

let t: TestDatabase;
const started: CommandStartedEvent[] = [];
const succeeded: CommandSucceededEvent[] = [];
beforeAll(async () => {
  t = await openTestDatabase({ clientOptions: { monitorCommands: true } });
  t.client.on('commandStarted', (e) => started.push(e));
  t.client.on('commandSucceeded', (e) => succeeded.push(e));
  const docs: Document[] = Array.from({ length: 10_000 }, (_, i) => ({ _id: i, group: i % 10, payload: 'x'.repeat(50) }));
  await t.db.collection('big').insertMany(docs);
});
afterAll(() => t.close());

beforeEach(() => {
  started.length = 0;
  succeeded.length = 0;
});

const commandsNamed = (name: string) => started.filter((e) => e.commandName === name);

describe('cursors', () => {
  test('10,000 documents come back complete, in order, across getMore batches', async () => {
    const docs = await t.db.collection('big').find({}, { sort: { _id: 1 }, batchSize: 1000 }).toArray();
    expect(docs).toHaveLength(10_000);
    expect(docs.every((d, i) => (d._id as unknown) === i)).toBe(true);
    expect(commandsNamed('find')).toHaveLength(1);
    expect(commandsNamed('getMore').length).toBeGreaterThanOrEqual(9);
    const firstReply = succeeded.find((e) => e.commandName === 'find')!.reply as Document;
    expect(firstReply.cursor.firstBatch).toHaveLength(1000);
    expect(firstReply.cursor.id).toBeInstanceOf(Long);
  });

  test('default batches: the first holds 101 documents, getMore fetches the rest', async () => {
    const docs = await t.db.collection('big').find({ group: 3 }).toArray();
    expect(docs).toHaveLength(1000);
    const firstReply = succeeded.find((e) => e.commandName === 'find')!.reply as Document;
    expect(firstReply.cursor.firstBatch).toHaveLength(101);
    const lastGetMore = succeeded.filter((e) => e.commandName === 'getMore').pop()!.reply as Document;
    expect(Number(lastGetMore.cursor.id)).toBe(0);
  });

  test('limit and skip bound the cursor; findOne uses a single batch', async () => {
    const docs = await t.db.collection('big').find({}, { sort: { _id: -1 }, skip: 10, limit: 250, batchSize: 100 }).toArray();
    expect(docs).toHaveLength(250);
    expect(docs[0]._id).toBe(9989);
    expect(docs[249]._id).toBe(9740);
    started.length = 0;
    expect(await t.db.collection('big').findOne({ group: 7 }, { sort: { _id: 1 } })).toMatchObject({ _id: 7 });
    expect(commandsNamed('getMore')).toHaveLength(0);
  });

  test('aggregate results are batched too', async () => {
    const docs = await t.db.collection('big').aggregate([{ $match: { group: { $in: [1, 2] } } }, { $project: { _id: 1 } }], { batchSize: 300 }).toArray();
    expect(docs).toHaveLength(2000);
    expect(commandsNamed('getMore').length).toBeGreaterThanOrEqual(6);
  });

  test('killCursors releases a cursor; getMore on it is CursorNotFound (43)', async () => {
    const cursor = t.db.collection('big').find({}, { batchSize: 10 });
    await cursor.next();
    const id = cursor.id!;
    expect(id).toBeInstanceOf(Long);
    expect(id.isZero()).toBe(false);
    await cursor.close();
    const kill = succeeded.find((e) => e.commandName === 'killCursors')!.reply as Document;
    expect(kill.cursorsKilled.map(String)).toEqual([id.toString()]);
    await expectServerError(t.db.command({ getMore: id, collection: 'big' }), 43);
  });

  test('an explicit killCursors on an unknown id reports it as not found', async () => {
    const reply = await t.db.command({ killCursors: 'big', cursors: [Long.fromString('424242424242')] });
    expect(reply.cursorsNotFound.map(String)).toEqual(['424242424242']);
  });

  test('a cursor keeps delivering every document while those documents are being updated', async () => {
    const cursor = t.db.collection('big').find({ group: 0 }, { batchSize: 5, sort: { _id: 1 } });
    const first = await cursor.next();
    await t.db.collection('big').updateMany({ group: 0 }, { $set: { payload: 'changed' } });
    const rest = await cursor.toArray();
    expect(first!.payload).toBe('x'.repeat(50));
    for (const doc of rest) expect(['changed', 'x'.repeat(50)]).toContain(doc.payload);
    expect(rest).toHaveLength(999);
  });
});
