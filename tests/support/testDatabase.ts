import { randomBytes } from 'node:crypto';
import { MongoClient, type Db } from 'mongodb';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../server/embedded-mongo';

/**
 * A fresh database for one test file (or one test): on the embedded server by default, on a real MongoDB when
 * `MONGO_URL` is set. Each call gets its own uniquely named database and its own MongoClient.
 */
export interface TestDatabase {
  client: MongoClient;
  db: Db;
  url: string;
  dbName: string;
  /** The embedded server (for its test hooks, e.g. `stats()`), or undefined when running on MONGO_URL. */
  embedded?: EmbeddedMongo;
  /** Drops the database, closes the client, and stops the embedded server when its last user leaves. */
  close(): Promise<void>;
}

export interface OpenTestDatabaseOptions {
  /** Extra MongoClient options (e.g. a pool size for concurrency tests). */
  clientOptions?: ConstructorParameters<typeof MongoClient>[1];
}

// One embedded server per jest worker module registry (i.e. per test file), shared by every openTestDatabase call.
let shared: { server: Promise<EmbeddedMongo>; users: number } | undefined;
let counter = 0;

async function acquireEmbedded(): Promise<EmbeddedMongo> {
  if (!shared) {
    shared = { server: startEmbeddedMongo({ port: 0, ttlSweepIntervalMs: 500 }), users: 0 };
  }
  shared.users++;
  return shared.server;
}

async function releaseEmbedded(): Promise<void> {
  if (!shared) return;
  shared.users--;
  if (shared.users > 0) return;
  const { server } = shared;
  shared = undefined;
  await (await server).stop();
}

function uniqueDbName(): string {
  return `test_${process.pid}_${++counter}_${randomBytes(3).toString('hex')}`;
}

export async function openTestDatabase(options: OpenTestDatabaseOptions = {}): Promise<TestDatabase> {
  const external = process.env.MONGO_URL;
  const embedded = external ? undefined : await acquireEmbedded();
  const url = external ?? embedded!.url;
  const dbName = uniqueDbName();
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 5_000, ...options.clientOptions });
  try {
    await client.connect();
  } catch (error) {
    if (embedded) await releaseEmbedded();
    throw error;
  }
  const db = client.db(dbName);
  let closed = false;
  return {
    client,
    db,
    url,
    dbName,
    embedded,
    async close() {
      if (closed) return;
      closed = true;
      try {
        await db.dropDatabase();
      } finally {
        await client.close();
        if (embedded) await releaseEmbedded();
      }
    },
  };
}
