import type { IMessage } from './IMessage';
import type { IRoom } from './IRoom';
import type { ISubscription } from './ISubscription';
import type { IUser, IUserRef } from './IUser';
import type { IPushToken } from './IPushToken';
import type { IPushSettings } from './IPushSettings';

/** A SCREAMING_SNAKE code saying why a user was or was not notified (e.g. `USER_BUSY`, `MENTIONED`). */
export type ReasonCode = string;

/** What the message says about who is addressed; computed once per message. */
export interface IMentionSummary {
  toAll: boolean;
  toHere: boolean;
  /** Users mentioned by `@username` (sender excluded). */
  userIds: string[];
}

/** Everything a filter may look at, for one (message, recipient) pair. Plain data: filters are pure. */
export interface INotificationContext {
  message: IMessage;
  room: IRoom;
  sender: IUserRef;
  recipient: {
    user: IUser;
    subscription: ISubscription;
    /** The recipient's enabled push tokens. */
    tokens: IPushToken[];
  };
  mentions: IMentionSummary;
  /** The recipient follows the thread the message replies to. */
  isThreadFollower: boolean;
  /** The message matches one of the recipient's highlight words. */
  isHighlighted: boolean;
  settings: IPushSettings;
  now: Date;
}

/**
 * A filter's answer. `pass` lets the next filter run; `skip` stops the pipeline with a reason; `notify` stops it
 * and sends (used by the preference filter to state why); `delay` sends later unless the user reads the room first.
 */
export type FilterOutcome =
  | { result: 'pass'; note?: string }
  | { result: 'skip'; reason: ReasonCode; note?: string }
  | { result: 'notify'; reason: ReasonCode; note?: string }
  | { result: 'delay'; reason: ReasonCode; delaySeconds: number; note?: string };

/** A named, pure decision step. */
export interface INotificationFilter {
  /** camelCase name shown in traces, e.g. `roomNotificationsDisabled`. */
  id: string;
  /** Lower runs first (the callbacks registry's HIGH = -1000, MEDIUM = 0, LOW = 1000). */
  priority: number;
  apply(ctx: INotificationContext): FilterOutcome;
}

export interface IFilterTraceEntry {
  filter: string;
  result: 'pass' | 'skip' | 'notify' | 'delay' | 'error';
  reason?: ReasonCode;
  note?: string;
}

export interface INotificationDecision {
  decision: 'notify' | 'skip';
  reason: ReasonCode;
  /** When set, the push waits this long and is cancelled if the user reads the room meanwhile. */
  delaySeconds?: number;
  trace: IFilterTraceEntry[];
}
