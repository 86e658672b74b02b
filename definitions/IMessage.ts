import type { IUserRef } from './IUser';

export interface IMessageMention {
  _id: string;
  username: string;
  name?: string;
  type?: 'user' | 'team';
}

/** A chat message as stored in `rocketchat_message`. */
export interface IMessage {
  _id: string;
  rid: string;
  msg: string;
  u: IUserRef;
  ts: Date;
  _updatedAt: Date;
  /** Thread parent id when the message is a thread reply. */
  tmid?: string;
  /** A thread reply also shown in the room. */
  tshow?: boolean;
  /** On a thread parent: user ids following the thread. */
  replies?: string[];
  tcount?: number;
  tlm?: Date;
  /** Users mentioned by `@username`, plus the pseudo users `all` and `here`. */
  mentions?: IMessageMention[];
  editedAt?: Date;
  editedBy?: IUserRef;
  /** System message type; unset for user messages. */
  t?: string;
  /** Set when the message came from an importer. */
  imported?: boolean;
}
