import type { IUsersModel } from '../../../definitions/IHost';
import type { AccountsService } from '../../host/accounts/AccountsService';
import { hashLoginToken } from '../../host/accounts/loginTokens';
import type { RoomsService } from '../../host/rooms/RoomsService';
import type { PushTokenService } from '../tokens/PushTokenService';
import { DEMO_APP_NAMES, DEMO_CHANNEL, DEMO_PEOPLE, type IDemoUser, type IDemoWorkspace } from './demoWorkspace';
import { simulatedApnsToken, simulatedFcmToken } from './simulatedDeviceTokens';

export interface IDemoSeedDeps {
  accounts: Pick<AccountsService, 'createUser' | 'login'>;
  rooms: Pick<RoomsService, 'createRoom' | 'createDirect'>;
  users: Pick<IUsersModel, 'findOneById'>;
  tokens: Pick<PushTokenService, 'register'>;
  clock: () => Date;
}

/**
 * Creates the demo people (one shared password), the `#demo` channel with all of them, a direct message between
 * the first two, and their simulated phones. Each phone is registered the way the mobile app does it: by a signed-in
 * session of its owner (so signing that session out removes it, as for a real phone).
 */
export async function seedDemoWorkspace(deps: IDemoSeedDeps, password: string): Promise<IDemoWorkspace> {
  const users: IDemoUser[] = [];
  for (const person of DEMO_PEOPLE) {
    const created = await deps.accounts.createUser({
      username: person.username,
      password,
      name: person.name,
      email: `${person.username}@example.com`,
      verified: true,
    });
    const session = await deps.accounts.login({ user: person.username, password }, '127.0.0.1');
    const devices = [];
    for (const platform of person.devices) {
      const token = platform === 'apn' ? simulatedApnsToken() : simulatedFcmToken();
      const appName = DEMO_APP_NAMES[platform];
      await deps.tokens.register({ userId: created._id, hashedToken: hashLoginToken(session.authToken), type: platform, value: token, appName, now: deps.clock() });
      devices.push({ platform, appName, token });
    }
    users.push({ _id: created._id, username: person.username, devices });
  }

  const [first, second, ...rest] = users;
  const owner = await deps.users.findOneById(first._id);
  if (!owner) throw new Error(`demo user ${first.username} vanished while the demo workspace was created`);
  const channel = await deps.rooms.createRoom('c', owner, { name: DEMO_CHANNEL, members: [second, ...rest].map((u) => u.username) });
  const direct = await deps.rooms.createDirect(owner, second.username);
  return {
    users,
    channel: { rid: channel._id, name: DEMO_CHANNEL },
    direct: { rid: direct._id, usernames: [first.username, second.username] },
  };
}
