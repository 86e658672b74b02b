import type { ApnsPush } from '../../../server/simulators';
import { startPushWorld, until, type PushWorld, type TestUser } from './pushHarness';

/**
 * The seed's list of "the notification will not be sent if" conditions, one member per condition, driven only
 * through the REST API: who gets a push (it lands in the APNs simulator's inbox) and why each other member does
 * not (push.explain, as an admin would ask).
 */
describe('the notification workflow through the REST API', () => {
  let world: PushWorld;
  let alice: TestUser;
  const members: Record<string, TestUser> = {};
  let rid: string;

  beforeAll(async () => {
    world = await startPushWorld();
    alice = await world.user('alice');
    for (const name of ['bob', 'carol', 'dave', 'erin', 'gina', 'harry', 'ivan', 'judy']) members[name] = await world.user(name);
    members.frank = await world.user('frank', []); // no device
    const channel = await world.api.post('channels.create', { name: 'workflow', members: Object.keys(members) }, alice);
    expect(channel.status).toBe(200);
    rid = channel.body.channel._id;

    const { api } = world;
    // carol is busy (seed: status Busy)
    expect((await api.post('users.setStatus', { status: 'busy' }, members.carol)).status).toBe(200);
    // dave is connected on desktop and has not asked for mobile pushes while online
    expect((await api.post('users.setPresence', { status: 'online' }, members.dave)).status).toBe(200);
    // erin set this room to Nothing
    expect((await api.post('rooms.saveNotification', { roomId: rid, notifications: { mobilePushNotifications: 'nothing' } }, members.erin)).status).toBe(200);
    // gina ignores alice
    expect((await api.get('chat.ignoreUser', { rid, userId: alice.userId, ignore: 'true' }, members.gina)).status).toBe(200);
    // harry disabled this room's notifications
    expect((await api.post('rooms.saveNotification', { roomId: rid, notifications: { disableNotifications: '1' } }, members.harry)).status).toBe(200);
    // ivan is deactivated
    expect((await api.post('users.setActiveStatus', { userId: members.ivan.userId, activeStatus: false }, world.admin)).status).toBe(200);
    // judy's account preference is Nothing (the room follows the account)
    expect((await api.post('users.setPreferences', { data: { pushNotifications: 'nothing' } }, members.judy)).status).toBe(200);
  });

  afterAll(() => world.close());

  async function send(msg: string, from: TestUser = alice, extra: Record<string, unknown> = {}) {
    const response = await world.api.post('chat.sendMessage', { message: { rid, msg, ...extra } }, from);
    expect(response.status).toBe(200);
    return response.body.message._id as string;
  }

  async function explain(mid: string, user: TestUser) {
    const response = await world.api.get('push.explain', { mid, uid: user.userId }, world.admin);
    expect(response.status).toBe(200);
    return response.body;
  }

  it('pushes to the one member nothing stops, and explains every other member with the seed condition that stopped them', async () => {
    world.sims.apns.clear();
    const mid = await send('release is out');
    const bobDevice = members.bob.devices[0].token;
    const [push] = await world.sims.apns.waitFor(1, 5000);
    expect(push.token).toBe(bobDevice);
    expect(push.topic).toBe('chat.rocket.ios');
    expect(alertOf(push)).toEqual({ title: '#workflow', body: 'alice: release is out' });
    expect(JSON.parse(String(push.payload.ejson))).toEqual(expect.objectContaining({ rid, messageId: mid, type: 'c', name: 'workflow' }));

    const expected: Record<string, string> = {
      bob: 'PREFERENCE_ALL',
      carol: 'USER_BUSY',
      dave: 'USER_ONLINE',
      erin: 'PREFERENCE_NOTHING',
      frank: 'NO_MOBILE_DEVICE',
      gina: 'SENDER_IGNORED',
      harry: 'ROOM_NOTIFICATIONS_DISABLED',
      ivan: 'USER_INACTIVE',
      judy: 'PREFERENCE_NOTHING',
    };
    for (const [name, reason] of Object.entries(expected)) {
      const answer = await explain(mid, members[name]);
      expect({ name, reason: answer.reason }).toEqual({ name, reason });
      expect(answer.decision).toBe(name === 'bob' ? 'notify' : 'skip');
    }
    const bob = await explain(mid, members.bob);
    expect(bob.devices).toEqual([expect.objectContaining({ status: 'delivered', platform: 'apn', attempts: 1 })]);
    expect(bob.devices[0].token).not.toContain(bobDevice.slice(0, 20)); // masked
    // the sender is never notified
    expect((await explain(mid, alice)).reason).toBe('SENDER_IS_RECIPIENT');
    // nobody but bob was pushed
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(world.sims.apns.allReceived().map((p) => p.token)).toEqual([bobDevice]);
  });

  it('a personal mention reaches a member whose room preference is Mentions; @all does not reach one who muted group mentions', async () => {
    const { api } = world;
    const bob = members.bob;
    await api.post('rooms.saveNotification', { roomId: rid, notifications: { mobilePushNotifications: 'mentions' } }, bob);
    world.sims.apns.clear();

    const plain = await send('just chatting');
    expect((await explain(plain, bob)).reason).toBe('NOT_MENTIONED');
    const mention = await send('@bob can you look?');
    await world.sims.apns.waitFor(1, 5000);
    expect((await explain(mention, bob)).reason).toBe('MENTIONED');

    await api.post('rooms.saveNotification', { roomId: rid, notifications: { muteGroupMentions: '1' } }, bob);
    const everyone = await send('@all meeting now');
    expect((await explain(everyone, bob)).reason).toBe('GROUP_MENTIONS_MUTED');
    const both = await send('@all and especially @bob');
    expect((await explain(both, bob)).reason).toBe('MENTIONED');
    await until(() => world.sims.apns.inbox(bob.devices[0].token).length === 2, 5000, 'two pushes for bob');

    await api.post('rooms.saveNotification', { roomId: rid, notifications: { mobilePushNotifications: 'default', muteGroupMentions: '0' } }, bob);
  });

  it('a thread reply notifies the thread’s followers, not the whole room', async () => {
    const { api } = world;
    const kate = await world.user('kate');
    const channel = await api.post('channels.create', { name: 'threads', members: ['bob', 'erin', 'kate'] }, alice);
    const threadRid = channel.body.channel._id as string;
    const post = async (msg: string, from: TestUser, tmid?: string) =>
      (await api.post('chat.sendMessage', { message: { rid: threadRid, msg, ...(tmid ? { tmid } : {}) } }, from)).body.message._id as string;
    await api.post('rooms.saveNotification', { roomId: threadRid, notifications: { mobilePushNotifications: 'all' } }, members.erin);

    const root = await post('thread root', members.bob);
    await post('first reply', members.erin, root); // erin follows by replying; bob follows as the author
    const reply = await post('second reply', alice, root);
    expect((await explain(reply, members.bob)).reason).toBe('THREAD_FOLLOWER');
    expect((await explain(reply, members.erin)).reason).toBe('THREAD_FOLLOWER');
    expect((await explain(reply, kate)).reason).toBe('THREAD_NOT_FOLLOWED');
    const secondReply = () => world.sims.apns.allReceived().filter((p) => alertOf(p).body === 'alice: second reply');
    await until(() => secondReply().length === 2, 5000, 'pushes to both followers');
    expect(secondReply().map((p) => p.token).sort()).toEqual(
      [members.bob.devices[0].token, members.erin.devices[0].token].sort(),
    );
    const mentioned = await post('@kate have a look', alice, root);
    expect((await explain(mentioned, kate)).reason).toBe('MENTIONED');
  });

  it('a DM always notifies unless a rule stops it, and busy stops even a DM', async () => {
    const { api } = world;
    const im = await api.post('im.create', { username: 'bob' }, alice);
    expect(im.status).toBe(200);
    const dmRid = im.body.room._id;
    world.sims.apns.clear();
    const dm = await api.post('chat.sendMessage', { message: { rid: dmRid, msg: 'psst' } }, alice);
    const push = await world.sims.apns.waitFor((p) => p.token === members.bob.devices[0].token, 5000);
    expect(alertOf(push)).toEqual({ title: 'alice', body: 'psst' });
    expect((await explain(dm.body.message._id, members.bob)).reason).toBe('DIRECT_MESSAGE');

    const imCarol = await api.post('im.create', { username: 'carol' }, alice);
    const toCarol = await api.post('chat.sendMessage', { message: { rid: imCarol.body.room._id, msg: 'you there?' } }, alice);
    expect((await explain(toCarol.body.message._id, members.carol)).reason).toBe('USER_BUSY');
  });

  it('lets a user explain their own notifications but not other people’s', async () => {
    const mid = await send('who can see this?');
    const own = await world.api.get('push.explain', { mid }, members.carol);
    expect(own.status).toBe(200);
    expect(own.body.reason).toBe('USER_BUSY');
    const other = await world.api.get('push.explain', { mid, uid: members.bob.userId }, members.carol);
    expect(other.status).toBe(403);
    expect(other.body.errorType).toBe('error-not-allowed');
  });
});

function alertOf(push: ApnsPush): { title?: string; body?: string } {
  return (push.payload.aps as { alert: { title?: string; body?: string } }).alert;
}
