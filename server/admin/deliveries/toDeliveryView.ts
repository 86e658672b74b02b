import type { IOutboxEntry, OutboxState } from '../../../definitions/IOutboxEntry';
import type { DeliveryOutcome } from '../../../definitions/IPushTransport';
import type { PushPlatform } from '../../../definitions/IPushToken';
import { maskToken } from '../../../lib/notifications/maskToken';
import type { ISettledDelivery } from '../../push/outbox/OutboxWorker';

/**
 * One push to one device as the admin's delivery log shows it: who, which device (masked: a device token is a
 * credential), where it stands, and the provider's last answer. No notification content: the log is for
 * delivery, not for reading people's messages.
 */
export interface IDeliveryView {
  /** The outbox entry id (`<message id>:<user id>:<device id>`). */
  id: string;
  /** When this state was recorded. */
  at: Date;
  mid: string;
  rid: string;
  uid: string;
  username?: string;
  /** A `push.test` / "Send a test push" push, not a chat message. */
  test: boolean;
  platform: PushPlatform;
  appName: string;
  token: string;
  state: OutboxState;
  attempts: number;
  /** The last answer's outcome, route and reason. */
  outcome?: DeliveryOutcome | 'error';
  route?: string;
  status?: number;
  reason?: string;
  detail?: string;
  nextAttemptAt?: Date;
  deliveredAt?: Date;
}

/** An outbox entry (for `push.admin.deliveries`). */
export function entryToView(entry: IOutboxEntry, usernames: ReadonlyMap<string, string>): IDeliveryView {
  const last = entry.history.at(-1);
  return compact({
    ...common(entry, usernames),
    at: entry._updatedAt,
    state: entry.state,
    attempts: entry.attempts,
    outcome: last?.outcome,
    route: last?.route,
    status: last?.status,
    reason: last?.reason,
    detail: last?.detail,
    nextAttemptAt: entry.state === 'retry' || entry.state === 'queued' ? entry.nextAttemptAt : undefined,
    deliveredAt: entry.deliveredAt,
  });
}

/** An outcome the worker just recorded (for the live stream); `entry` is the entry as it was claimed. */
export function settledToView(settled: ISettledDelivery, usernames: ReadonlyMap<string, string>, at: Date): IDeliveryView {
  const { entry, result, state } = settled;
  return compact({
    ...common(entry, usernames),
    at,
    state,
    attempts: entry.attempts,
    outcome: result.outcome,
    route: result.route,
    status: result.status,
    reason: result.reason,
    detail: result.detail,
    nextAttemptAt: state === 'retry' ? settled.nextAttemptAt : undefined,
    deliveredAt: state === 'delivered' ? at : undefined,
  });
}

function common(entry: IOutboxEntry, usernames: ReadonlyMap<string, string>) {
  return {
    id: entry._id,
    mid: entry.mid,
    rid: entry.rid,
    uid: entry.uid,
    username: usernames.get(entry.uid),
    test: entry.mid.startsWith('push-test-'),
    platform: entry.platform,
    appName: entry.appName,
    token: maskToken(entry.token),
  };
}

/** Drops undefined fields, so JSON answers carry only what is known. */
function compact<T extends object>(view: T): T {
  for (const key of Object.keys(view) as Array<keyof T>) if (view[key] === undefined) delete view[key];
  return view;
}
