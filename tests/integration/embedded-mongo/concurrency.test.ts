import { MongoClient, type Document } from 'mongodb';
import { openTestDatabase, type TestDatabase } from '../../support/testDatabase';

let t: TestDatabase;
const extraClients: MongoClient[] = [];
beforeAll(async () => {
  t = await openTestDatabase();
  for (let i = 0; i < 2; i++) {
    const client = new MongoClient(t.url, { maxPoolSize: 8, serverSelectionTimeoutMS: 5000 });
    await client.connect();
    extraClients.push(client);
  }
});
afterAll(async () => {
  await Promise.all(extraClients.map((c) => c.close()));
  await t.close();
});

describe('atomicity under concurrent clients', () => {
  test('racing findOneAndUpdate claims: every one of 200 documents is claimed exactly once', async () => {
    const docs: Document[] = Array.from({ length: 200 }, (_, i) => ({ _id: i, state: 'queued' }));
    await t.db.collection('jobs').insertMany(docs);
    const clients = [t.client, ...extraClients];
    const claims: Array<{ id: number; by: string }> = [];

    // 3 clients x 6 concurrent workers, each claiming until nothing is left.
    const workers = clients.flatMap((client, c) =>
      Array.from({ length: 6 }, async (_, w) => {
        const jobs = client.db(t.dbName).collection('jobs');
        const by = `c${c}w${w}`;
        for (;;) {
          const claimed = await jobs.findOneAndUpdate({ state: 'queued' }, { $set: { state: 'claimed', by } }, { returnDocument: 'after' });
          if (!claimed) return;
          expect(claimed.by).toBe(by);
          claims.push({ id: claimed._id as unknown as number, by });
        }
      }),
    );
    await Promise.all(workers);

    expect(claims).toHaveLength(200);
    expect(new Set(claims.map((c) => c.id)).size).toBe(200);
    const stored = await t.db.collection('jobs').find({}).toArray();
    expect(stored.every((d) => d.state === 'claimed')).toBe(true);
    const byId = new Map(claims.map((c) => [c.id, c.by]));
    for (const d of stored) expect(d.by).toBe(byId.get(d._id as unknown as number));
  });

  test('concurrent $inc from several clients loses no increment', async () => {
    await t.db.collection('counter').insertOne({ _id: 'c' as never, n: 0 });
    const clients = [t.client, ...extraClients];
    await Promise.all(
      clients.flatMap((client) =>
        Array.from({ length: 50 }, () => client.db(t.dbName).collection('counter').updateOne({ _id: 'c' as never }, { $inc: { n: 1 } })),
      ),
    );
    expect(await t.db.collection('counter').findOne({ _id: 'c' as never })).toEqual({ _id: 'c', n: 150 });
  });

  test('concurrent upserts on a unique key create one document', async () => {
    const coll = t.db.collection('upsert_race');
    await coll.createIndex({ key: 1 }, { unique: true });
    const clients = [t.client, ...extraClients];
    const results = await Promise.allSettled(
      clients.flatMap((client) =>
        Array.from({ length: 10 }, () => client.db(t.dbName).collection('upsert_race').updateOne({ key: 'k' }, { $inc: { hits: 1 } }, { upsert: true })),
      ),
    );
    // A real server may report a rare duplicate-key on racing upserts; every fulfilled one counted once.
    const fulfilled = results.filter((r) => r.status === 'fulfilled').length;
    expect(await coll.countDocuments({ key: 'k' })).toBe(1);
    expect((await coll.findOne({ key: 'k' }))!.hits).toBe(fulfilled);
  });
});
