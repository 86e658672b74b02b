import { APNS_MAX_PAYLOAD_BYTES, toApnsNotification } from '../../../lib/providers/toApnsNotification';
import { ELLIPSIS } from '../../../lib/payload/truncate';
import { aDelivery, aNotification } from '../../fakes/deliveries';

const FAMILY = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466}';

function bytesOf(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

function graphemes(text: string): string[] {
  return [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)].map((s) => s.segment);
}

describe('toApnsNotification', () => {
  it('builds the exact payload and headers', () => {
    const delivery = aDelivery({ appName: 'com.example.chat', expiresAt: 1_900_000_000 });
    const request = toApnsNotification(delivery);
    expect(request.payload).toEqual({
      aps: {
        alert: { title: '#general', body: 'alice: hello there' },
        badge: 3,
        sound: 'default',
        category: 'MESSAGE',
        'thread-id': 'room-1',
        'mutable-content': 1,
      },
      ejson: JSON.stringify(delivery.notification.payload),
      messageFrom: 'push',
    });
    expect(request.headers).toEqual({
      'apns-id': delivery.apnsId,
      'apns-collapse-id': delivery.collapseId,
      'apns-topic': 'com.example.chat',
      'apns-push-type': 'alert',
      'apns-priority': '10',
      'apns-expiration': '1900000000',
    });
    expect(JSON.parse(request.payload.ejson)).toEqual(delivery.notification.payload);
    expect(request.body).toBe(JSON.stringify(request.payload));
    expect(request.bytes).toBe(bytesOf(request.payload));
    expect(request.fits).toBe(true);
  });

  it('leaves out an empty title (privacy mode)', () => {
    const request = toApnsNotification(aDelivery({ notification: aNotification({ title: '', body: 'You have a new message' }) }));
    expect(request.payload.aps.alert).toEqual({ body: 'You have a new message' });
  });

  it('shortens an emoji-heavy body on grapheme boundaries to fit 4096 bytes', () => {
    const body = FAMILY.repeat(400); // 25 bytes each: 10,000 bytes
    const request = toApnsNotification(aDelivery({ notification: aNotification({ body }) }));
    const kept = request.payload.aps.alert.body;
    expect(kept.endsWith(ELLIPSIS)).toBe(true);
    expect(graphemes(kept.slice(0, -1)).every((g) => g === FAMILY)).toBe(true);
    expect(request.bytes).toBe(bytesOf(request.payload));
    // The body sent is the fitted payload, not the one first measured.
    expect(request.body).toBe(JSON.stringify(request.payload));
    expect(request.bytes).toBeLessThanOrEqual(APNS_MAX_PAYLOAD_BYTES);
    // As long as possible: one more family would not fit.
    expect(request.bytes + Buffer.byteLength(FAMILY)).toBeGreaterThan(APNS_MAX_PAYLOAD_BYTES);
    expect(request.payload.aps.alert.title).toBe('#general');
  });

  it('counts JSON escaping (quotes, backslashes, control characters) against the limit', () => {
    const body = '"\\\n'.repeat(2000);
    const request = toApnsNotification(aDelivery({ notification: aNotification({ body }) }));
    expect(bytesOf(request.payload)).toBeLessThanOrEqual(APNS_MAX_PAYLOAD_BYTES);
    expect(request.payload.aps.alert.body.length).toBeGreaterThan(1000);
  });

  it('shortens the title only when an empty body is not enough', () => {
    const title = 'Ω'.repeat(3000); // 6000 bytes
    const request = toApnsNotification(aDelivery({ notification: aNotification({ title, body: 'short' }) }));
    expect(request.payload.aps.alert.body).toBe('');
    expect(request.payload.aps.alert.title!.endsWith(ELLIPSIS)).toBe(true);
    expect(request.bytes).toBeLessThanOrEqual(APNS_MAX_PAYLOAD_BYTES);
    expect(request.fits).toBe(true);
  });

  it('does not touch texts that fit', () => {
    const body = '😀'.repeat(100);
    expect(toApnsNotification(aDelivery({ notification: aNotification({ body }) })).payload.aps.alert.body).toBe(body);
  });

  it('says so when the payload cannot fit even with empty texts', () => {
    const notification = aNotification();
    const huge = aNotification({ payload: { ...notification.payload, name: 'x'.repeat(5000) } });
    const request = toApnsNotification(aDelivery({ notification: huge }));
    expect(request.fits).toBe(false);
    expect(request.bytes).toBeGreaterThan(APNS_MAX_PAYLOAD_BYTES);
  });
});
