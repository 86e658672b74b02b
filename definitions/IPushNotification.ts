import type { IUserRef } from './IUser';
import type { RoomType } from './IRoom';

/** The `ejson` payload the mobile apps read (Rocket.Chat shape). */
export interface IPushPayload {
  host: string;
  messageId: string;
  notificationType: 'message' | 'message-id-only' | 'test';
  rid?: string;
  sender?: IUserRef;
  senderName?: string;
  type?: RoomType;
  name?: string;
  messageType?: string;
  tmid?: string;
}

/** A provider-neutral push for one user, built purely from the message, room, recipient and settings. */
export interface IPushNotification {
  title: string;
  body: string;
  badge: number;
  sound: string;
  category: 'MESSAGE' | 'MESSAGE_NOREPLY';
  /** Per-room grouping number (Android `notId`). */
  notId: number;
  /** Per-room (or per-thread) grouping key (iOS `thread-id`). */
  threadId: string;
  payload: IPushPayload;
  /** Sender label for the gateway protocol's `from`. */
  from: string;
}
