import { MongoClient } from 'mongodb';
import { isPushError } from '../../../lib/errors';
import { startEmbeddedMongo } from '../../../server/embedded-mongo';
import { onEmbeddedServer } from './helpers';

/** The in-process API itself (no MONGO_URL involved). */
const describeEmbedded = onEmbeddedServer ? describe : describe.skip;

describeEmbedded('startEmbeddedMongo', () => {
  test('reports its URL and port, and stop() is idempotent', async () => {
    const server = await startEmbeddedMongo();
    expect(server.url).toBe(`mongodb://127.0.0.1:${server.port}/?directConnection=true`);
    const client = new MongoClient(server.url);
    await client.connect();
    expect(await client.db('x').command({ ping: 1 })).toMatchObject({ ok: 1 });
    await client.close();
    await Promise.all([server.stop(), server.stop()]);
    await server.stop();
  });

  test('a port already in use is PUSH_ERR_DB_START_FAILED', async () => {
    const first = await startEmbeddedMongo();
    try {
      const error = await startEmbeddedMongo({ port: first.port }).catch((e) => e);
      expect(isPushError(error, 'PUSH_ERR_DB_START_FAILED')).toBe(true);
      expect(error.message).toMatch(/EADDRINUSE/);
    } finally {
      await first.stop();
    }
  });

  test('sweepExpired() runs the TTL monitor on demand', async () => {
    const server = await startEmbeddedMongo({ ttlSweepIntervalMs: 3_600_000 });
    const client = new MongoClient(server.url);
    try {
      await client.connect();
      const c = client.db('ttl').collection('sessions');
      await c.createIndex({ at: 1 }, { expireAfterSeconds: 60 });
      await c.insertMany([{ at: new Date(Date.now() - 120_000) }, { at: new Date() }]);
      expect(server.sweepExpired()).toBe(1);
      expect(await c.countDocuments()).toBe(1);
      expect(server.sweepExpired(new Date(Date.now() + 61_000))).toBe(1);
      expect(await c.countDocuments()).toBe(0);
    } finally {
      await client.close();
      await server.stop();
    }
  });
});
