import { MongoClient } from 'mongodb';
import { startEmbeddedMongo } from '../../../server/embedded-mongo';

/** suspend()/resume(): a database outage on demand (connections dropped, listener closed), then the same port and data. */
test('clients fail while suspended and reconnect by themselves after resume, with the data intact', async () => {
  const server = await startEmbeddedMongo({ port: 0 });
  const client = new MongoClient(server.url, { serverSelectionTimeoutMS: 500, heartbeatFrequencyMS: 500 });
  try {
    await client.connect();
    const coll = client.db('outage').collection('docs');
    await coll.insertMany([{ n: 1 }, { n: 2 }]);
    const cursor = coll.find({}, { batchSize: 1 });
    await cursor.next();

    await server.suspend();
    await expect(coll.countDocuments()).rejects.toThrow();
    await server.suspend(); // idempotent

    await server.resume();
    expect(server.url).toContain(`:${server.port}/`);
    expect(await coll.countDocuments()).toBe(2);
    // Cursors do not survive (as after a restart of the server).
    await expect(cursor.next()).rejects.toThrow();
    await server.resume(); // idempotent
    expect(await coll.countDocuments({ n: 2 })).toBe(1);
  } finally {
    await client.close();
    await server.stop();
  }
});

test('stop() works while suspended', async () => {
  const server = await startEmbeddedMongo({ port: 0 });
  await server.suspend();
  await server.stop();
  await server.resume(); // after stop: nothing happens
});
