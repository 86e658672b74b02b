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

/** How many outbox documents go in one insert. */
const ENQUEUE_CHUNK = 1000;
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

interface INotifiedRecipient {
  user: IUser;
  subscription: ISubscription;
  tokens: IPushToken[];
  decision: INotificationDecision;
}

/**
 * Load → decide → build → enqueue, for one saved message. The audience is loaded in a fixed number of queries
 * whatever the room size; each member is decided by the pure filter pipeline; each notified member's push is built
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
    const userIds = subscriptions.map((s) => s.u._id);
    // Small rooms: load the badges with everything else (one round trip less before the push is queued, which is
    // most of a small room's latency). Large rooms: only for the members actually notified, after deciding.
    const earlyBadges = userIds.length <= EARLY_BADGES_MAX_RECIPIENTS;
    const [users, tokens, threadParent, allUnreadElsewhere] = await Promise.all([
      source.users(userIds),
      source.tokens(userIds),
      message.tmid ? source.message(message.tmid) : Promise.resolve(null),
      earlyBadges ? source.unreadElsewhere(userIds, room._id) : undefined,
    ]);

    const mentions = summarizeMentions(message, sender._id);
    const filters = this.options.filters();
    const notified: INotifiedRecipient[] = [];
    const skipped = new Map<ReasonCode, string[]>();
    const notifiedBy = new Map<ReasonCode, string[]>();
    const delayed: string[] = [];
    const skippedDecisions: Array<[INotificationDecision, string]> = [];
    const wantsSkipEvents = callbacks.list('onPushSkipped').length > 0;

    for (const subscription of subscriptions) {
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

    // The badge: unread here (the subscription was read after the counters counted this message) plus elsewhere.
    const unreadElsewhere = allUnreadElsewhere ?? (await source.unreadElsewhere(notified.map((n) => n.user._id), room._id));
    const entries: IOutboxEntry[] = [];
    const vetoed: string[] = [];
    const vetoable = callbacks.list('beforePushSend').length > 0;
    const build = pushNotificationBuilder({ message, room, sender, settings });
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
      for (const token of recipient.tokens) {
        entries.push(this.entryFor(message, recipient, token, notification, settings, now));
      }
    }
    if (vetoed.length > 0) {
      const vetoedSet = new Set(vetoed);
      for (const [reason, ids] of notifiedBy) notifiedBy.set(reason, ids.filter((id) => !vetoedSet.has(id)));
      skipped.set('VETOED_BY_HOOK', vetoed);
    }

    // The outbox and the decision log are independent writes: both go out at once; the worker is woken as soon
    // as the pushes are queued.
    const recorded = this.options.decisions.record({
      _id: message._id,
      rid: room._id,
      at: now,
      notified: groups(notifiedBy),
      skipped: groups(skipped),
      delayed,
    });
    const enqueuing = (async () => {
      let count = 0;
      for (let i = 0; i < entries.length; i += ENQUEUE_CHUNK) count += await this.options.outbox.enqueue(entries.slice(i, i + ENQUEUE_CHUNK));
      if (count > 0) this.options.wake();
      return count;
    })();
    const [enqueued] = await Promise.all([enqueuing, recorded]);

    for (const [decision, userId] of skippedDecisions) {
      await callbacks.run('onPushSkipped', decision, { messageId: message._id, userId });
    }

    for (const [reason, ids] of skipped) result.skipReasons[reason] = ids.length;
    for (const [reason, ids] of notifiedBy) if (ids.length > 0) result.notifyReasons[reason] = ids.length;
    result.notified = notified.length - vetoed.length;
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
