import type { IMessage } from '../../definitions/IMessage';
import type { IPushNotification, IPushPayload } from '../../definitions/IPushNotification';
import type { IPushSettings } from '../../definitions/IPushSettings';
import type { IRoom } from '../../definitions/IRoom';
import type { ISubscription } from '../../definitions/ISubscription';
import type { IUser, IUserRef } from '../../definitions/IUser';
import { displayName, withRealNames } from './displayText';
import { notificationId } from './notificationId';
import {
  BODY_MAX_CHARS,
  GENERIC_MESSAGE_TEXT,
  PUSH_FROM,
  PUSH_SOUND,
  TITLE_MAX_CHARS,
} from './texts';
import { truncateToChars } from './truncate';

export interface IPushNotificationInput {
  message: IMessage;
  room: IRoom;
  sender: IUserRef;
  recipient: { user: Pick<IUser, '_id' | 'username'>; subscription?: ISubscription };
  /** The recipient's unread count over all rooms, the new message included. */
  badge: number;
  settings: IPushSettings;
}

/**
 * The provider-neutral push for one recipient (Rocket.Chat's `getPushData` + `PushNotification.send` rules):
 *
 * - title: `#room` in channels and groups, the sender in DMs; body: `sender: text` in rooms, `text` in DMs.
 * - `Push_show_username_room` off: neither the sender's nor the room's name is shown (title empty, body just
 *   the text) and the payload carries no `senderName`.
 * - `UI_Use_Real_Name`: names instead of usernames, for the sender and for `@mentions` in the text.
 * - `Push_show_message` off (or an empty text): the text reads "You have a new message".
 * - Privacy mode (`Push_request_content_from_server`): empty title, "You have a new message", and a payload of
 *   ids only (`host`, `messageId`); the app fetches the content with `push.get`.
 * - Category `MESSAGE_NOREPLY` (no quick reply) in read-only rooms or when the recipient is muted in the room.
 * - `notId` and `threadId` group the room's pushes on the phone.
 * - Title ≤ 65 and body ≤ 240 characters, cut on grapheme boundaries with an ellipsis.
 */
export function buildPushNotification(input: IPushNotificationInput): IPushNotification {
  return pushNotificationBuilder(input)(input.recipient, input.badge);
}

/** What a message's pushes share; the recipient and their badge come per call. */
export type IMessagePushInput = Omit<IPushNotificationInput, 'recipient' | 'badge'>;

/**
 * The same rules as `buildPushNotification`, split for a fan-out: everything that depends only on the message, the
 * room and the settings (texts, truncation, grouping id, payload) is computed once; each call adds what differs per
 * recipient (badge, quick-reply category). The returned pushes share their payload object: treat them as read-only.
 */
export function pushNotificationBuilder(input: IMessagePushInput): (recipient: IPushNotificationInput['recipient'], badge: number) => IPushNotification {
  const { message, room, sender, settings } = input;
  const idOnly = settings.Push_request_content_from_server === true;
  const showNames = settings.Push_show_username_room === true;
  const useRealName = settings.UI_Use_Real_Name === true;

  const senderName = showNames ? displayName(sender, useRealName) : '';
  const roomName = room.name || room.fname || '';
  const roomLabel = showNames && room.t !== 'd' && roomName !== '' ? `#${roomName}` : '';
  const text = useRealName ? withRealNames(message.msg, message.mentions) : message.msg;
  const content = settings.Push_show_message === true && text.trim() !== '' ? text : GENERIC_MESSAGE_TEXT;

  const title = truncateToChars(idOnly ? '' : roomLabel || senderName, TITLE_MAX_CHARS);
  const body = truncateToChars(
    idOnly ? GENERIC_MESSAGE_TEXT : roomLabel !== '' && senderName !== '' ? `${senderName}: ${content}` : content,
    BODY_MAX_CHARS,
  );
  const notId = notificationId(settings.uniqueID, room._id);
  const payload = idOnly ? idOnlyPayload(message, settings) : fullPayload(message, room, sender, showNames ? senderName : undefined, settings);

  return (recipient, badge) => ({
    title,
    body,
    badge: Number.isFinite(badge) && badge > 0 ? Math.floor(badge) : 0,
    sound: PUSH_SOUND,
    category: canReply(room, recipient.user.username) ? 'MESSAGE' : 'MESSAGE_NOREPLY',
    notId,
    threadId: room._id,
    payload,
    from: PUSH_FROM,
  });
}

/** iOS quick reply is offered only where the recipient may post. */
function canReply(room: IRoom, username: string): boolean {
  return room.ro !== true && !(room.muted?.includes(username) ?? false);
}

function idOnlyPayload(message: IMessage, settings: IPushSettings): IPushPayload {
  return { host: settings.Site_Url, messageId: message._id, notificationType: 'message-id-only' };
}

function fullPayload(
  message: IMessage,
  room: IRoom,
  sender: IUserRef,
  senderName: string | undefined,
  settings: IPushSettings,
): IPushPayload {
  const payload: IPushPayload = {
    host: settings.Site_Url,
    rid: room._id,
    messageId: message._id,
    // The app opens a DM by the sender's username; their real name goes only in `senderName`.
    sender: { _id: sender._id, username: sender.username },
    type: room.t,
    notificationType: 'message',
  };
  if (senderName !== undefined && senderName !== '') payload.senderName = senderName;
  // The app needs the room name to open channels and groups (its deep link is `/channel/<name>`); it is not shown.
  if (room.t !== 'd' && room.name) payload.name = room.name;
  if (message.t !== undefined) payload.messageType = message.t;
  if (message.tmid !== undefined && message.tmid !== '') payload.tmid = message.tmid;
  return payload;
}
