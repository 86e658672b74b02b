import { Long, MongoClient } from 'mongodb';
import { openTestDatabase, type TestDatabase } from '../../support/testDatabase';
import { expectServerError, failOnWriteErrors } from './helpers';

let t: TestDatabase;
beforeAll(async () => {
  t = await openTestDatabase();
});
afterAll(() => t.close());

describe('handshake and server commands', () => {
  test('hello reports a writable standalone with the limits the driver needs', async () => {
    const hello = await t.db.admin().command({ hello: 1 });
    expect(hello.ok).toBe(1);
    expect(hello.isWritablePrimary).toBe(true);
    expect(hello.maxBsonObjectSize).toBe(16 * 1024 * 1024);
    expect(hello.maxMessageSizeBytes).toBeGreaterThanOrEqual(16 * 1024 * 1024);
    expect(hello.maxWriteBatchSize).toBeGreaterThanOrEqual(1000);
    expect(hello.maxWireVersion).toBeGreaterThanOrEqual(9);
    expect(hello.localTime).toBeInstanceOf(Date);
    expect(typeof hello.logicalSessionTimeoutMinutes).toBe('number');
    expect(typeof hello.connectionId).toBe('number');
  });

  test('legacy ismaster answers ismaster: true', async () => {
    const reply = await t.db.admin().command({ ismaster: 1 });
    expect(reply.ismaster).toBe(true);
  });

  test('ping and buildInfo', async () => {
    expect(await t.db.admin().command({ ping: 1 })).toMatchObject({ ok: 1 });
    const info = await t.db.admin().command({ buildInfo: 1 });
    expect(typeof info.version).toBe('string');
    expect(Array.isArray(info.versionArray)).toBe(true);
  });

  test('a second client on the same URL works alongside (handshake per connection)', async () => {
    const other = new MongoClient(t.url, { serverSelectionTimeoutMS: 5000 });
    try {
      await other.connect();
      await other.db(t.dbName).collection('handshake').insertOne({ from: 'other' });
      expect(await t.db.collection('handshake').findOne({ from: 'other' })).toMatchObject({ from: 'other' });
    } finally {
      await other.close();
    }
  });

  test('endSessions is accepted', async () => {
    const session = t.client.startSession();
    await t.db.collection('handshake').findOne({}, { session });
    await session.endSession();
    expect(await t.db.admin().command({ endSessions: [session.id!] })).toMatchObject({ ok: 1 });
  });

  test('listDatabases includes a database once it holds data', async () => {
    await t.db.collection('listed').insertOne({ a: 1 });
    const reply = await t.db.admin().command({ listDatabases: 1, nameOnly: true });
    expect(reply.databases.map((d: { name: string }) => d.name)).toContain(t.dbName);
    const list = await t.client.db().admin().listDatabases();
    expect(list.databases.find((d) => d.name === t.dbName)).toBeDefined();
  });

  test('unknown commands answer CommandNotFound (59)', async () => {
    const error = await expectServerError(t.db.command({ noSuchCommandEver: 1 }), 59);
    expect(error.codeName).toBe('CommandNotFound');
  });

  test('getMore on an unknown cursor answers CursorNotFound (43)', async () => {
    await t.db.collection('cursors').insertOne({ a: 1 });
    await expectServerError(t.db.command({ getMore: Long.fromString('123456789012'), collection: 'cursors' }), 43);
  });

  test('malformed command arguments are errors, not crashes', async () => {
    await expectServerError(t.db.command({ find: 'x', filter: 'not a document' }));
    await expectServerError(t.db.command({ insert: 'x', documents: 'not an array' }));
    await expectServerError(t.db.command({ find: 12 }));
    await expectServerError(failOnWriteErrors(t.db.command({ delete: 'x', deletes: [{ q: {}, limit: 5 }] })));
    await expectServerError(t.db.command({ findAndModify: 'x', query: {}, remove: true, update: { $set: { a: 1 } } }));
    await expectServerError(t.db.command({ aggregate: 'x', pipeline: [] }));
    // the server is still fine afterwards
    expect(await t.db.command({ ping: 1 })).toMatchObject({ ok: 1 });
  });
});
