import { openTestDatabase, type TestDatabase } from '../../support/testDatabase';
import { expectServerError } from './helpers';

let t: TestDatabase;
beforeAll(async () => {
  t = await openTestDatabase();
});
afterAll(() => t.close());

describe('collections and databases', () => {
  test('create, then create again is NamespaceExists (48)', async () => {
    await t.db.createCollection('made');
    await expectServerError(t.db.createCollection('made'), 48);
  });

  test('listCollections with filter and nameOnly', async () => {
    await t.db.collection('alpha').insertOne({ a: 1 });
    await t.db.collection('beta').insertOne({ b: 1 });
    const all = await t.db.listCollections().toArray();
    expect(all.map((c) => c.name).sort()).toEqual(expect.arrayContaining(['alpha', 'beta', 'made']));
    const alpha = all.find((c) => c.name === 'alpha')!;
    expect(alpha).toMatchObject({ name: 'alpha', type: 'collection', options: {} });
    const filtered = await t.db.listCollections({ name: 'beta' }).toArray();
    expect(filtered.map((c) => c.name)).toEqual(['beta']);
    const names = await t.db.listCollections({ name: { $in: ['alpha', 'made'] } }, { nameOnly: true }).toArray();
    expect(names.map((c) => c.name).sort()).toEqual(['alpha', 'made']);
    expect(names[0]).not.toHaveProperty('options');
    expect(await t.db.listCollections({ name: 'missing' }).toArray()).toEqual([]);
  });

  test('drop removes documents and indexes; dropping a missing collection does not throw', async () => {
    const c = t.db.collection('to_drop');
    await c.insertOne({ x: 1 });
    await c.createIndex({ x: 1 }, { unique: true });
    expect(await c.drop()).toBe(true);
    expect(await c.countDocuments()).toBe(0);
    await c.insertOne({ x: 1 });
    await c.insertOne({ x: 1 }); // the unique index went with the collection
    await expect(t.db.collection('never_existed').drop()).resolves.toBeDefined();
  });

  test('renameCollection keeps documents and indexes', async () => {
    const c = t.db.collection('old_name');
    await c.insertMany([{ k: 1 }, { k: 2 }]);
    await c.createIndex({ k: 1 }, { unique: true });
    await c.rename('new_name');
    const renamed = t.db.collection('new_name');
    expect(await renamed.countDocuments()).toBe(2);
    expect((await renamed.indexes()).map((i) => i.name)).toEqual(['_id_', 'k_1']);
    expect((await t.db.listCollections({ name: 'old_name' }).toArray()).length).toBe(0);
  });

  test('dropDatabase removes every collection of the database', async () => {
    const other = t.client.db(`${t.dbName}_x`);
    await other.collection('a').insertOne({ a: 1 });
    expect(await other.dropDatabase()).toBe(true);
    expect(await other.listCollections().toArray()).toEqual([]);
    const dbs = await t.client.db().admin().listDatabases({ nameOnly: true });
    expect(dbs.databases.map((d) => d.name)).not.toContain(`${t.dbName}_x`);
  });

  test('invalid collection names are refused', async () => {
    await expectServerError(t.db.command({ insert: 'bad$name', documents: [{ a: 1 }] }));
    await expectServerError(t.db.command({ insert: '', documents: [{ a: 1 }] }));
  });

  test('transactions are not silently ignored on a standalone server', async () => {
    // Skip the assertion on a replica-set MONGO_URL: there transactions work.
    const hello = await t.db.admin().command({ hello: 1 });
    if (hello.setName) return;
    const session = t.client.startSession();
    try {
      session.startTransaction();
      await expect(t.db.collection('txn').insertOne({ a: 1 }, { session })).rejects.toThrow();
    } finally {
      await session.abortTransaction().catch(() => undefined);
      await session.endSession();
    }
    expect(await t.db.collection('txn').countDocuments()).toBe(0);
  });
});
