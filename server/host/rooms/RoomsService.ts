import type { IRoom, RoomType } from '../../../definitions/IRoom';
import type { UpdateFilter } from 'mongodb';
import type { ISubscription } from '../../../definitions/ISubscription';
import type { IUser, PushPreference } from '../../../definitions/IUser';
import type { HostDeps } from '../HostDeps';
import { badRequest } from '../api/ApiError';
import { isValidRoomName } from '../accounts/validation';
import { randomId } from '../util/random';
import { newSubscription } from './newSubscription';
import { requireMembership } from './membership';

export interface NotificationPrefsInput {
  disableNotifications?: '0' | '1';
  muteGroupMentions?: '0' | '1';
  mobilePushNotifications?: 'default' | PushPreference;
}

/** Channels, groups, direct messages and the per-member subscription state. */
export class RoomsService {
  constructor(private readonly deps: HostDeps) {}

  /** `channels.create` (t = 'c') / `groups.create` (t = 'p'): the creator is the owner; members by username. */
  async createRoom(
    t: Exclude<RoomType, 'd'>,
    owner: IUser,
    input: { name: string; members?: string[]; readOnly?: boolean },
  ): Promise<IRoom> {
    const name = input.name.trim();
    if (!isValidRoomName(name)) throw badRequest('error-invalid-room-name', `"${name}" is not a valid room name`);
    const { rooms, users, subscriptions } = this.deps.models;
    if (await rooms.findOneByName(name)) {
      throw badRequest('error-duplicate-channel-name', `A channel with name '${name}' exists`);
    }
    const wanted = dedupeInsensitive((input.members ?? []).map((m) => m.trim()).filter((m) => m.toLowerCase() !== owner.username.toLowerCase()));
    const members = await users.findByUsernames(wanted);
    const missing = wanted.filter((u) => !members.some((m) => m.username.toLowerCase() === u.toLowerCase()));
    if (missing.length > 0) throw badRequest('error-invalid-user', `Unknown users: ${missing.slice(0, 10).join(', ')}`);

    const now = this.deps.now();
    const room: IRoom = {
      _id: randomId(),
      t,
      name,
      fname: name,
      usersCount: members.length + 1,
      msgs: 0,
      ts: now,
      _updatedAt: now,
      u: { _id: owner._id, username: owner.username },
      ro: input.readOnly === true,
    };
    try {
      await rooms.col.insertOne(room);
    } catch (err) {
      if ((err as { code?: number }).code === 11000) throw badRequest('error-duplicate-channel-name', `A channel with name '${name}' exists`);
      throw err;
    }
    const subs = [
      newSubscription(room, owner, now, { roles: ['owner'] }),
      ...members.map((member) => newSubscription(room, member, now)),
    ];
    try {
      await subscriptions.col.insertMany(subs, { ordered: true });
    } catch (err) {
      await rooms.col.deleteOne({ _id: room._id });
      await subscriptions.col.deleteMany({ rid: room._id });
      throw err;
    }
    return room;
  }

  /** `im.create`: the direct room between the caller and `username` (created once; id = both user ids sorted). */
  async createDirect(me: IUser, username: string): Promise<IRoom> {
    const { rooms, users, subscriptions } = this.deps.models;
    const other = await users.findOneByUsername(username.trim());
    if (!other) throw badRequest('error-invalid-user', 'User not found');
    const people = me._id === other._id ? [me] : [me, other].sort((a, b) => (a._id < b._id ? -1 : 1));
    const rid = people.map((p) => p._id).join('');
    const now = this.deps.now();
    let room = await rooms.findOneById(rid);
    if (!room) {
      room = {
        _id: rid,
        t: 'd',
        usernames: people.map((p) => p.username),
        uids: people.map((p) => p._id),
        usersCount: people.length,
        msgs: 0,
        ts: now,
        _updatedAt: now,
      };
      try {
        await rooms.col.insertOne(room);
      } catch (err) {
        if ((err as { code?: number }).code !== 11000) throw err; // created concurrently: use it
      }
    }
    for (const person of people) {
      const peer = people.find((p) => p._id !== person._id) ?? person;
      const subscription = newSubscription(room, person, now, {
        name: peer.username,
        fname: peer.name ?? peer.username,
        // The other side sees the conversation once a message arrives.
        open: person._id === me._id,
      });
      // Insert unless present; the unique {rid, u._id} index settles concurrent creations.
      if (!(await subscriptions.findOneByRoomIdAndUserId(rid, person._id))) {
        await subscriptions.col.insertOne(subscription).catch((err: { code?: number }) => {
          if (err.code !== 11000) throw err;
        });
      }
    }
    await subscriptions.col.updateOne({ rid, 'u._id': me._id }, { $set: { open: true } });
    return room;
  }

  /** `rooms.saveNotification`: the room-level overrides ('default' restores the account preference copy). */
  async saveNotification(user: IUser, rid: string, prefs: NotificationPrefsInput): Promise<void> {
    const { subscription } = await requireMembership(this.deps.models, user, rid);
    const $set: Record<string, unknown> = { _updatedAt: this.deps.now() };
    const $unset: Record<string, ''> = {};
    if (prefs.disableNotifications === '1') $set.disableNotifications = true;
    if (prefs.disableNotifications === '0') $unset.disableNotifications = '';
    if (prefs.muteGroupMentions === '1') $set.muteGroupMentions = true;
    if (prefs.muteGroupMentions === '0') $unset.muteGroupMentions = '';
    if (prefs.mobilePushNotifications === 'default') {
      const accountPref = user.settings?.preferences?.pushNotifications;
      if (accountPref) Object.assign($set, { mobilePushNotifications: accountPref, mobilePrefOrigin: 'user' });
      else Object.assign($unset, { mobilePushNotifications: '', mobilePrefOrigin: '' });
    } else if (prefs.mobilePushNotifications !== undefined) {
      Object.assign($set, { mobilePushNotifications: prefs.mobilePushNotifications, mobilePrefOrigin: 'subscription' });
    }
    const update = Object.keys($unset).length > 0 ? { $set, $unset } : { $set };
    await this.deps.models.subscriptions.col.updateOne({ _id: subscription._id }, update);
  }

  /** `chat.ignoreUser`: the caller stops (or resumes) hearing from another member of the room. */
  async ignoreUser(user: IUser, rid: string, ignoredId: string, ignore: boolean): Promise<void> {
    const { subscription } = await requireMembership(this.deps.models, user, rid);
    if (ignoredId === user._id) throw badRequest('error-invalid-user', 'You cannot ignore yourself');
    const target = await this.deps.models.subscriptions.findOneByRoomIdAndUserId(rid, ignoredId);
    if (!target) throw badRequest('error-invalid-subscription', 'That user is not a member of this room');
    const update = ignore ? { $addToSet: { ignored: ignoredId } } : { $pull: { ignored: ignoredId } };
    await this.deps.models.subscriptions.col.updateOne({ _id: subscription._id }, update);
  }

  /** `subscriptions.read`: resets the counters, records the read, and tells plugins (delayed pushes are cancelled). */
  async markRead(user: IUser, rid: string, readThreads = false): Promise<void> {
    const { subscription } = await requireMembership(this.deps.models, user, rid);
    const now = this.deps.now();
    const $set: Partial<ISubscription> = { open: true, alert: false, unread: 0, userMentions: 0, groupMentions: 0, ls: now, _updatedAt: now };
    const update: UpdateFilter<ISubscription> = readThreads
      ? { $set, $unset: { tunread: '', tunreadUser: '', tunreadGroup: '' } }
      : { $set };
    await this.deps.models.subscriptions.col.updateOne({ _id: subscription._id }, update);
    await this.deps.callbacks.run('afterReadMessages', rid, user._id);
  }
}

function dedupeInsensitive(names: string[]): string[] {
  const seen = new Set<string>();
  return names.filter((name) => {
    const key = name.toLowerCase();
    if (!name || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
