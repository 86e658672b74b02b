import type { IOutboxEntry, OutboxState } from '../../../definitions/IOutboxEntry';
import type { IPushSettings } from '../../../definitions/IPushSettings';
import type { IUser } from '../../../definitions/IUser';
import type { IConfigurationProblem } from '../../../lib/delivery/diagnosePushConfiguration';
import { apnsIdFor } from '../../../lib/delivery/deliveryIds';
import { PushError } from '../../../lib/errors';
import { maskToken } from '../../../lib/notifications/maskToken';
import { buildTestNotification } from '../../../lib/payload/buildTestNotification';
import { randomId } from '../../host/util/random';
import type { OutboxModel } from '../outbox/OutboxModel';
import type { PushTokenService } from '../tokens/PushTokenService';

/** What an admin sees for one device after a test push. */
export type TestOutcome = 'delivered' | 'token-removed' | 'rejected' | 'retrying' | 'expired' | 'pending';

export interface ITestPushResult {
  token: string;
  appName: string;
  platform: 'apn' | 'gcm';
  outcome: TestOutcome;
  reason?: string;
  status?: number;
  detail?: string;
  nextAttemptAt?: Date;
}

export interface ITestPushReport {
  tokensCount: number;
  results: ITestPushResult[];
  /** What is wrong with the configuration, if anything (the same list the admin page and /healthz show). */
  problems: IConfigurationProblem[];
}

export interface IPushTesterOptions {
  outbox: OutboxModel;
  tokens: PushTokenService;
  settings: () => IPushSettings;
  /** What is wrong with the configuration now (shown with the results). */
  problems: () => IConfigurationProblem[];
  wake: () => void;
  clock?: () => Date;
  /** How long to wait for the providers' answers. @defaultValue 10000 */
  waitMs?: number;
  /** @defaultValue 100 */
  pollMs?: number;
}

const FINAL: Partial<Record<OutboxState, TestOutcome>> = {
  delivered: 'delivered',
  'invalid-token': 'token-removed',
  rejected: 'rejected',
  expired: 'expired',
  retry: 'retrying',
};

/**
 * `push.test`, done properly: the test push goes through the real path (outbox, worker, transport, provider) to
 * each of the caller's devices, and the answer says what happened to each one — delivered, token removed,
 * rejected and why, still retrying — instead of Rocket.Chat's "sent to N devices" while nothing arrives.
 */
export class PushTester {
  private readonly clock: () => Date;

  constructor(private readonly options: IPushTesterOptions) {
    this.clock = options.clock ?? (() => new Date());
  }

  async run(user: Pick<IUser, '_id' | 'username'>): Promise<ITestPushReport> {
    const settings = this.options.settings();
    if (!settings.Push_enable) throw new PushError('PUSH_ERR_PUSH_DISABLED');
    const devices = await this.options.tokens.ofUser(user._id);
    if (devices.length === 0) throw new PushError('PUSH_ERR_NO_DEVICES');
    const now = this.clock();
    const mid = `push-test-${randomId()}`;
    const notification = buildTestNotification({ username: user.username, settings });
    const entries: IOutboxEntry[] = devices.map((device) => {
      const key = `${mid}:${user._id}:${device._id}`;
      const platform = 'apn' in device.token ? 'apn' : 'gcm';
      return {
        _id: key,
        mid,
        rid: '',
        uid: user._id,
        tokenId: device._id,
        platform,
        token: 'apn' in device.token ? device.token.apn : device.token.gcm,
        appName: device.appName,
        notification,
        apnsId: apnsIdFor(key),
        collapseId: mid,
        state: 'queued',
        attempts: 0,
        nextAttemptAt: now,
        readyAt: now,
        // A test nobody sees within a few minutes is pointless: let it expire instead of retrying for hours.
        expiresAt: new Date(now.getTime() + 5 * 60_000),
        createdAt: now,
        _updatedAt: now,
        history: [],
      };
    });
    await this.options.outbox.enqueue(entries);
    this.options.wake();
    const settled = await this.waitForOutcomes(mid, user._id, entries.length);
    return {
      tokensCount: devices.length,
      results: settled.map(describe),
      problems: this.options.problems(),
    };
  }

  /** Polls the outbox (the push may be delivered by another instance's worker) until every device has an answer. */
  private async waitForOutcomes(mid: string, uid: string, count: number): Promise<IOutboxEntry[]> {
    const deadline = Date.now() + (this.options.waitMs ?? 10_000);
    for (;;) {
      const entries = await this.options.outbox.findForMessageUser(mid, uid);
      const answered = entries.filter((e) => FINAL[e.state] !== undefined).length;
      if ((answered === count && entries.length === count) || Date.now() >= deadline) return entries;
      await new Promise((resolve) => setTimeout(resolve, this.options.pollMs ?? 100));
    }
  }
}

function describe(entry: IOutboxEntry): ITestPushResult {
  const result: ITestPushResult = {
    token: maskToken(entry.token),
    appName: entry.appName,
    platform: entry.platform,
    outcome: FINAL[entry.state] ?? 'pending',
  };
  const last = entry.history.at(-1);
  if (result.outcome !== 'delivered' && last) {
    if (last.reason) result.reason = last.reason;
    if (last.status) result.status = last.status;
    if (last.detail) result.detail = last.detail;
  }
  if (entry.state === 'retry') result.nextAttemptAt = entry.nextAttemptAt;
  return result;
}
