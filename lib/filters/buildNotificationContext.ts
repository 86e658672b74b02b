import type { IMessage } from '../../definitions/IMessage';
import type { IMentionSummary, INotificationContext } from '../../definitions/INotificationDecision';
import type { IPushSettings } from '../../definitions/IPushSettings';
import type { IPushToken } from '../../definitions/IPushToken';
import type { IRoom } from '../../definitions/IRoom';
import type { ISubscription } from '../../definitions/ISubscription';
import type { IUser, IUserRef } from '../../definitions/IUser';
import { isThreadFollower } from '../mentions/isThreadFollower';
import { matchesHighlight } from '../mentions/matchesHighlight';

export interface INotificationContextInput {
  message: IMessage;
  room: IRoom;
  /** Defaults to `message.u`. */
  sender?: IUserRef;
  recipient: { user: IUser; subscription: ISubscription; tokens: IPushToken[] };
  /** `summarizeMentions(message, sender._id)`, computed once per message and shared by every recipient. */
  mentions: IMentionSummary;
  /** The thread's first message when `message.tmid` is set; unknown → nobody follows. */
  threadParent?: Pick<IMessage, 'u' | 'replies'> | null;
  settings: IPushSettings;
  now: Date;
}

/**
 * Assembles one recipient's context, answering the two per-recipient questions the filters need: does the
 * message hit one of their highlight words (the subscription's copy `userHighlights`, else the account's
 * `highlights`), and do they follow the thread it replies to.
 */
export function buildNotificationContext(input: INotificationContextInput): INotificationContext {
  const { message, recipient } = input;
  const highlights = recipient.subscription.userHighlights ?? recipient.user.settings?.preferences?.highlights;
  const inThread = message.tmid !== undefined && message.tmid !== '';
  return {
    message,
    room: input.room,
    sender: input.sender ?? message.u,
    recipient,
    mentions: input.mentions,
    isThreadFollower: inThread && isThreadFollower(input.threadParent, recipient.user._id),
    isHighlighted: matchesHighlight(message.msg, highlights),
    settings: input.settings,
    now: input.now,
  };
}
