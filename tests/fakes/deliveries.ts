import type { IPushNotification } from '../../definitions/IPushNotification';
import type { IPushDelivery } from '../../definitions/IPushTransport';
import type { PushPlatform } from '../../definitions/IPushToken';
import { apnsIdFor, collapseIdFor } from '../../lib/delivery/deliveryIds';

let counter = 0;

/** A plausible notification; override any field. */
export function aNotification(overrides: Partial<IPushNotification> = {}): IPushNotification {
  return {
    title: '#general',
    body: 'alice: hello there',
    badge: 3,
    sound: 'default',
    category: 'MESSAGE',
    notId: 123456,
    threadId: 'room-1',
    payload: {
      host: 'https://chat.example.com',
      messageId: 'msg-1',
      notificationType: 'message',
      rid: 'room-1',
      sender: { _id: 'alice-id', username: 'alice', name: 'Alice' },
      senderName: 'Alice',
      type: 'c',
      name: 'general',
      messageType: '',
    },
    from: 'push',
    ...overrides,
  };
}

/**
 * A delivery with ids derived the way the outbox derives them (`<mid>:<uid>:<tokenId>`), expiring an hour after
 * 2030-01-01 unless overridden.
 */
export function aDelivery(overrides: Partial<IPushDelivery> & { messageId?: string; userId?: string } = {}): IPushDelivery {
  counter += 1;
  const { messageId = `msg-${counter}`, userId = 'bob-id', ...rest } = overrides;
  const platform: PushPlatform = rest.platform ?? 'apn';
  const tokenId = `token-${counter}`;
  const id = rest.id ?? `${messageId}:${userId}:${tokenId}`;
  return {
    id,
    platform,
    token: platform === 'apn' ? `live${'0'.repeat(60)}${counter}`.slice(0, 64) : `live-fcm-token-${counter}`,
    appName: 'chat.rocket.ios',
    notification: aNotification(),
    apnsId: apnsIdFor(id),
    collapseId: collapseIdFor(messageId, userId),
    expiresAt: Date.UTC(2030, 0, 1, 1) / 1000,
    ...rest,
  };
}
