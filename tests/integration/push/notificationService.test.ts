import { MongoClient, type CommandStartedEvent } from 'mongodb';
import { openTestDatabase, type TestDatabase } from '../../support/testDatabase';
import { Callbacks } from '../../../server/host/callbacks/Callbacks';
import { OutboxModel } from '../../../server/push/outbox/OutboxModel';
import { DecisionLogModel } from '../../../server/push/notifications/DecisionLogModel';
import { MongoRecipientSource } from '../../../server/push/notifications/MongoRecipientSource';
import { FAN_OUT_BATCH, NotificationService } from '../../../server/push/notifications/NotificationService';
import { PushExplainer } from '../../../server/push/notifications/PushExplainer';
import { defaultFilters } from '../../../lib/filters/defaultFilters';
import { orderFilters } from '../../../lib/filters/evaluateFilters';
import type { IPushSettings } from '../../../definitions/IPushSettings';
import type { IUser } from '../../../definitions/IUser';
import type { ISubscription } from '../../../definitions/ISubscription';
import type { IPushToken } from '../../../definitions/IPushToken';
import type { IRoom } from '../../../definitions/IRoom';
import type { IMessage } from '../../../definitions/IMessage';
import { aMessage, aRoom, aSettings, aSubscription, aToken, aUser, NOW, SENDER } from '../../unit/filters/fixtures';

describe('NotificationService: load → decide → build → enqueue', () => {
  let tdb: TestDatabase;
  let outbox: OutboxModel;
  let decisions: DecisionLogModel;
  let callbacks: Callbacks;
  let settings: IPushSettings;
  let wakes: number;
  let service: NotificationService;
  let explainer: PushExplainer;
  const room = aRoom({ _id: 'room-1', usersCount: 6 });

  beforeEach(async () => {
    tdb = await openTestDatabase();
    outbox = new OutboxModel(tdb.db);
    decisions = new DecisionLogModel(tdb.db);
    callbacks = new Callbacks({ error() {} });
    settings = aSettings();
    wakes = 0;
    const source = new MongoRecipientSource(tdb.db);
    const filters = () => orderFilters(defaultFilters);
    service = new NotificationService({
      source, outbox, decisions, callbacks, settings: () => settings, filters, wake: () => wakes++, clock: () => NOW,
    });
    explainer = new PushExplainer({ source, outbox, decisions, settings: () => settings, filters, clock: () => NOW });
  });

  afterEach(() => tdb.close());

  async function member(user: IUser, subscription: Parameters<typeof aSubscription>[0] = {}, tokens = 1): Promise<void> {
    await tdb.db.collection<IUser>('users').insertOne(user);
    await tdb.db.collection<ISubscription>('rocketchat_subscription').insertOne(
      aSubscription({ _id: `sub-${user._id}`, rid: room._id, u: { _id: user._id, username: user.username }, unread: 2, ...subscription }),
    );
    for (let i = 0; i < tokens; i++) {
      await tdb.db.collection<IPushToken>('_raix_push_app_tokens').insertOne(
        aToken({ _id: `tok-${user._id}-${i}`, userId: user._id, token: i % 2 ? { gcm: `gcm-${user._id}` } : { apn: `apn-${user._id}` } }),
      );
    }
  }

  async function seedRoom(): Promise<void> {
    await tdb.db.collection<IRoom>('rocketchat_room').insertOne(room);
    await member(aUser({ _id: SENDER._id, username: SENDER.username }));
    await member(aUser({ _id: 'bob', username: 'bob' }), {}, 2); // offline, two devices: notified
    await member(aUser({ _id: 'carol', username: 'carol', status: 'busy' })); // busy
    await member(aUser({ _id: 'dave', username: 'dave', statusConnection: 'online', status: 'online' })); // online
    await member(aUser({ _id: 'erin', username: 'erin' }), { mobilePushNotifications: 'nothing', mobilePrefOrigin: 'subscription' });
    await member(aUser({ _id: 'frank', username: 'frank' }), {}, 0); // no device
    await member(aUser({ _id: 'gina', username: 'gina' }), { disableNotifications: true });
  }

  /** A room of `size` members (`<rid>-u<i>`), each with one APNs device; `user(i)` adjusts a member. */
  async function seedMembers(rid: string, size: number, user: (i: number) => Partial<IUser> = () => ({})): Promise<IUser[]> {
    const users = Array.from({ length: size }, (_, i) => aUser({ _id: `${rid}-u${i}`, username: `${rid}-u${i}`, ...user(i) }));
    await tdb.db.collection<IUser>('users').insertMany(users);
    await tdb.db.collection<ISubscription>('rocketchat_subscription').insertMany(
      users.map((u) => aSubscription({ _id: `${rid}-s-${u._id}`, rid, u: { _id: u._id, username: u.username }, unread: 1 })),
    );
    await tdb.db.collection<IPushToken>('_raix_push_app_tokens').insertMany(
      users.map((u) => aToken({ _id: `${rid}-t-${u._id}`, userId: u._id, token: { apn: `apn-${u._id}` } })),
    );
    return users;
  }

  it('queues one entry per device of each notified member and records why the others were skipped', async () => {
    await seedRoom();
    // bob's other rooms: 3 unread in one, none in another — the badge counts every room
    await tdb.db.collection<ISubscription>('rocketchat_subscription').insertMany([
      aSubscription({ _id: 'bob-elsewhere-1', rid: 'room-2', u: { _id: 'bob', username: 'bob' }, unread: 3 }),
      aSubscription({ _id: 'bob-elsewhere-2', rid: 'room-3', u: { _id: 'bob', username: 'bob' }, unread: 0 }),
    ]);
    const message = aMessage({ _id: 'm1', rid: room._id });
    await tdb.db.collection<IMessage>('rocketchat_message').insertOne(message);
    const result = await service.notifyMessage(message, room);

    expect(result).toEqual(expect.objectContaining({ notified: 1, enqueued: 2, delayed: 0 }));
    expect(result.skipReasons).toEqual({ USER_BUSY: 1, USER_ONLINE: 1, PREFERENCE_NOTHING: 1, NO_MOBILE_DEVICE: 1 });
    expect(wakes).toBe(1);
    const entries = await outbox.collection.find({}, { sort: { _id: 1 } }).toArray();
    expect(entries.map((e) => [e._id, e.platform, e.token])).toEqual([
      ['m1:bob:tok-bob-0', 'apn', 'apn-bob'],
      ['m1:bob:tok-bob-1', 'gcm', 'gcm-bob'],
    ]);
    expect(entries[0].notification).toEqual(expect.objectContaining({ title: '#general', body: 'alice: hello world', badge: 5 }));
    expect(entries[0].apnsId).not.toBe(entries[1].apnsId);
    expect(entries[0].collapseId).toBe(entries[1].collapseId); // one message, one notification on every device

    // enqueueing the same message again (a retried hook) creates nothing new
    expect((await service.notifyMessage(message, room)).enqueued).toBe(0);
    expect(await outbox.collection.countDocuments()).toBe(2);
  });

  it('explains each member: the re-run trace, what was recorded, and each device', async () => {
    await seedRoom();
    const message = aMessage({ _id: 'm2', rid: room._id });
    await tdb.db.collection<IMessage>('rocketchat_message').insertOne(message);
    await service.notifyMessage(message, room);

    const bob = await explainer.explain('m2', 'bob');
    expect(bob).toEqual(expect.objectContaining({ decision: 'notify', reason: 'PREFERENCE_ALL' }));
    expect(bob.recorded).toEqual(expect.objectContaining({ decision: 'notify', reason: 'PREFERENCE_ALL' }));
    expect(bob.devices.map((d) => [d.tokenId, d.status, d.token])).toEqual([
      ['tok-bob-0', 'queued', '…pn-bob'],
      ['tok-bob-1', 'queued', '…cm-bob'],
    ]);

    const carol = await explainer.explain('m2', 'carol');
    expect(carol).toEqual(expect.objectContaining({ decision: 'skip', reason: 'USER_BUSY' }));
    expect(carol.trace.at(-1)).toEqual(expect.objectContaining({ filter: 'userInactiveOrBusy', result: 'skip', reason: 'USER_BUSY' }));
    expect(carol.devices).toEqual([expect.objectContaining({ status: 'not-queued' })]);

    // gina's subscription is narrowed out of the fan-out query, but explain still says why
    const gina = await explainer.explain('m2', 'gina');
    expect(gina).toEqual(expect.objectContaining({ decision: 'skip', reason: 'ROOM_NOTIFICATIONS_DISABLED', recorded: null }));

    await expect(explainer.explain('nope', 'bob')).rejects.toMatchObject({ code: 'PUSH_ERR_NOT_FOUND' });
  });

  it('delays pushes for online members under the delay strategy', async () => {
    settings = aSettings({ Push_online_strategy: 'delay', Push_online_delay_seconds: 90 });
    await seedRoom();
    const message = aMessage({ _id: 'm3', rid: room._id });
    const result = await service.notifyMessage(message, room);
    expect(result.delayed).toBe(1);
    const dave = await outbox.collection.findOne({ uid: 'dave' });
    expect(dave?.cancelOnRead).toBe(true);
    expect(dave?.nextAttemptAt).toEqual(new Date(NOW.getTime() + 90_000));
  });

  it('lets beforePushSend rewrite or veto a push, and onPushSkipped observe skips', async () => {
    await seedRoom();
    const skipped: string[] = [];
    callbacks.add('beforePushSend', (n) => ({ ...n, body: n.body.toUpperCase() }), callbacks.priority.MEDIUM, 'shout');
    callbacks.add('onPushSkipped', (d, ctx) => void skipped.push(`${ctx.userId}:${d.reason}`), callbacks.priority.MEDIUM, 'log');
    const message = aMessage({ _id: 'm4', rid: room._id });
    await service.notifyMessage(message, room);
    expect((await outbox.collection.findOne({ uid: 'bob' }))?.notification.body).toBe('ALICE: HELLO WORLD');
    expect(skipped.sort()).toEqual(['carol:USER_BUSY', 'dave:USER_ONLINE', 'erin:PREFERENCE_NOTHING', 'frank:NO_MOBILE_DEVICE']);

    callbacks.add('beforePushSend', () => false, callbacks.priority.LOW, 'veto');
    const vetoed = await service.notifyMessage(aMessage({ _id: 'm5', rid: room._id }), room);
    expect(vetoed).toEqual(expect.objectContaining({ notified: 0, enqueued: 0, skipReasons: expect.objectContaining({ VETOED_BY_HOOK: 1 }) }));
  });

  it('decides a room larger than a batch member by member: every batch decided, badged, queued and logged', async () => {
    const size = FAN_OUT_BATCH * 2 + 500;
    const rid = 'big';
    const users = await seedMembers(rid, size, (i) => (i % 10 === 3 ? { status: 'busy' } : {}));
    // the last member of the last batch has 4 unread elsewhere (large rooms load badges after deciding)
    await tdb.db.collection<ISubscription>('rocketchat_subscription').insertOne(
      aSubscription({ _id: 'big-elsewhere', rid: 'other', u: { _id: `big-u${size - 1}`, username: `big-u${size - 1}` }, unread: 4 }),
    );
    settings = aSettings({ Notifications_Max_Room_Members: 0 });
    const result = await service.notifyMessage(aMessage({ _id: 'big-m', rid }), aRoom({ _id: rid, usersCount: size }));

    const busy = users.filter((_, i) => i % 10 === 3).length;
    expect(result).toEqual(expect.objectContaining({ notified: size - busy, skipped: busy, enqueued: size - busy }));
    expect(result.skipReasons).toEqual({ USER_BUSY: busy });
    const queued = await outbox.collection.find({ mid: 'big-m' }, { projection: { uid: 1, 'notification.badge': 1 } }).toArray();
    expect(new Set(queued.map((e) => e.uid)).size).toBe(size - busy);
    expect(queued.find((e) => e.uid === `big-u${size - 1}`)?.notification.badge).toBe(5);
    expect(queued.find((e) => e.uid === 'big-u0')?.notification.badge).toBe(1);
    const log = await decisions.get('big-m');
    expect(log?.skipped).toEqual([{ reason: 'USER_BUSY', userIds: users.filter((_, i) => i % 10 === 3).map((u) => u._id) }]);
    expect(log?.notified.flatMap((g) => g.userIds)).toHaveLength(size - busy);
  }, 60_000);

  it('keeps at most a few batch inserts in flight when the database inserts more slowly than batches are decided', async () => {
    const size = FAN_OUT_BATCH * 6;
    const rid = 'slow';
    await seedMembers(rid, size);
    let inFlight = 0;
    let most = 0;
    class SlowOutbox extends OutboxModel {
      override async enqueue(entries: Parameters<OutboxModel['enqueue']>[0]): Promise<number> {
        most = Math.max(most, ++inFlight);
        try {
          await new Promise((resolve) => setTimeout(resolve, 150));
          return await super.enqueue(entries);
        } finally {
          inFlight--;
        }
      }
    }
    settings = aSettings({ Notifications_Max_Room_Members: 0 });
    const slow = new NotificationService({
      source: new MongoRecipientSource(tdb.db), outbox: new SlowOutbox(tdb.db), decisions, callbacks,
      settings: () => settings, filters: () => orderFilters(defaultFilters), wake: () => wakes++, clock: () => NOW,
    });
    const result = await slow.notifyMessage(aMessage({ _id: 'slow-m', rid }), aRoom({ _id: rid, usersCount: size }));
    expect(result.enqueued).toBe(size);
    expect(most).toBeGreaterThanOrEqual(2); // the batches do overlap
    expect(most).toBeLessThanOrEqual(3); // but six of them are never all held at once
    expect(inFlight).toBe(0);
  }, 60_000);

  it('stops at a batch that cannot be loaded: the caller gets the error, nothing keeps running, a re-run completes the room', async () => {
    const size = FAN_OUT_BATCH * 3;
    const rid = 'flaky';
    await seedMembers(rid, size);
    // The devices of the second batch cannot be read (e.g. the database went away meanwhile).
    const real = new MongoRecipientSource(tdb.db);
    let tokenReads = 0;
    const source = Object.assign(Object.create(real) as MongoRecipientSource, {
      tokens: (ids: string[]) => (++tokenReads === 2 ? Promise.reject(new Error('connection lost')) : real.tokens(ids)),
    });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      settings = aSettings({ Notifications_Max_Room_Members: 0 });
      const failing = new NotificationService({
        source, outbox, decisions, callbacks, settings: () => settings, filters: () => orderFilters(defaultFilters), wake: () => wakes++, clock: () => NOW,
      });
      await expect(failing.notifyMessage(aMessage({ _id: 'flaky-m', rid }), aRoom({ _id: rid, usersCount: size }))).rejects.toThrow('connection lost');
      const queuedWhenItFailed = await outbox.collection.countDocuments({ mid: 'flaky-m' });
      await new Promise((resolve) => setTimeout(resolve, 200));
      // Whatever was started before the failure had finished by then (no write lands afterwards).
      expect(await outbox.collection.countDocuments({ mid: 'flaky-m' })).toBe(queuedWhenItFailed);
      expect(queuedWhenItFailed).toBeLessThanOrEqual(FAN_OUT_BATCH);
      expect(await decisions.get('flaky-m')).toBeNull();
      expect(unhandled).toEqual([]);

      // The hook running again (the same message) completes the room, without a second push for anyone.
      const again = await service.notifyMessage(aMessage({ _id: 'flaky-m', rid }), aRoom({ _id: rid, usersCount: size }));
      expect(again.notified).toBe(size);
      expect(again.enqueued).toBe(size - queuedWhenItFailed);
      expect(await outbox.collection.countDocuments({ mid: 'flaky-m' })).toBe(size);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  }, 60_000);

  it('does nothing for edited messages, imports and when the kill switch is on', async () => {
    await seedRoom();
    expect((await service.notifyMessage(aMessage({ _id: 'e', rid: room._id, editedAt: NOW }), room)).gate).toBe('MESSAGE_EDITED');
    const old = new Date(NOW.getTime() - 61_000);
    expect((await service.notifyMessage(aMessage({ _id: 'o', rid: room._id, ts: old }), room)).gate).toBe('MESSAGE_IMPORTED_OR_OLD');
    settings = aSettings({ Troubleshoot_Disable_Notifications: true });
    expect((await service.notifyMessage(aMessage({ _id: 'k', rid: room._id }), room)).gate).toBe('NOTIFICATIONS_TROUBLESHOOT_DISABLED');
    expect(await outbox.collection.countDocuments()).toBe(0);
  });

  it('decides a 10,000-member room in a few queries per batch of members, never one per member', async () => {
    // A client of its own that reports every command it sends (the shared one does not monitor commands).
    const monitored = new MongoClient(tdb.url, { monitorCommands: true });
    await monitored.connect();
    const db = monitored.db(tdb.db.databaseName);
    const watchedService = new NotificationService({
      source: new MongoRecipientSource(db), outbox: new OutboxModel(db), decisions: new DecisionLogModel(db), callbacks,
      settings: () => settings, filters: () => orderFilters(defaultFilters), wake: () => wakes++, clock: () => NOW,
    });
    async function commandsFor(size: number, rid: string): Promise<Map<string, number>> {
      await seedMembers(rid, size);
      const commands = new Map<string, number>();
      const listener = (event: CommandStartedEvent) => commands.set(event.commandName, (commands.get(event.commandName) ?? 0) + 1);
      monitored.on('commandStarted', listener);
      try {
        const bigRoom = aRoom({ _id: rid, usersCount: size });
        settings = aSettings({ Notifications_Max_Room_Members: 0 });
        const result = await watchedService.notifyMessage(aMessage({ _id: `msg-${rid}`, rid }), bigRoom);
        expect(result.notified).toBe(size);
        expect(result.enqueued).toBe(size);
      } finally {
        monitored.off('commandStarted', listener);
      }
      return commands;
    }
    const total = (commands: Map<string, number>) => [...commands.values()].reduce((n, c) => n + c, 0);
    try {
      const small = await commandsFor(10, 'small');
      const large = await commandsFor(10_000, 'large');
      const batches = Math.ceil(10_000 / FAN_OUT_BATCH);
      // 10 members: the subscriptions, users, devices and badges are read once each, one insert, one decision log.
      expect(Object.fromEntries(small)).toEqual({ find: 3, aggregate: 1, insert: 1, update: 1 });
      // 10,000: the same per batch of members (reads answered in one reply each), and still one decision log.
      expect(large.get('update')).toBe(1);
      expect(large.get('find')).toBe(1 + 2 * batches);
      expect(large.get('aggregate')).toBe(batches);
      expect(large.get('insert')).toBe(batches);
      expect(large.get('getMore') ?? 0).toBe(0);
      expect(total(large)).toBeLessThan(10_000 / 100);
    } finally {
      await monitored.close();
    }
  }, 120_000);
});
