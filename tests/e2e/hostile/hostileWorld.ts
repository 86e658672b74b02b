import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { createHost, type Host } from '../../../server/host/createHost';
import { startPushPlugin, type IStartedPushPlugin } from '../../../server/push/startPushPlugin';
import { openTestDatabase, type TestDatabase } from '../../support/testDatabase';
import { ADMIN, ApiClient, type Credentials } from '../host/harness';

export interface Member extends Credentials {
  username: string;
  deviceToken: string;
}

/**
 * The host with the push plugin (simulators, self-configured mode) on a fresh database, and a small cast:
 * alice and bob share #general, carol is alone in the private group "secret", each has an iOS device; alice has
 * sent a message in #general and carol one in "secret".
 */
export interface HostileWorld {
  host: Host;
  plugin: IStartedPushPlugin;
  database: TestDatabase;
  api: ApiClient;
  admin: Credentials;
  alice: Member;
  bob: Member;
  carol: Member;
  general: string;
  secret: string;
  aliceMessage: string;
  carolMessage: string;
  /** Document count of every collection of the database. */
  counts(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export async function startHostileWorld(): Promise<HostileWorld> {
  const database = await openTestDatabase();
  const host = await createHost({
    db: database.db,
    logger: pino({ level: 'silent' }),
    settingsRefreshMs: 0,
    env: { ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password },
  });
  const plugin = startPushPlugin({ env: { PUSH_SIMULATOR: '1' }, embeddedDatabase: true, cron: false });
  await host.register(plugin);
  const { url } = await host.listen({ host: '127.0.0.1', port: 0 });
  const api = new ApiClient(url);
  const admin = await api.login(ADMIN.username, ADMIN.password);

  const member = async (username: string): Promise<Member> => {
    const password = `${username}-password`;
    const created = await api.post('users.create', { username, password, name: username, email: `${username}@example.com` }, admin);
    if (created.status !== 200) throw new Error(`users.create ${username}: ${created.status} ${created.text}`);
    const credentials = await api.login(username, password);
    const deviceToken = randomBytes(32).toString('hex');
    const device = await api.post('push.token', { type: 'apn', value: deviceToken, appName: 'chat.rocket.ios' }, credentials);
    if (device.status !== 200) throw new Error(`push.token: ${device.status} ${device.text}`);
    return { ...credentials, username, deviceToken };
  };
  const alice = await member('alice');
  const bob = await member('bob');
  const carol = await member('carol');
  const general = (await api.post('channels.create', { name: 'general', members: ['bob'] }, alice)).body.channel._id as string;
  const secret = (await api.post('groups.create', { name: 'secret' }, carol)).body.group._id as string;
  const aliceMessage = (await api.post('chat.sendMessage', { message: { rid: general, msg: 'hello bob' } }, alice)).body.message._id as string;
  const carolMessage = (await api.post('chat.sendMessage', { message: { rid: secret, msg: 'note to self' } }, carol)).body.message._id as string;
  await host.tasks.idle();

  return {
    host,
    plugin,
    database,
    api,
    admin,
    alice,
    bob,
    carol,
    general,
    secret,
    aliceMessage,
    carolMessage,
    async counts() {
      const counts: Record<string, number> = {};
      for (const { name } of await database.db.listCollections({}, { nameOnly: true }).toArray()) {
        counts[name] = await database.db.collection(name).countDocuments();
      }
      return counts;
    },
    async close() {
      await host.close();
      await database.close();
    },
  };
}
