import { deserialize } from 'bson';
import type { AbstractCursor, Db, Document } from 'mongodb';
import type { IMessage } from '../../../definitions/IMessage';
import type { IPushToken } from '../../../definitions/IPushToken';
import type { IRoom } from '../../../definitions/IRoom';
import type { ISubscription } from '../../../definitions/ISubscription';
import type { IUser } from '../../../definitions/IUser';

/** Only what the filters and the payload read: the rest of a document never leaves the database. */
const SUBSCRIPTION_FIELDS = {
  _id: 1, rid: 1, u: 1, t: 1, name: 1, fname: 1, ignored: 1, disableNotifications: 1, muteGroupMentions: 1,
  mobilePushNotifications: 1, mobilePrefOrigin: 1, userHighlights: 1, unread: 1,
} as const;
const USER_FIELDS = {
  _id: 1, username: 1, name: 1, active: 1, status: 1, statusConnection: 1, roles: 1, 'settings.preferences': 1,
} as const;
const TOKEN_FIELDS = { _id: 1, token: 1, appName: 1, userId: 1, enabled: 1 } as const;
/**
 * The reads' first batch size: everything in one reply (the server still caps a reply at 16 MiB and the rest then
 * follows by getMore). The driver's default first batch is 101 documents, which costs a large room's reads a
 * second round trip each.
 */
const ONE_REPLY = 100_000;

/**
 * All documents of a cursor opened with `raw: true`, decoded in one pass each. The driver's own decoding walks
 * every document twice (an element index, then the values) and resolves its options per document: for the
 * fan-out's 10,000-document reads this is about a sixth faster, with the same values (the driver's defaults:
 * promoted numbers, Dates, ObjectIds).
 */
async function readAll<T>(cursor: AbstractCursor<Document>): Promise<T[]> {
  const raw = (await cursor.toArray()) as unknown as Uint8Array[];
  return raw.map((bytes) => deserialize(bytes) as T);
}

/** Where the notification service reads rooms, members, devices and badges from. */
export interface IRecipientSource {
  /** The room's subscriptions except the sender's, without those whose notifications are disabled. */
  roomRecipients(rid: string, senderId: string): Promise<ISubscription[]>;
  users(ids: string[]): Promise<Map<string, IUser>>;
  /** Enabled push tokens, grouped by user. */
  tokens(userIds: string[]): Promise<Map<string, IPushToken[]>>;
  /**
   * Each user's unread count in their other rooms (the badge is this plus the room's own `unread`, which the
   * recipients' subscriptions already carry). Users with nothing unread elsewhere are absent.
   */
  unreadElsewhere(userIds: string[], rid: string): Promise<Map<string, number>>;
  message(id: string): Promise<IMessage | null>;
  room(id: string): Promise<IRoom | null>;
  subscription(rid: string, uid: string): Promise<ISubscription | null>;
}

/**
 * Loads a message's audience: the room's subscriptions in one query, then for each batch of members (see
 * NotificationService) their users, devices and unread elsewhere, each an indexed `$in` with a projection. The query narrows only by what is cheap and certain (the room, the sender,
 * `disableNotifications`); every preference rule lives in the filters, never here, so the two cannot disagree.
 */
export class MongoRecipientSource implements IRecipientSource {
  constructor(private readonly db: Db) {}

  roomRecipients(rid: string, senderId: string): Promise<ISubscription[]> {
    return readAll<ISubscription>(
      this.db
        .collection('rocketchat_subscription')
        .find({ rid, 'u._id': { $ne: senderId }, disableNotifications: { $ne: true } }, { projection: SUBSCRIPTION_FIELDS, raw: true, batchSize: ONE_REPLY }),
    );
  }

  async users(ids: string[]): Promise<Map<string, IUser>> {
    if (ids.length === 0) return new Map();
    const users = await readAll<IUser>(this.db.collection<IUser>('users').find({ _id: { $in: ids } }, { projection: USER_FIELDS, raw: true, batchSize: ONE_REPLY }));
    return new Map(users.map((u) => [u._id, u]));
  }

  async tokens(userIds: string[]): Promise<Map<string, IPushToken[]>> {
    const byUser = new Map<string, IPushToken[]>();
    if (userIds.length === 0) return byUser;
    const tokens = await readAll<IPushToken>(
      this.db.collection('_raix_push_app_tokens').find({ userId: { $in: userIds }, enabled: { $ne: false } }, { projection: TOKEN_FIELDS, raw: true, batchSize: ONE_REPLY }),
    );
    for (const token of tokens) {
      const list = byUser.get(token.userId);
      if (list) list.push(token);
      else byUser.set(token.userId, [token]);
    }
    return byUser;
  }

  async unreadElsewhere(userIds: string[], rid: string): Promise<Map<string, number>> {
    if (userIds.length === 0) return new Map();
    // Only subscriptions with something unread come back: in a real workspace most of a user's rooms are read, so
    // the badge costs far fewer documents than reading every subscription of every recipient.
    const rows = await readAll<{ _id: string; unread: number }>(
      this.db.collection('rocketchat_subscription').aggregate(
        [
          { $match: { 'u._id': { $in: userIds }, unread: { $gt: 0 }, rid: { $ne: rid } } },
          { $group: { _id: '$u._id', unread: { $sum: '$unread' } } },
        ],
        { raw: true, batchSize: ONE_REPLY },
      ),
    );
    return new Map(rows.map((r) => [r._id, r.unread]));
  }

  message(id: string): Promise<IMessage | null> {
    return this.db.collection<IMessage>('rocketchat_message').findOne({ _id: id });
  }

  room(id: string): Promise<IRoom | null> {
    return this.db.collection<IRoom>('rocketchat_room').findOne({ _id: id });
  }

  subscription(rid: string, uid: string): Promise<ISubscription | null> {
    return this.db.collection<ISubscription>('rocketchat_subscription').findOne({ rid, 'u._id': uid });
  }
}
