import type { IPushNotification } from './IPushNotification';
import type { PushPlatform } from './IPushToken';
import type { DeliveryOutcome } from './IPushTransport';

/** Where an outbox entry stands. Terminal states: delivered, invalid-token, rejected, expired, cancelled. */
export type OutboxState =
  | 'queued'
  | 'sending'
  | 'retry'
  | 'delivered'
  | 'invalid-token'
  | 'rejected'
  | 'expired'
  | 'cancelled';

export interface IOutboxAttempt {
  at: Date;
  outcome: DeliveryOutcome | 'error';
  route?: string;
  status?: number;
  reason?: string;
  /** A sentence for admins (e.g. "the gateway refused this workspace"); never secret. */
  detail?: string;
}

/** One push to one device, stored durably in `push_outbox` until it ends in a terminal state (then purged). */
export interface IOutboxEntry {
  /** Idempotency key: `<messageId>:<userId>:<tokenId>`; enqueueing the same key twice is a no-op. */
  _id: string;
  mid: string;
  rid: string;
  uid: string;
  tokenId: string;
  platform: PushPlatform;
  token: string;
  appName: string;
  notification: IPushNotification;
  apnsId: string;
  collapseId: string;
  state: OutboxState;
  attempts: number;
  /** The entry is due when `nextAttemptAt <= now` (also the online-delay deadline). */
  nextAttemptAt: Date;
  /** When the push first became due (its creation, or the end of an online delay): delivery latency counts from here. */
  readyAt: Date;
  /** A claim's lease: another worker may take the entry once it has passed. */
  lockedUntil?: Date;
  lockedBy?: string;
  /** Delayed because the user was online: cancelled if they read the room first. */
  cancelOnRead?: boolean;
  /** Give up after this (bounded age). */
  expiresAt: Date;
  createdAt: Date;
  _updatedAt: Date;
  deliveredAt?: Date;
  lastError?: { status?: number; reason?: string; detail?: string; at: Date };
  history: IOutboxAttempt[];
}
