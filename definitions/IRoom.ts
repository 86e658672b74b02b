import type { IUserRef } from './IUser';

/** `c` public channel, `p` private group, `d` direct message. */
export type RoomType = 'c' | 'p' | 'd';

/** A room as stored in `rocketchat_room`. */
export interface IRoom {
  _id: string;
  t: RoomType;
  /** Channel or group name; unset for direct messages. */
  name?: string;
  fname?: string;
  usersCount: number;
  /** Read-only room: only some users may post, so the push offers no quick reply. */
  ro?: boolean;
  /** Usernames muted in this room. */
  muted?: string[];
  /** Direct messages: the participants. */
  usernames?: string[];
  uids?: string[];
  u?: IUserRef;
  msgs: number;
  ts: Date;
  lm?: Date;
  _updatedAt: Date;
}
