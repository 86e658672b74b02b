import { openTestDatabase, TestDatabase } from '../../support/testDatabase';
import { createModels, ensureIndexes, HostModels } from '../../../server/host/models';
import type { IPushToken } from '../../../definitions/IPushToken';
import type { ISubscription } from '../../../definitions/ISubscription';
import type { IUser } from '../../../definitions/IUser';

let database: TestDatabase;
let models: HostModels;

beforeEach(async () => {
  database = await openTestDatabase();
  models = createModels(database.db);
  await ensureIndexes(models);
});
afterEach(() => database.close());

const now = new Date('2030-01-01T00:00:00Z');
const user = (id: string, username: string, extra: Partial<IUser> = {}): IUser => ({
  _id: id,
  username,
  active: true,
  status: 'offline',
  statusConnection: 'offline',
  roles: ['user'],
  createdAt: now,
  _updatedAt: now,
  ...extra,
});
const subscription = (id: string, rid: string, uid: string, unread: number): ISubscription => ({
  _id: id,
  rid,
  u: { _id: uid, username: uid },
  t: 'c',
  name: 'room',
  open: true,
  alert: false,
  unread,
  userMentions: 0,
  groupMentions: 0,
  ts: now,
  _updatedAt: now,
});
const token = (id: string, userId: string, authToken: string, enabled = true): IPushToken => ({
  _id: id,
  token: { apn: `device-${id}` },
  appName: 'chat.rocket.ios',
  userId,
  authToken,
  enabled,
  createdAt: now,
  _updatedAt: now,
});

describe('host models', () => {
  it('use Rocket.Chat collection names and create their declared indexes', async () => {
    expect(Object.values(models).map((m) => m.name).sort()).toEqual(
      ['_raix_push_app_tokens', 'rocketchat_message', 'rocketchat_room', 'rocketchat_settings', 'rocketchat_subscription', 'users'].sort(),
    );
    const keys = async (name: string) => (await database.db.collection(name).indexes()).map((index) => index.key);
    expect(await keys('rocketchat_subscription')).toEqual(
      expect.arrayContaining([{ rid: 1, 'u._id': 1 }, { 'u._id': 1 }, { rid: 1 }]),
    );
    expect(await keys('users')).toEqual(
      expect.arrayContaining([{ username: 1 }, { 'emails.address': 1 }, { 'services.resume.loginTokens.hashedToken': 1 }]),
    );
    expect(await keys('_raix_push_app_tokens')).toEqual(
      expect.arrayContaining([{ userId: 1, authToken: 1 }, { 'token.apn': 1 }, { 'token.gcm': 1 }]),
    );
    // Idempotent: a second start does not fail.
    await expect(ensureIndexes(models)).resolves.toBeUndefined();
  });

  it('enforce one subscription per user and room, and unique usernames', async () => {
    await models.subscriptions.col.insertOne(subscription('s1', 'r1', 'u1', 0));
    await expect(models.subscriptions.col.insertOne(subscription('s2', 'r1', 'u1', 0))).rejects.toMatchObject({ code: 11000 });
    await models.users.col.insertOne(user('u1', 'ann'));
    await expect(models.users.col.insertOne(user('u2', 'ann'))).rejects.toMatchObject({ code: 11000 });
  });

  it('find users by username case-insensitively, never returning services from findByIds', async () => {
    await models.users.col.insertOne(
      user('u1', 'Ann.Lee', { services: { password: { scrypt: 'hash' }, resume: { loginTokens: [{ hashedToken: 'h1', when: now }] } } }),
    );
    expect((await models.users.findOneByUsername('ann.lee'))?._id).toBe('u1');
    expect(await models.users.findOneByUsername('ann.le.')).toBeNull(); // dots are literal
    const [found] = await models.users.findByIds(['u1']);
    expect(found.services).toBeUndefined();
    expect(await models.users.getLoginTokenHashes('u1')).toEqual(['h1']);
  });

  it('count the badge as the sum of unread over the user’s subscriptions', async () => {
    await models.subscriptions.col.insertMany([
      subscription('s1', 'r1', 'u1', 2),
      subscription('s2', 'r2', 'u1', 3),
      subscription('s3', 'r1', 'u2', 7),
    ]);
    expect(await models.subscriptions.getBadgeCount('u1')).toBe(5);
    expect(await models.subscriptions.getBadgeCount('nobody')).toBe(0);
  });

  it('select enabled devices and drop those whose session is gone', async () => {
    await models.pushAppTokens.col.insertMany([
      token('t1', 'u1', 'session-a'),
      token('t2', 'u1', 'session-b'),
      token('t3', 'u1', 'session-c', false),
      token('t4', 'u2', 'session-z'),
    ]);
    expect((await models.pushAppTokens.findEnabledByUserIds(['u1'])).map((t) => t._id).sort()).toEqual(['t1', 't2']);
    expect(await models.pushAppTokens.removeByUserIdExceptAuthTokens('u1', ['session-b'])).toBe(2);
    expect((await models.pushAppTokens.col.find().toArray()).map((t) => t._id).sort()).toEqual(['t2', 't4']);
  });
});
