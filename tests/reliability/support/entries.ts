import { randomBytes } from 'node:crypto';
import type { IOutboxEntry } from '../../../definitions/IOutboxEntry';
import { apnsIdFor, collapseIdFor } from '../../../lib/delivery/deliveryIds';

export const RELIABILITY_APP = 'chat.rocket.reliability';

/**
 * `count` queued outbox entries as the notification service writes them: one per (message, user, device), with
 * the idempotency key as `_id`, its deterministic apns-id and collapse id, a real-looking notification, and a
 * distinct 64-hex APNs token per device.
 */
export function queuedEntries(count: number, options: { messageId?: string; now?: Date } = {}): IOutboxEntry[] {
  const now = options.now ?? new Date();
  const mid = options.messageId ?? `rel-${randomBytes(4).toString('hex')}`;
  return Array.from({ length: count }, (_, i) => {
    const uid = `user-${i}`;
    const tokenId = `device-${i}`;
    const key = `${mid}:${uid}:${tokenId}`;
    return {
      _id: key,
      mid,
      rid: 'room-reliability',
      uid,
      tokenId,
      platform: 'apn' as const,
      token: randomBytes(32).toString('hex'),
      appName: RELIABILITY_APP,
      notification: {
        title: '#reliability',
        body: `alice: message ${mid} for ${uid}`,
        badge: 1,
        sound: 'default',
        category: 'MESSAGE' as const,
        notId: 7,
        threadId: 'room-reliability',
        payload: { host: 'http://localhost', messageId: mid, notificationType: 'message' as const, rid: 'room-reliability' },
        from: 'push',
      },
      apnsId: apnsIdFor(key),
      collapseId: collapseIdFor(mid, uid),
      state: 'queued' as const,
      attempts: 0,
      nextAttemptAt: now,
      readyAt: now,
      expiresAt: new Date(now.getTime() + 3600_000),
      createdAt: now,
      _updatedAt: now,
      history: [],
    };
  });
}
