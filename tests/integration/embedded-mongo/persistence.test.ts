import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Decimal128, MongoClient, ObjectId } from 'mongodb';
import { startEmbeddedMongo } from '../../../server/embedded-mongo';
import { expectServerError, onEmbeddedServer } from './helpers';

/** dbPath snapshots are a feature of the embedded server only. */
const describeEmbedded = onEmbeddedServer ? describe : describe.skip;

async function withServer<T>(dbPath: string, fn: (client: MongoClient) => Promise<T>): Promise<T> {
  const server = await startEmbeddedMongo({ port: 0, dbPath });
  const client = new MongoClient(server.url, { serverSelectionTimeoutMS: 5000 });
  try {
    await client.connect();
    return await fn(client);
  } finally {
    await client.close();
    await server.stop();
  }
}

describeEmbedded('dbPath snapshots', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedded-mongo-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('documents, types and indexes survive a restart; dropped collections stay dropped', async () => {
    const id = new ObjectId();
    await withServer(dir, async (client) => {
      const c = client.db('app').collection('tokens');
      await c.createIndex({ token: 1 }, { unique: true });
      await c.createIndex({ createdAt: 1 }, { expireAfterSeconds: 3600 });
      await c.insertOne({ _id: id, token: 'a', createdAt: new Date('2030-01-01T00:00:00Z'), price: Decimal128.fromString('1.10') });
      await client.db('app').collection('temp').insertOne({ x: 1 });
      await client.db('other').collection('c').insertOne({ y: 2 });
    });
    await withServer(dir, async (client) => {
      const c = client.db('app').collection('tokens');
      expect(await c.findOne({ _id: id })).toEqual({ _id: id, token: 'a', createdAt: new Date('2030-01-01T00:00:00Z'), price: Decimal128.fromString('1.10') });
      expect((await c.indexes()).map((i) => i.name)).toEqual(['_id_', 'token_1', 'createdAt_1']);
      await expectServerError(c.insertOne({ token: 'a' }), 11000);
      expect(await client.db('other').collection('c').countDocuments()).toBe(1);
      await client.db('app').collection('temp').drop();
      await client.db('other').dropDatabase();
    });
    await withServer(dir, async (client) => {
      expect((await client.db('app').listCollections().toArray()).map((c) => c.name)).toEqual(['tokens']);
      expect(await client.db('other').listCollections().toArray()).toEqual([]);
    });
  });
});
