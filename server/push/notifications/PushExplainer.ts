import type { IFilterTraceEntry, INotificationFilter, ReasonCode } from '../../../definitions/INotificationDecision';
import type { IOutboxEntry, OutboxState } from '../../../definitions/IOutboxEntry';
import type { PushPlatform } from '../../../definitions/IPushToken';
import type { IPushSettings } from '../../../definitions/IPushSettings';
import { buildNotificationContext } from '../../../lib/filters/buildNotificationContext';
import { evaluateFilters } from '../../../lib/filters/evaluateFilters';
import { summarizeMentions } from '../../../lib/mentions/summarizeMentions';
import { maskToken } from '../../../lib/notifications/maskToken';
import { messageGate } from '../../../lib/notifications/messageGate';
import { PushError } from '../../../lib/errors';
import type { OutboxModel } from '../outbox/OutboxModel';
import { DecisionLogModel } from './DecisionLogModel';
import type { IRecipientSource } from './MongoRecipientSource';

/** What an admin sees for one device: from "never queued" to "delivered" or "token removed". */
export type DeviceStatus =
  | 'not-queued'
  | 'queued'
  | 'delayed'
  | 'sending'
  | 'retrying'
  | 'delivered'
  | 'token-removed'
  | 'rejected'
  | 'expired'
  | 'cancelled';

export interface IExplainedDevice {
  tokenId: string;
  platform: PushPlatform;
  appName: string;
  /** Masked: a device token is a credential. */
  token: string;
  /** The device is still registered. */
  registered: boolean;
  status: DeviceStatus;
  attempts: number;
  nextAttemptAt?: Date;
  deliveredAt?: Date;
  lastError?: IOutboxEntry['lastError'];
  history: IOutboxEntry['history'];
}

export interface IPushExplanation {
  messageId: string;
  userId: string;
  roomId: string;
  /** The pipeline re-run now, with today's settings, statuses and preferences. */
  decision: 'notify' | 'skip';
  reason: ReasonCode;
  delaySeconds?: number;
  trace: IFilterTraceEntry[];
  /** What the pipeline decided when the message was saved (null when not recorded or expired). */
  recorded: { decision: 'notify' | 'skip'; reason: ReasonCode; delayed: boolean; at: Date } | null;
  /** What happened to each of the user's devices for this message. */
  devices: IExplainedDevice[];
  evaluatedAt: Date;
}

export interface IPushExplainerOptions {
  source: IRecipientSource;
  outbox: OutboxModel;
  decisions: DecisionLogModel;
  settings: () => IPushSettings;
  filters: () => readonly INotificationFilter[];
  clock?: () => Date;
}

/**
 * "Why was (or wasn't) this user notified?": re-runs the very pipeline the notification service ran, for one
 * user, and puts it next to what was recorded at the time and what happened to each device.
 */
export class PushExplainer {
  private readonly clock: () => Date;

  constructor(private readonly options: IPushExplainerOptions) {
    this.clock = options.clock ?? (() => new Date());
  }

  /** @throws PushError `PUSH_ERR_NOT_FOUND` when the message does not exist. */
  async explain(messageId: string, userId: string): Promise<IPushExplanation> {
    const { source } = this.options;
    const now = this.clock();
    const settings = this.options.settings();
    const message = await source.message(messageId);
    if (!message) throw new PushError('PUSH_ERR_NOT_FOUND', ['Message']);
    const [room, subscription, users, tokens, entries, log, parent] = await Promise.all([
      source.room(message.rid),
      source.subscription(message.rid, userId),
      source.users([userId]),
      source.tokens([userId]),
      this.options.outbox.findForMessageUser(messageId, userId),
      this.options.decisions.get(messageId),
      message.tmid ? source.message(message.tmid) : Promise.resolve(null),
    ]);
    const user = users.get(userId);
    if (!user) throw new PushError('PUSH_ERR_NOT_FOUND', ['User']);
    const userTokens = tokens.get(userId) ?? [];
    const recordedDecision = log ? DecisionLogModel.lookup(log, userId) : null;
    const base = {
      messageId,
      userId,
      roomId: message.rid,
      recorded: recordedDecision && log ? { ...recordedDecision, at: log.at } : null,
      devices: describeDevices(userTokens, entries, now),
      evaluatedAt: now,
    };

    // The message-level gates, as they stood when the message was saved (a later edit does not undo the push).
    const gate = messageGate({ ts: message.ts, imported: message.imported }, settings, new Date(message.ts));
    if (gate) {
      return { ...base, decision: 'skip', reason: gate, trace: [{ filter: 'messageGate', result: 'skip', reason: gate }] };
    }
    if (!room || !subscription) {
      return { ...base, decision: 'skip', reason: 'NOT_A_MEMBER', trace: [{ filter: 'membership', result: 'skip', reason: 'NOT_A_MEMBER' }] };
    }
    const ctx = buildNotificationContext({
      message,
      room,
      sender: message.u,
      recipient: { user, subscription, tokens: userTokens },
      mentions: summarizeMentions(message, message.u._id),
      threadParent: parent,
      settings,
      now,
    });
    const decision = evaluateFilters(ctx, this.options.filters());
    return { ...base, ...decision };
  }
}

function describeDevices(
  tokens: Array<{ _id: string; token: { apn: string } | { gcm: string }; appName: string }>,
  entries: IOutboxEntry[],
  now: Date,
): IExplainedDevice[] {
  const devices: IExplainedDevice[] = [];
  const registered = new Set(tokens.map((t) => t._id));
  for (const entry of entries) {
    devices.push({
      tokenId: entry.tokenId,
      platform: entry.platform,
      appName: entry.appName,
      token: maskToken(entry.token),
      registered: registered.has(entry.tokenId),
      status: statusOf(entry.state, entry, now),
      attempts: entry.attempts,
      nextAttemptAt: entry.state === 'retry' || entry.state === 'queued' ? entry.nextAttemptAt : undefined,
      deliveredAt: entry.deliveredAt,
      lastError: entry.lastError,
      history: entry.history,
    });
  }
  const queued = new Set(entries.map((e) => e.tokenId));
  for (const token of tokens) {
    if (queued.has(token._id)) continue;
    const platform: PushPlatform = 'apn' in token.token ? 'apn' : 'gcm';
    const value = 'apn' in token.token ? token.token.apn : token.token.gcm;
    devices.push({ tokenId: token._id, platform, appName: token.appName, token: maskToken(value), registered: true, status: 'not-queued', attempts: 0, history: [] });
  }
  return devices;
}

function statusOf(state: OutboxState, entry: IOutboxEntry, now: Date): DeviceStatus {
  switch (state) {
    case 'queued':
      return entry.cancelOnRead && entry.nextAttemptAt > now ? 'delayed' : 'queued';
    case 'retry':
      return 'retrying';
    case 'invalid-token':
      return 'token-removed';
    default:
      return state;
  }
}
