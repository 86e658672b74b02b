import { randomBytes } from 'node:crypto';
import type { Db } from 'mongodb';
import type { IPushToken } from '../../definitions/IPushToken';
import type { IRoom } from '../../definitions/IRoom';
import type { ISubscription } from '../../definitions/ISubscription';
import type { IUser } from '../../definitions/IUser';

/** The app every benchmark device belongs to (the simulator accepts any topic for token auth). */
export const BENCH_APP = 'chat.rocket.bench';

export interface SeededRoom {
  room: IRoom;
  sender: IUser;
  members: IUser[];
}

export interface SeedRoomOptions {
  /** Member ids start with this (unique per room). */
  prefix: string;
  members: number;
  /** An existing user to send from (a member of the room); created when absent. */
  sender?: IUser;
  /** Devices per member (APNs, 64 hex characters). @defaultValue 1 */
  devicesPerMember?: number;
}

const INSERT_CHUNK = 5000;

function aUser(id: string, now: Date): IUser {
  return {
    _id: id,
    username: id,
    name: `User ${id}`,
    active: true,
    status: 'offline',
    statusConnection: 'offline',
    roles: ['user'],
    settings: { preferences: { pushNotifications: 'all' } },
    createdAt: now,
    _updatedAt: now,
  };
}

function aSubscription(room: IRoom, user: IUser, now: Date): ISubscription {
  return {
    _id: `${room._id}:${user._id}`,
    rid: room._id,
    u: { _id: user._id, username: user.username },
    t: room.t,
    name: room.name ?? room._id,
    open: true,
    alert: false,
    unread: 1,
    userMentions: 0,
    groupMentions: 0,
    ts: now,
    _updatedAt: now,
  };
}

async function insertChunked<T extends { _id: string }>(db: Db, collection: string, docs: T[]): Promise<void> {
  for (let i = 0; i < docs.length; i += INSERT_CHUNK) {
    await db.collection<T>(collection).insertMany(docs.slice(i, i + INSERT_CHUNK) as never[], { ordered: false });
  }
}

/**
 * A channel whose members are offline, active, with the default preferences and one APNs device each: every
 * member is notified, so a message into it fans out to exactly `members × devicesPerMember` pushes.
 */
export async function seedRoom(db: Db, name: string, options: SeedRoomOptions): Promise<SeededRoom> {
  const now = new Date();
  const room: IRoom = { _id: `room-${name}`, t: 'c', name, usersCount: options.members + 1, msgs: 0, ts: now, _updatedAt: now };
  const sender = options.sender ?? aUser(`${options.prefix}-sender`, now);
  const members = Array.from({ length: options.members }, (_, i) => aUser(`${options.prefix}-${i}`, now));
  const devices = options.devicesPerMember ?? 1;
  const tokens: IPushToken[] = [];
  for (const member of members) {
    for (let d = 0; d < devices; d++) {
      tokens.push({
        _id: `tok-${member._id}-${d}`,
        token: { apn: randomBytes(32).toString('hex') },
        appName: BENCH_APP,
        userId: member._id,
        enabled: true,
        createdAt: now,
        _updatedAt: now,
      });
    }
  }
  await db.collection<IRoom>('rocketchat_room').insertOne(room);
  if (!options.sender) await db.collection<IUser>('users').insertOne(sender);
  await insertChunked(db, 'users', members);
  await insertChunked(db, 'rocketchat_subscription', [sender, ...members].map((u) => aSubscription(room, u, now)));
  await insertChunked(db, '_raix_push_app_tokens', tokens);
  return { room, sender, members };
}
