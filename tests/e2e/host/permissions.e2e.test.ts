import { startHost, RunningHost, Credentials, collectionCounts } from './harness';

let env: RunningHost;
let alice: Credentials & { username: string };
let bob: Credentials & { username: string };
let mallory: Credentials & { username: string };
let channelId: string;
let groupId: string;
let dmId: string;

beforeAll(async () => {
  env = await startHost();
  alice = await env.createUser('alice');
  bob = await env.createUser('bob');
  mallory = await env.createUser('mallory');
  channelId = (await env.api.post('channels.create', { name: 'team', members: ['bob'] }, alice)).body.channel._id;
  groupId = (await env.api.post('groups.create', { name: 'private', members: ['bob'] }, alice)).body.group._id;
  dmId = (await env.api.post('im.create', { username: 'bob' }, alice)).body.room._id;
});
afterAll(() => env.close());

describe('permissions', () => {
  it('refuses anonymous and forged credentials with 401 in the envelope', async () => {
    const { api } = env;
    for (const auth of [undefined, { userId: alice.userId, authToken: 'forged' }, { userId: bob.userId, authToken: alice.authToken }]) {
      const response = await api.call('GET', 'me', { auth });
      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({ success: false, errorType: 'error-unauthorized' });
    }
  });

  it('a user cannot read or change settings', async () => {
    const before = env.host.settings.get('Push_enable');
    const write = await env.api.post('settings/Push_enable', { value: false }, alice);
    expect(write.status).toBe(403);
    expect(write.body).toMatchObject({ success: false, errorType: 'error-not-allowed' });
    expect((await env.api.get('settings/Push_gateway', undefined, alice)).status).toBe(403);
    expect(env.host.settings.get('Push_enable')).toBe(before);
  });

  it('a user cannot create users nor (de)activate anyone', async () => {
    const counts = await collectionCounts(env.host);
    const create = await env.api.post(
      'users.create',
      { username: 'sneaky', password: 'pw-123456', name: 'S', email: 's@example.com', roles: ['admin'] },
      alice,
    );
    expect(create.status).toBe(403);
    const deactivate = await env.api.post('users.setActiveStatus', { userId: bob.userId, activeStatus: false }, alice);
    expect(deactivate.status).toBe(403);
    expect(await collectionCounts(env.host)).toEqual(counts);
    expect((await env.host.models.users.findOneById(bob.userId))?.active).toBe(true);
  });

  it("a user cannot read another user's data or act as them", async () => {
    const info = await env.api.get('users.info', { userId: bob.userId }, alice);
    expect(info.status).toBe(403);
    expect(info.text).not.toContain('bob@example.com');
    const byName = await env.api.get('users.info', { username: 'bob' }, alice);
    expect(byName.status).toBe(403);
    const prefs = await env.api.post('users.setPreferences', { userId: bob.userId, data: { pushNotifications: 'nothing' } }, alice);
    expect(prefs.status).toBe(403);
    const bobDoc = await env.host.models.users.findOneById(bob.userId);
    expect(bobDoc?.settings?.preferences?.pushNotifications).toBeUndefined();
    // Self is fine, and so is an admin acting for someone.
    expect((await env.api.get('users.info', { userId: alice.userId }, alice)).status).toBe(200);
    const adminPrefs = await env.api.post('users.setPreferences', { userId: bob.userId, data: { alwaysNotifyMobile: true } }, env.admin);
    expect(adminPrefs.body).toMatchObject({ success: true, user: { _id: bob.userId, settings: { preferences: { alwaysNotifyMobile: true } } } });
  });

  it('non-members cannot post, read, or touch room settings', async () => {
    const { api } = env;
    const counts = await collectionCounts(env.host);
    for (const rid of [channelId, groupId, dmId]) {
      const post = await api.post('chat.sendMessage', { message: { rid, msg: 'let me in' } }, mallory);
      expect(post.status).toBe(403);
      expect(post.body).toMatchObject({ success: false, errorType: 'error-not-allowed' });
      expect((await api.post('subscriptions.read', { rid }, mallory)).status).toBe(403);
      expect((await api.get('subscriptions.getOne', { roomId: rid }, mallory)).status).toBe(403);
      expect(
        (await api.post('rooms.saveNotification', { roomId: rid, notifications: { disableNotifications: '1' } }, mallory)).status,
      ).toBe(403);
      expect((await api.get('chat.ignoreUser', { rid, userId: alice.userId }, mallory)).status).toBe(403);
    }
    const missing = await api.post('chat.sendMessage', { message: { rid: 'NoSuchRoom1234567', msg: 'x' } }, mallory);
    expect(missing.status).toBe(404);
    expect(missing.body.errorType).toBe('error-room-not-found');
    expect(await collectionCounts(env.host)).toEqual(counts);
  });

  it("a member cannot read another room's message by id", async () => {
    const secret = await env.api.post('chat.sendMessage', { message: { rid: groupId, msg: 'private plans' } }, alice);
    const peek = await env.api.get('chat.getMessage', { msgId: secret.body.message._id }, mallory);
    expect(peek.status).toBe(404);
    expect(peek.text).not.toContain('private plans');
    // Threads cannot point into another room either.
    await env.api.post('channels.create', { name: 'mallory-room' }, mallory).then(async (created) => {
      const reply = await env.api.post(
        'chat.sendMessage',
        { message: { rid: created.body.channel._id, msg: 'hi', tmid: secret.body.message._id } },
        mallory,
      );
      expect(reply.status).toBe(400);
      expect(reply.body.errorType).toBe('error-invalid-thread');
    });
  });

  it('read-only rooms accept only owners and admins; muted users are refused', async () => {
    const { api } = env;
    const ro = (await api.post('channels.create', { name: 'announcements', members: ['bob', 'admin'], readOnly: true }, alice)).body.channel;
    expect((await api.post('chat.sendMessage', { message: { rid: ro._id, msg: 'owner speaks' } }, alice)).status).toBe(200);
    expect((await api.post('chat.sendMessage', { message: { rid: ro._id, msg: 'admin speaks' } }, env.admin)).status).toBe(200);
    const member = await api.post('chat.sendMessage', { message: { rid: ro._id, msg: 'me too' } }, bob);
    expect(member.status).toBe(403);

    await env.host.models.rooms.col.updateOne({ _id: channelId }, { $set: { muted: ['bob'] } });
    const muted = await api.post('chat.sendMessage', { message: { rid: channelId, msg: 'can I?' } }, bob);
    expect(muted.status).toBe(403);
    expect(await env.host.models.messages.col.countDocuments({ msg: { $in: ['me too', 'can I?'] } })).toBe(0);
  });

  it('deactivating a user ends their sessions; the last admin cannot be deactivated', async () => {
    const { api, admin } = env;
    const carol = await env.createUser('carol');
    const off = await api.post('users.setActiveStatus', { userId: carol.userId, activeStatus: false }, admin);
    expect(off.body).toEqual({ success: true, user: { _id: carol.userId, active: false } });
    expect((await api.get('me', undefined, carol)).status).toBe(401);
    const relogin = await api.post('login', { user: 'carol', password: 'carol-password' });
    expect(relogin.status).toBe(401);
    expect(relogin.body.errorType).toBe('error-user-is-not-activated');

    const self = await api.post('users.setActiveStatus', { userId: admin.userId, activeStatus: false }, admin);
    expect(self.status).toBe(400);
    expect(self.body.errorType).toBe('error-action-not-allowed');
    expect((await api.get('me', undefined, admin)).status).toBe(200);
  });
});
