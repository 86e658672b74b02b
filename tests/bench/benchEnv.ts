import { MongoClient, type Db } from 'mongodb';
import pino from 'pino';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../server/embedded-mongo';
import { forkEmbeddedDatabase, type ForkedDatabase } from './forkEmbeddedDatabase';
import { createHost, type Host } from '../../server/host/createHost';
import type { IPushModule } from '../../server/push/createPushPlugin';
import { startPushPlugin, type IStartedPushPlugin } from '../../server/push/startPushPlugin';
import type { PushSimulators } from '../../server/simulators';

/**
 * What every scenario runs on: the database (the embedded server in this process, or MONGO_URL), the bundled
 * host and the push plugin exactly as `npm start` wires them, pointed at the local APNs/FCM simulators with
 * generated credentials (real node-apn and firebase-admin transports). The outbox worker is stopped between
 * scenarios; each scenario starts it when it needs delivery.
 */
export interface BenchEnv {
  db: Db;
  /** A separate driver client on the same database, for the raw-driver ceilings. */
  rawDb: Db;
  host: Host;
  push: IPushModule;
  simulators: PushSimulators;
  /** `embedded` or the MONGO_URL host. */
  database: string;
  close(): Promise<void>;
}

/** Where the embedded database runs: in a process of its own (the default, like a real server) or in this one. */
export type EmbeddedPlacement = 'process' | 'in-process';

export async function startBenchEnv(placement: EmbeddedPlacement = 'process'): Promise<BenchEnv> {
  const external = process.env.MONGO_URL;
  let embedded: EmbeddedMongo | ForkedDatabase | undefined;
  if (!external) embedded = placement === 'process' ? await forkEmbeddedDatabase() : await startEmbeddedMongo({ port: 0 });
  const url = external ?? embedded!.url;
  const dbName = `chatpush_bench_${process.pid}`;
  const client = new MongoClient(url);
  const rawClient = new MongoClient(url);
  await Promise.all([client.connect(), rawClient.connect()]);
  const db = client.db(dbName);
  await db.dropDatabase();

  const host = await createHost({
    db,
    logger: pino({ level: 'silent' }),
    settingsRefreshMs: 0,
    env: { ADMIN_USERNAME: 'admin', ADMIN_PASSWORD: 'bench-admin-password' },
  });
  const plugin: IStartedPushPlugin = startPushPlugin({ env: { PUSH_SIMULATOR: '1' }, embeddedDatabase: true, cron: false });
  // Rocket.Chat's default (100) would stop pushes for non-mentioned members of the large rooms the fan-out
  // scenarios measure; a workspace that wants them notified sets no limit.
  await host.settings.set('Notifications_Max_Room_Members', 0);
  await host.register(plugin);
  const push = plugin.module;
  const simulators = plugin.simulators;
  if (!push || !simulators) throw new Error('the push plugin did not start with its simulators');
  await push.worker.stop();

  return {
    db,
    rawDb: rawClient.db(dbName),
    host,
    push,
    simulators,
    database: external ? `MONGO_URL (${new URL(external).host})` : placement === 'process' ? 'embedded (own process)' : 'embedded (in-process)',
    async close() {
      await host.close();
      await db.dropDatabase().catch(() => undefined);
      await Promise.all([client.close(), rawClient.close()]);
      await embedded?.stop();
    },
  };
}

/** Empties the outbox (between runs, untimed) and the simulator inboxes. */
export async function resetDelivery(env: BenchEnv): Promise<void> {
  await env.push.outbox.collection.deleteMany({});
  env.simulators.apns.clear();
  env.simulators.fcm.clear();
}
