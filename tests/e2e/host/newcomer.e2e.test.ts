import { startHost, RunningHost } from './harness';

let env: RunningHost;
beforeAll(async () => {
  env = await startHost();
});
afterAll(() => env.close());

describe("a newcomer's first session, over real HTTP", () => {
  it('admin logs in, creates users, a channel, a DM, talks, and reads', async () => {
    const { api, admin } = env;

    const me = await api.get('me', undefined, admin);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ success: true, username: 'admin', roles: expect.arrayContaining(['admin']) });
    expect(me.body.services).toBeUndefined();

    const alice = await env.createUser('alice');
    const bob = await env.createUser('bob');
    const carol = await env.createUser('carol');

    const channel = await api.post('channels.create', { name: 'general', members: ['alice', 'bob', 'carol'] }, alice);
    expect(channel.status).toBe(200);
    expect(channel.body).toMatchObject({ success: true, channel: { t: 'c', name: 'general', usersCount: 3 } });
    const rid = channel.body.channel._id as string;
    expect(rid).toMatch(/^[23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz]{17}$/);

    const dm = await api.post('im.create', { username: 'bob' }, alice);
    expect(dm.status).toBe(200);
    expect(dm.body.room).toMatchObject({ t: 'd', rid: dm.body.room._id, usernames: expect.arrayContaining(['alice', 'bob']) });
    const again = await api.post('im.create', { username: 'alice' }, bob);
    expect(again.body.room._id).toBe(dm.body.room._id);

    // A message mentioning bob, one to @all, and a thread reply from carol.
    const hello = await api.post('chat.sendMessage', { message: { rid, msg: 'hello @bob and @nobody' } }, alice);
    expect(hello.status).toBe(200);
    expect(hello.body.message).toMatchObject({ rid, msg: 'hello @bob and @nobody', u: { _id: alice.userId, username: 'alice' } });
    expect(hello.body.message.mentions).toEqual([{ _id: bob.userId, username: 'bob', name: 'Bob', type: 'user' }]);
    expect(typeof hello.body.message.ts).toBe('string');

    const all = await api.post('chat.sendMessage', { message: { rid, msg: 'meeting @all' } }, alice);
    expect(all.body.message.mentions).toEqual([{ _id: 'all', username: 'all' }]);

    const reply = await api.post('chat.sendMessage', { message: { rid, msg: 'on it', tmid: hello.body.message._id } }, carol);
    expect(reply.status).toBe(200);
    expect(reply.body.message.tmid).toBe(hello.body.message._id);

    const parent = await api.get('chat.getMessage', { msgId: hello.body.message._id }, bob);
    expect(parent.body.message).toMatchObject({ tcount: 1 });
    expect(parent.body.message.replies.sort()).toEqual([alice.userId, carol.userId].sort());
    expect(parent.body.message.tlm).toBe(reply.body.message.ts);

    const sub = async (who: typeof alice) => (await api.get('subscriptions.getOne', { roomId: rid }, who)).body.subscription;
    // bob: two room messages, one personal mention, one group mention; thread-only reply does not count.
    expect(await sub(bob)).toMatchObject({ unread: 2, userMentions: 1, groupMentions: 1, alert: true, open: true });
    // alice (sender of both room messages) sees only carol's thread reply, as a thread she follows.
    expect(await sub(alice)).toMatchObject({ unread: 0, userMentions: 0, groupMentions: 0, tunread: [hello.body.message._id] });
    expect(await sub(carol)).toMatchObject({ unread: 2, userMentions: 0, groupMentions: 1 });
    const adminSub = await api.get('subscriptions.getOne', { roomId: rid }, admin);
    expect(adminSub.status).toBe(403); // admin is not a member

    // DM counters
    await api.post('chat.sendMessage', { message: { rid: dm.body.room._id, msg: 'psst' } }, alice);
    expect((await api.get('subscriptions.getOne', { roomId: dm.body.room._id }, bob)).body.subscription).toMatchObject({
      unread: 1,
      t: 'd',
      name: 'alice',
    });

    // Reading resets the counters and records when.
    const read = await api.post('subscriptions.read', { rid }, bob);
    expect(read.body).toEqual({ success: true });
    const afterRead = await sub(bob);
    expect(afterRead).toMatchObject({ unread: 0, userMentions: 0, groupMentions: 0, alert: false });
    expect(new Date(afterRead.ls).getTime()).toBeGreaterThanOrEqual(new Date(reply.body.message.ts).getTime());
    await api.post('subscriptions.read', { rid, readThreads: true }, alice);
    expect((await sub(alice)).tunread).toBeUndefined();

    // Preferences cascade to subscriptions; a room override wins and 'default' restores the copy.
    await api.post('users.setPreferences', { data: { pushNotifications: 'mentions', highlights: ['deploy'] } }, bob);
    expect(await sub(bob)).toMatchObject({ mobilePushNotifications: 'mentions', mobilePrefOrigin: 'user', userHighlights: ['deploy'] });
    await api.post('rooms.saveNotification', { roomId: rid, notifications: { mobilePushNotifications: 'nothing', muteGroupMentions: '1' } }, bob);
    expect(await sub(bob)).toMatchObject({ mobilePushNotifications: 'nothing', mobilePrefOrigin: 'subscription', muteGroupMentions: true });
    await api.post('users.setPreferences', { data: { pushNotifications: 'all' } }, bob);
    expect(await sub(bob)).toMatchObject({ mobilePushNotifications: 'nothing', mobilePrefOrigin: 'subscription' });
    await api.post('rooms.saveNotification', { roomId: rid, notifications: { mobilePushNotifications: 'default', muteGroupMentions: '0' } }, bob);
    const restored = await sub(bob);
    expect(restored).toMatchObject({ mobilePushNotifications: 'all', mobilePrefOrigin: 'user' });
    expect(restored.muteGroupMentions).toBeUndefined();

    // Ignoring, status, presence
    expect((await api.get('chat.ignoreUser', { rid, userId: alice.userId, ignore: 'true' }, bob)).body).toEqual({ success: true });
    expect((await sub(bob)).ignored).toEqual([alice.userId]);
    await api.get('chat.ignoreUser', { rid, userId: alice.userId, ignore: 'false' }, bob);
    expect((await sub(bob)).ignored).toEqual([]);
    await api.post('users.setStatus', { status: 'busy', message: 'focus' }, bob);
    await api.post('users.setPresence', { status: 'online' }, bob);
    expect((await api.get('users.info', { userId: bob.userId }, bob)).body.user).toMatchObject({
      status: 'busy',
      statusText: 'focus',
      statusConnection: 'online',
    });

    // A private group and logout
    const group = await api.post('groups.create', { name: 'secret-room', members: ['bob'] }, alice);
    expect(group.body).toMatchObject({ success: true, group: { t: 'p', name: 'secret-room', usersCount: 2 } });
    const logout = await api.post('logout', undefined, bob);
    expect(logout.body).toMatchObject({ status: 'success' });
    expect((await api.get('me', undefined, bob)).status).toBe(401);
  });
});
