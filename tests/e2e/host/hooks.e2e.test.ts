import { startHost, RunningHost, Credentials } from './harness';
import type { IMessage } from '../../../definitions/IMessage';
import type { IRoom } from '../../../definitions/IRoom';
import type { IUser } from '../../../definitions/IUser';

function deferred() {
  let release!: () => void;
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}

let env: RunningHost;
let alice: Credentials;
let bob: Credentials;
let rid: string;

beforeEach(async () => {
  env = await startHost();
  alice = await env.createUser('alice');
  bob = await env.createUser('bob');
  rid = (await env.api.post('channels.create', { name: 'general', members: ['bob'] }, alice)).body.channel._id;
});
afterEach(() => env.close());

describe('afterSaveMessage handlers cannot hurt chat.sendMessage', () => {
  it('a throwing and a rejecting handler do not fail the response, and later handlers still run', async () => {
    const ran: string[] = [];
    const { callbacks } = env.host;
    callbacks.add('afterSaveMessage', () => {
      throw new Error('sync failure');
    }, callbacks.priority.HIGH, 'thrower');
    callbacks.add('afterSaveMessage', async () => {
      await Promise.resolve();
      throw new Error('async failure');
    }, callbacks.priority.MEDIUM, 'rejecter');
    callbacks.add('afterSaveMessage', (message) => void ran.push(message.msg), callbacks.priority.LOW, 'survivor');

    const response = await env.api.post('chat.sendMessage', { message: { rid, msg: 'still fine' } }, alice);
    expect(response.status).toBe(200);
    expect(response.body.success).toBe(true);
    await env.host.tasks.idle();
    expect(ran).toEqual(['still fine']);
    expect(await env.host.models.messages.col.countDocuments({ msg: 'still fine' })).toBe(1);
  });

  it('the response arrives while a slow handler is still pending', async () => {
    const gate = deferred();
    const events: string[] = [];
    env.host.callbacks.add('afterSaveMessage', async () => {
      events.push('handler started');
      await gate.promise;
      events.push('handler finished');
    }, 0, 'slow');

    const response = await env.api.post('chat.sendMessage', { message: { rid, msg: 'fast answer' } }, alice);
    events.push('response received');
    expect(response.status).toBe(200);
    expect(events).toEqual(['handler started', 'response received']);
    expect(env.host.tasks.pending).toBe(1);

    gate.release();
    await env.host.tasks.idle();
    expect(events).toEqual(['handler started', 'response received', 'handler finished']);
  });

  it('handlers get the saved message and room, after the counters were updated', async () => {
    const seen: Array<{ message: IMessage; room: IRoom; bobUnread: number; badge: number }> = [];
    env.host.callbacks.add('afterSaveMessage', async (message, room) => {
      const sub = await env.host.models.subscriptions.findOneByRoomIdAndUserId(room._id, bob.userId);
      seen.push({ message, room, bobUnread: sub!.unread, badge: await env.host.models.subscriptions.getBadgeCount(bob.userId) });
    }, env.host.callbacks.priority.LOW, 'observer');
    const response = await env.api.post('chat.sendMessage', { message: { rid, msg: 'hi @bob' } }, alice);
    await env.host.tasks.idle();
    expect(seen).toHaveLength(1);
    expect(seen[0].message).toMatchObject({ _id: response.body.message._id, rid, msg: 'hi @bob', mentions: [{ _id: bob.userId }] });
    expect(seen[0].message.ts).toBeInstanceOf(Date);
    expect(seen[0].room).toMatchObject({ _id: rid, t: 'c', name: 'general', usersCount: 2 });
    expect(seen[0].bobUnread).toBe(1);
    expect(seen[0].badge).toBe(1);
  });

  it('host.close() waits for pending handlers', async () => {
    const gate = deferred();
    let finished = false;
    env.host.callbacks.add('afterSaveMessage', async () => {
      await gate.promise;
      finished = true;
    }, 0, 'slow');
    await env.api.post('chat.sendMessage', { message: { rid, msg: 'x' } }, alice);
    let closed = false;
    const closing = env.host.close().then(() => (closed = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(false);
    gate.release();
    await closing;
    expect(finished).toBe(true);
  });
});

describe('the other host hooks', () => {
  it('afterReadMessages runs (awaited) when a room is read', async () => {
    const events: string[] = [];
    env.host.callbacks.add('afterReadMessages', async (roomId, uid) => {
      await Promise.resolve();
      events.push(`read ${roomId} by ${uid}`);
    }, 0, 'cancel-delayed');
    await env.api.post('subscriptions.read', { rid }, bob);
    events.push('response received');
    expect(events).toEqual([`read ${rid} by ${bob.userId}`, 'response received']);
  });

  it('afterLoginTokensChanged gets the sessions that remain after logout and deactivation', async () => {
    const calls: Array<[string, string[]]> = [];
    env.host.callbacks.add('afterLoginTokensChanged', (uid, tokens) => void calls.push([uid, tokens]), 0, 'devices');
    const second = await env.api.login('bob', 'bob-password');
    const before = await env.host.models.users.getLoginTokenHashes(bob.userId);
    expect(before).toHaveLength(2);
    await env.api.post('logout', undefined, bob);
    expect(calls).toHaveLength(1);
    expect(calls[0][0]).toBe(bob.userId);
    expect(calls[0][1]).toHaveLength(1);
    expect(before).toContain(calls[0][1][0]);
    expect((await env.api.get('me', undefined, second)).status).toBe(200);

    await env.api.post('users.setActiveStatus', { userId: bob.userId, activeStatus: false }, env.admin);
    expect(calls[1]).toEqual([bob.userId, []]);
  });

  it('afterUserStatusChanged gets the updated user, without services', async () => {
    const users: IUser[] = [];
    env.host.callbacks.add('afterUserStatusChanged', (user) => void users.push(user), 0, 'presence');
    await env.api.post('users.setStatus', { status: 'busy' }, bob);
    await env.api.post('users.setPresence', { status: 'online' }, bob);
    expect(users.map((u) => [u._id, u.status, u.statusConnection])).toEqual([
      [bob.userId, 'busy', 'offline'],
      [bob.userId, 'busy', 'online'],
    ]);
    expect(users.every((u) => u.services === undefined)).toBe(true);
  });
});
