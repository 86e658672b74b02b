import { FCM_MAX_PAYLOAD_BYTES, fcmPayloadBytes, toFcmMessage } from '../../../lib/providers/toFcmMessage';
import { ELLIPSIS } from '../../../lib/payload/truncate';
import { aDelivery, aNotification } from '../../fakes/deliveries';

const NOW = new Date('2030-01-01T00:00:00Z');
const THUMBS = '\u{1F44D}\u{1F3FF}';

describe('toFcmMessage', () => {
  it('builds the exact firebase-admin message', () => {
    const delivery = aDelivery({ platform: 'gcm', token: 'fcm-token-1', expiresAt: NOW.getTime() / 1000 + 3600 });
    const message = toFcmMessage(delivery, { now: NOW, image: 'https://chat.example.com/favicon-192.png' });
    expect(message).toEqual({
      token: 'fcm-token-1',
      notification: { title: '#general', body: 'alice: hello there' },
      data: {
        ejson: JSON.stringify(delivery.notification.payload),
        title: '#general',
        message: 'alice: hello there',
        msgcnt: '3',
        notId: '123456',
        soundname: 'default',
        style: 'inbox',
        image: 'https://chat.example.com/favicon-192.png',
      },
      android: {
        priority: 'high',
        ttl: 3_600_000,
        notification: { tag: delivery.collapseId, sound: 'default' },
      },
    });
  });

  it('has only string values in data', () => {
    const message = toFcmMessage(aDelivery({ platform: 'gcm' }), { now: NOW });
    for (const value of Object.values(message.data ?? {})) expect(typeof value).toBe('string');
    expect(message.data).not.toHaveProperty('image');
  });

  it('does not set a per-message collapse key (FCM keeps only four per offline device)', () => {
    expect(toFcmMessage(aDelivery({ platform: 'gcm' }), { now: NOW }).android).not.toHaveProperty('collapseKey');
  });

  it('never gives a negative TTL for an expired push', () => {
    const message = toFcmMessage(aDelivery({ platform: 'gcm', expiresAt: NOW.getTime() / 1000 - 10 }), { now: NOW });
    expect(message.android?.ttl).toBe(0);
  });

  it('fits emoji-heavy text to 4096 bytes, counting the body in notification and data', () => {
    const body = THUMBS.repeat(1000); // 8000 bytes, twice
    const message = toFcmMessage(aDelivery({ platform: 'gcm', notification: aNotification({ body }) }), { now: NOW });
    const kept = message.notification!.body!;
    expect(kept.endsWith(ELLIPSIS)).toBe(true);
    expect(kept.slice(0, -1)).toBe(THUMBS.repeat((kept.length - 1) / THUMBS.length));
    expect(message.data!.message).toBe(kept);
    expect(fcmPayloadBytes(message)).toBeLessThanOrEqual(FCM_MAX_PAYLOAD_BYTES);
    expect(fcmPayloadBytes(message) + 2 * Buffer.byteLength(THUMBS)).toBeGreaterThan(FCM_MAX_PAYLOAD_BYTES);
  });

  it('shortens the title when an empty body is not enough', () => {
    const title = 'é'.repeat(2000);
    const message = toFcmMessage(aDelivery({ platform: 'gcm', notification: aNotification({ title }) }), { now: NOW });
    expect(message.notification).toEqual({ title: message.data!.title, body: '' });
    expect(message.data!.title.endsWith(ELLIPSIS)).toBe(true);
    expect(fcmPayloadBytes(message)).toBeLessThanOrEqual(FCM_MAX_PAYLOAD_BYTES);
  });

  it('measures everything but the token', () => {
    const message = toFcmMessage(aDelivery({ platform: 'gcm', token: 'x'.repeat(5000) }), { now: NOW });
    expect(fcmPayloadBytes(message)).toBeLessThan(1000);
  });
});
