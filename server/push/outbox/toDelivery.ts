import type { IOutboxEntry } from '../../../definitions/IOutboxEntry';
import type { IPushDelivery } from '../../../definitions/IPushTransport';

/** What a transport needs from an outbox entry. */
export function toDelivery(entry: IOutboxEntry): IPushDelivery {
  return {
    id: entry._id,
    platform: entry.platform,
    token: entry.token,
    appName: entry.appName,
    notification: entry.notification,
    apnsId: entry.apnsId,
    collapseId: entry.collapseId,
    expiresAt: Math.floor(entry.expiresAt.getTime() / 1000),
    userId: entry.uid,
  };
}
