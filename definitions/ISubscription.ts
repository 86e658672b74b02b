import type { PushPreference } from './IUser';
import type { RoomType } from './IRoom';

/** Where a subscription's `mobilePushNotifications` came from: a room override, or a copy of the account preference. */
export type PrefOrigin = 'subscription' | 'user';

/** One user's membership of one room, as stored in `rocketchat_subscription`. */
export interface ISubscription {
  _id: string;
  rid: string;
  u: { _id: string; username: string };
  t: RoomType;
  name: string;
  fname?: string;
  open: boolean;
  alert: boolean;
  /** Unread messages; the badge is the sum over the user's subscriptions. */
  unread: number;
  userMentions: number;
  groupMentions: number;
  ts: Date;
  /** Last seen: when the user last read the room. */
  ls?: Date;
  roles?: string[];
  /** User ids this member ignores. */
  ignored?: string[];
  disableNotifications?: boolean;
  /** Ignore `@all` / `@here` in this room. */
  muteGroupMentions?: boolean;
  mobilePushNotifications?: PushPreference;
  mobilePrefOrigin?: PrefOrigin;
  /** Copied from the user's `highlights` preference. */
  userHighlights?: string[];
  /** Thread ids with unread replies the user follows / is mentioned in / got an @all/@here in (thread-only replies). */
  tunread?: string[];
  tunreadUser?: string[];
  tunreadGroup?: string[];
  _updatedAt: Date;
}
