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
  /** The recipient follows the thread the message replies to (meaningful only when `message.tmid` is set). */
  isThreadFollower: boolean;
  /** The message matches one of the recipient's highlight words. */
  isHighlighted: boolean;
  settings: IPushSettings;
  now: Date;
}

/**
 * A filter's answer (see `lib/filters/evaluateFilters.ts`):
 * - `pass`: no opinion; the next filter runs.
 * - `skip`: the only answer that stops the pipeline; the push is not sent, for this reason.
 * - `notify`: records *why* the user would be notified and lets the pipeline go on, so a later filter (e.g. a
 *   developer's own, at a lower priority) can still veto with `skip`. The last notify reason becomes the
 *   decision's reason.
 * - `delay`: records that the push waits `delaySeconds` (cancelled if the user reads the room first) and lets
 *   the pipeline go on; with several, the longest delay wins.
 * A filter that throws (or answers something else) is traced as `error` and the pipeline goes on: a broken
 * extension must not silence notifications.
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
  /**
   * Lower runs first (the callbacks registry's HIGH = -1000, MEDIUM = 0, LOW = 1000); equal priorities keep
   * their list order. The default filters use 10…110, so LOW runs after all of them.
   */
  priority: number;
  apply(ctx: INotificationContext): FilterOutcome;
}

/** One filter that ran, in run order. `error`: the filter threw (reason `FILTER_ERROR`, the message as note). */
export interface IFilterTraceEntry {
  filter: string;
  result: 'pass' | 'skip' | 'notify' | 'delay' | 'error';
  reason?: ReasonCode;
  note?: string;
}

export interface INotificationDecision {
  decision: 'notify' | 'skip';
  /** For `skip`, the stopping filter's reason; for `notify`, the last notify reason, or `NOTIFY` if none. */
  reason: ReasonCode;
  /** When set, the push waits this long and is cancelled if the user reads the room meanwhile. */
  delaySeconds?: number;
  trace: IFilterTraceEntry[];
}
