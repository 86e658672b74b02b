import type { IMessage } from '../../../definitions/IMessage';
import type { ICallbacks } from '../../../definitions/IHooks';
import type { INotificationDecision, INotificationFilter, ReasonCode } from '../../../definitions/INotificationDecision';
import type { IOutboxEntry } from '../../../definitions/IOutboxEntry';
import type { IPushNotification } from '../../../definitions/IPushNotification';
import type { IPushSettings } from '../../../definitions/IPushSettings';
import type { IPushToken } from '../../../definitions/IPushToken';
import type { IRoom } from '../../../definitions/IRoom';
import type { ISubscription } from '../../../definitions/ISubscription';
import type { IUser } from '../../../definitions/IUser';
import { apnsIdFor, collapseIdFor } from '../../../lib/delivery/deliveryIds';
import { buildNotificationContext } from '../../../lib/filters/buildNotificationContext';
import { evaluateFilters } from '../../../lib/filters/evaluateFilters';
import { summarizeMentions } from '../../../lib/mentions/summarizeMentions';
import { messageGate } from '../../../lib/notifications/messageGate';
import { pushNotificationBuilder } from '../../../lib/payload/buildPushNotification';
import type { OutboxModel } from '../outbox/OutboxModel';
import type { DecisionLogModel, IReasonGroup } from './DecisionLogModel';
import type { IRecipientSource } from './MongoRecipientSource';

/**
 * Members are loaded, decided, built and queued in batches of this many: the database reads the next batch while
 * this process decides the current one and writes the previous one, so a large room costs about the longer of
 * the two sides rather than their sum, its first pushes are queued before its last members are even loaded, and
 * memory holds a batch of users and devices rather than the whole room's.
 */
export const FAN_OUT_BATCH = 1000;
/** Batch inserts a fan-out may have in flight before it waits for the oldest. */
const WRITES_AHEAD = 2;
/** Up to this many recipients, badges are loaded together with users and devices (see fanOut). */
const EARLY_BADGES_MAX_RECIPIENTS = 200;

export interface IFanOutResult {
  messageId: string;
  /** Set when the message was not processed at all (kill switch, edited, import). */
  gate?: ReasonCode;
  notified: number;
  skipped: number;
  delayed: number;
  /** Outbox entries created (one per device). */
  enqueued: number;
  /** Skips by reason. */
  skipReasons: Record<ReasonCode, number>;
  notifyReasons: Record<ReasonCode, number>;
}

/** Observers of what the service decided (metrics). */
export interface INotificationObserver {
  onFanOut?(result: IFanOutResult, durationMs: number): void;
}

export interface INotificationServiceOptions {
  source: IRecipientSource;
  outbox: OutboxModel;
  decisions: DecisionLogModel;
  callbacks: ICallbacks;
  /** The current settings snapshot. */
  settings: () => IPushSettings;
  /** The pipeline, already in run order (default filters plus the `pushFilter` hook's). */
  filters: () => readonly INotificationFilter[];
  /** Tells the outbox worker that work was enqueued. */
  wake: () => void;
  clock?: () => Date;
  observer?: INotificationObserver;
}

/** One batch of the room's members with what was loaded for them. */
interface IBatchAudience {
  subscriptions: ISubscription[];
  users: Map<string, IUser>;
  tokens: Map<string, IPushToken[]>;
  /** Unread elsewhere, when loaded with the rest (small rooms). */
  badges?: Map<string, number>;
}

interface INotifiedRecipient {
  user: IUser;
  subscription: ISubscription;
  tokens: IPushToken[];
  decision: INotificationDecision;
}

/**
 * Load → decide → build → enqueue, for one saved message. The audience is loaded with a few queries per batch of
 * FAN_OUT_BATCH members (never one per member), the batches pipelined; each member is decided by the pure filter pipeline; each notified member's push is built
 * purely, offered to `beforePushSend`, and written to the durable outbox, one entry per device. Delivery happens
 * in the outbox worker, never here.
 */
export class NotificationService {
  private readonly clock: () => Date;

  constructor(private readonly options: INotificationServiceOptions) {
    this.clock = options.clock ?? (() => new Date());
  }

  async notifyMessage(message: IMessage, room: IRoom): Promise<IFanOutResult> {
    const started = process.hrtime.bigint();
    const result = await this.fanOut(message, room);
    this.options.observer?.onFanOut?.(result, Number(process.hrtime.bigint() - started) / 1e6);
    return result;
  }

  private async fanOut(message: IMessage, room: IRoom): Promise<IFanOutResult> {
    const { source, callbacks } = this.options;
    const settings = this.options.settings();
    const now = this.clock();
    const result: IFanOutResult = { messageId: message._id, notified: 0, skipped: 0, delayed: 0, enqueued: 0, skipReasons: {}, notifyReasons: {} };

    const gate = messageGate(message, settings, now);
    if (gate) return { ...result, gate };
    if (!settings.Push_enable) return { ...result, gate: 'PUSH_DISABLED' };

    const sender = message.u;
    const subscriptions = await source.roomRecipients(room._id, sender._id);
    // Small rooms: load the badges with everything else (one round trip less before the push is queued, which is
    // most of a small room's latency). Large rooms: only for the members actually notified, after deciding.
    const earlyBadges = subscriptions.length <= EARLY_BADGES_MAX_RECIPIENTS;
    // A thread's parent (for its followers) is read beside the first batch.
    const threadParentLoad = message.tmid ? observed(source.message(message.tmid)) : Promise.resolve(null);
    let threadParent: IMessage | null = null;
    const load = (batch: ISubscription[]): Promise<IBatchAudience> => {
      const ids = batch.map((s) => s.u._id);
      return observed(
        Promise.all([source.users(ids), source.tokens(ids), earlyBadges ? source.unreadElsewhere(ids, room._id) : undefined]).then(
          ([users, tokens, badges]) => ({ subscriptions: batch, users, tokens, badges }),
        ),
      );
    };

    const mentions = summarizeMentions(message, sender._id);
    const filters = this.options.filters();
    const skipped = new Map<ReasonCode, string[]>();
    const notifiedBy = new Map<ReasonCode, string[]>();
    const delayed: string[] = [];
    const vetoed: string[] = [];
    const skippedDecisions: Array<[INotificationDecision, string]> = [];
    const wantsSkipEvents = callbacks.list('onPushSkipped').length > 0;
    const vetoable = callbacks.list('beforePushSend').length > 0;
    const build = pushNotificationBuilder({ message, room, sender, settings });
    const writes: Array<Promise<number>> = [];
    let writesAwaited = 0;
    let notifiedCount = 0;

    const decide = ({ subscriptions: batch, users, tokens }: IBatchAudience): INotifiedRecipient[] => {
      const notified: INotifiedRecipient[] = [];
      for (const subscription of batch) {
        const user = users.get(subscription.u._id);
        if (!user) continue; // a dangling subscription: nobody to notify
        const userTokens = tokens.get(user._id) ?? [];
        const ctx = buildNotificationContext({
          message, room, sender, recipient: { user, subscription, tokens: userTokens }, mentions, threadParent, settings, now,
        });
        // The trace is for explain (which re-runs the pipeline) and for skip observers; the fan-out needs only the
        // decision, so a 10,000-member room does not allocate 100,000 trace entries for nothing.
        const decision = evaluateFilters(ctx, filters, { trace: wantsSkipEvents });
        if (decision.decision === 'skip') {
          push(skipped, decision.reason, user._id);
          if (wantsSkipEvents) skippedDecisions.push([decision, user._id]);
          continue;
        }
        notified.push({ user, subscription, tokens: userTokens, decision });
        push(notifiedBy, decision.reason, user._id);
        if (decision.delaySeconds) delayed.push(user._id);
      }
      notifiedCount += notified.length;
      return notified;
    };

    // Builds a decided batch's pushes and starts writing them (not awaited here: the next batch is decided while
    // the database inserts this one). The worker is woken by the first write that queued something.
    const queue = async (notified: INotifiedRecipient[], badges: Promise<Map<string, number>>): Promise<void> => {
      // The badge: unread here (the subscription was read after the counters counted this message) plus elsewhere.
      const unreadElsewhere = await badges;
      const entries: IOutboxEntry[] = [];
      for (const recipient of notified) {
        let notification: IPushNotification | false = build(recipient, (recipient.subscription.unread ?? 0) + (unreadElsewhere.get(recipient.user._id) ?? 0));
        if (vetoable) {
          // Each hook call gets its own payload object: the built pushes share one.
          notification = await callbacks.runChained('beforePushSend', { ...notification, payload: { ...notification.payload } }, { message, room, userId: recipient.user._id });
        }
        if (notification === false) {
          vetoed.push(recipient.user._id);
          continue;
        }
        for (const token of recipient.tokens) entries.push(this.entryFor(message, recipient, token, notification, settings, now));
      }
      if (entries.length === 0) return;
      writes.push(
        observed(
          this.options.outbox.enqueue(entries).then((count) => {
            if (count > 0) this.options.wake();
            return count;
          }),
        ),
      );
      // Backpressure: should the database insert more slowly than batches are decided (a huge room), wait for the
      // oldest writes rather than hold every batch's pushes in memory.
      while (writes.length - writesAwaited > WRITES_AHEAD) await writes[writesAwaited++];
    };

    try {
      // One batch is loaded ahead, and one decided batch waits for its badges while the next is decided.
      let next = subscriptions.length > 0 ? load(subscriptions.slice(0, FAN_OUT_BATCH)) : undefined;
      let waiting: { notified: INotifiedRecipient[]; badges: Promise<Map<string, number>> } | undefined;
      for (let offset = 0; next; offset += FAN_OUT_BATCH) {
        const audience = await next;
        threadParent = await threadParentLoad;
        const following = offset + FAN_OUT_BATCH;
        next = following < subscriptions.length ? load(subscriptions.slice(following, following + FAN_OUT_BATCH)) : undefined;
        const notified = decide(audience);
        const badges = audience.badges ? Promise.resolve(audience.badges) : observed(source.unreadElsewhere(notified.map((n) => n.user._id), room._id));
        if (waiting) await queue(waiting.notified, waiting.badges);
        waiting = { notified, badges };
      }
      if (waiting) await queue(waiting.notified, waiting.badges);
    } catch (error) {
      // Nothing this call started is left running behind its failure.
      await Promise.allSettled(writes);
      throw error;
    }
    if (vetoed.length > 0) {
      const vetoedSet = new Set(vetoed);
      for (const [reason, ids] of notifiedBy) notifiedBy.set(reason, ids.filter((id) => !vetoedSet.has(id)));
      skipped.set('VETOED_BY_HOOK', vetoed);
    }

    // The decision log is written once everything is decided, while the last batches are still being inserted.
    const recorded = this.options.decisions.record({
      _id: message._id,
      rid: room._id,
      at: now,
      notified: groups(notifiedBy),
      skipped: groups(skipped),
      delayed,
    });
    const [counts] = await Promise.all([Promise.all(writes), recorded]);
    const enqueued = counts.reduce((n, count) => n + count, 0);

    for (const [decision, userId] of skippedDecisions) {
      await callbacks.run('onPushSkipped', decision, { messageId: message._id, userId });
    }

    for (const [reason, ids] of skipped) result.skipReasons[reason] = ids.length;
    for (const [reason, ids] of notifiedBy) if (ids.length > 0) result.notifyReasons[reason] = ids.length;
    result.notified = notifiedCount - vetoed.length;
    result.skipped = [...skipped.values()].reduce((n, ids) => n + ids.length, 0);
    result.delayed = delayed.length;
    result.enqueued = enqueued;
    return result;
  }

  private entryFor(
    message: IMessage,
    recipient: INotifiedRecipient,
    token: IPushToken,
    notification: IPushNotification,
    settings: IPushSettings,
    now: Date,
  ): IOutboxEntry {
    const platform = 'apn' in token.token ? 'apn' : 'gcm';
    const value = 'apn' in token.token ? token.token.apn : token.token.gcm;
    const key = `${message._id}:${recipient.user._id}:${token._id}`;
    const delayMs = (recipient.decision.delaySeconds ?? 0) * 1000;
    return {
      _id: key,
      mid: message._id,
      rid: message.rid,
      uid: recipient.user._id,
      tokenId: token._id,
      platform,
      token: value,
      appName: token.appName,
      notification,
      apnsId: apnsIdFor(key),
      collapseId: collapseIdFor(message._id, recipient.user._id),
      state: 'queued',
      attempts: 0,
      nextAttemptAt: new Date(now.getTime() + delayMs),
      readyAt: new Date(now.getTime() + delayMs),
      ...(delayMs > 0 ? { cancelOnRead: true } : {}),
      expiresAt: new Date(now.getTime() + delayMs + settings.Push_max_age_seconds * 1000),
      createdAt: now,
      _updatedAt: now,
      history: [],
    };
  }
}

function push(map: Map<ReasonCode, string[]>, reason: ReasonCode, id: string): void {
  const list = map.get(reason);
  if (list) list.push(id);
  else map.set(reason, [id]);
}

function groups(map: Map<ReasonCode, string[]>): IReasonGroup[] {
  return [...map].filter(([, ids]) => ids.length > 0).map(([reason, userIds]) => ({ reason, userIds }));
}

/**
 * The promise itself, marked as handled: work started ahead (a prefetch, a write) may fail while this call is
 * awaiting something else; whoever awaits it later still gets the error, and the process never sees an
 * unhandled rejection.
 */
function observed<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}
