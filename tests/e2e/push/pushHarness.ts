import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { openTestDatabase, type TestDatabase } from '../../support/testDatabase';
import { createHost, type Host } from '../../../server/host/createHost';
import { startPushPlugin, type IStartedPushPlugin } from '../../../server/push/startPushPlugin';
import type { PushSimulators } from '../../../server/simulators';
import type { IPushModule } from '../../../server/push/createPushPlugin';
import { ADMIN, ApiClient, type Credentials } from '../host/harness';

export interface PushWorld {
  host: Host;
  database: TestDatabase;
  api: ApiClient;
  admin: Credentials;
  push: IPushModule;
  sims: PushSimulators;
  plugin: IStartedPushPlugin;
  /** Creates and logs in a user; `device` registers an iOS (apn) or Android (gcm) device for them. */
  user(username: string, devices?: Array<'apn' | 'gcm'>): Promise<TestUser>;
  setting(id: string, value: unknown): Promise<void>;
  close(): Promise<void>;
}

export interface TestUser extends Credentials {
  username: string;
  /** Device token values, in the order registered. */
  devices: Array<{ type: 'apn' | 'gcm'; token: string; id: string }>;
}

export const IOS_APP = 'chat.rocket.ios';
export const ANDROID_APP = 'chat.rocket.android';

/**
 * A chat host with the push plugin as `npm start` registers it (transports from settings, the local simulators and
 * their generated credentials, self-configured mode), on a fresh database, listening on a free port.
 */
export async function startPushWorld(env: Record<string, string> = {}): Promise<PushWorld> {
  const database = await openTestDatabase();
  const logger = pino({ level: 'silent' });
  const host = await createHost({
    db: database.db,
    logger,
    settingsRefreshMs: 0,
    env: { ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password, ...env },
  });
  const plugin = startPushPlugin({ env: { PUSH_SIMULATOR: '1', ...env }, embeddedDatabase: true, cron: false });
  await host.register(plugin);
  const { url } = await host.listen({ host: '127.0.0.1', port: 0 });
  const api = new ApiClient(url);
  const admin = await api.login(ADMIN.username, ADMIN.password);
  const sims = plugin.simulators!;
  return {
    host,
    database,
    api,
    admin,
    push: plugin.module!,
    sims,
    plugin,
    async user(username, devices = ['apn']) {
      const password = `${username}-password`;
      const created = await api.post('users.create', { username, password, name: username, email: `${username}@example.com` }, admin);
      if (created.status !== 200) throw new Error(`users.create ${username}: ${created.status} ${created.text}`);
      const credentials = await api.login(username, password);
      const registered: TestUser['devices'] = [];
      for (const type of devices) {
        const token = type === 'apn' ? randomBytes(32).toString('hex') : `fcm-${username}-${randomBytes(6).toString('hex')}`;
        const response = await api.post('push.token', { type, value: token, appName: type === 'apn' ? IOS_APP : ANDROID_APP }, credentials);
        if (response.status !== 200) throw new Error(`push.token: ${response.status} ${response.text}`);
        registered.push({ type, token, id: response.body.result._id });
      }
      return { ...credentials, username, devices: registered };
    },
    async setting(id, value) {
      const response = await api.post(`settings/${id}`, { value }, admin);
      if (response.status !== 200) throw new Error(`settings/${id}: ${response.status} ${response.text}`);
    },
    async close() {
      await host.close();
      await database.close();
    },
  };
}

/** Waits until `predicate` holds, checking every 20 ms. */
export async function until(predicate: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
