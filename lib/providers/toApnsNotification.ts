import type { IPushDelivery } from '../../definitions/IPushTransport';
import { fitTitleAndBody } from './fitTitleAndBody';

/** APNs refuses larger payloads (413 PayloadTooLarge) for regular remote notifications. */
export const APNS_MAX_PAYLOAD_BYTES = 4096;

export interface IApnsAps {
  alert: { title?: string; body: string };
  badge: number;
  sound: string;
  category: string;
  'thread-id': string;
  'mutable-content': 1;
}

/** The JSON body of an APNs request, in Rocket.Chat's shape (the mobile apps read `ejson` and `messageFrom`). */
export interface IApnsPayload {
  aps: IApnsAps;
  /** The notification payload as a JSON string (Rocket.Chat sends EJSON; ours holds no dates, so it is plain JSON). */
  ejson: string;
  messageFrom: string;
}

export interface IApnsHeaders {
  'apns-id': string;
  'apns-collapse-id': string;
  'apns-topic': string;
  'apns-push-type': 'alert';
  'apns-priority': '10';
  'apns-expiration': string;
}

export interface IApnsRequest {
  headers: IApnsHeaders;
  payload: IApnsPayload;
  /** The JSON body as it goes on the wire: `JSON.stringify(payload)`, serialised once here. */
  body: string;
  /** UTF-8 size of the JSON body. */
  bytes: number;
  /** False when the payload is over the limit even with empty texts (APNs would answer 413). */
  fits: boolean;
}

/**
 * The exact APNs request for one delivery: headers and payload, with the body and then the title shortened on
 * grapheme boundaries until the payload fits 4096 bytes. `mutable-content` is always set so the app's
 * notification service extension can fetch the content in privacy mode; the title is left out when empty.
 */
export function toApnsNotification(delivery: IPushDelivery): IApnsRequest {
  const n = delivery.notification;
  const ejson = JSON.stringify(n.payload);
  const build = (title: string, body: string): IApnsPayload => ({
    aps: {
      alert: title === '' ? { body } : { title, body },
      badge: n.badge,
      sound: n.sound,
      category: n.category,
      'thread-id': n.threadId,
      'mutable-content': 1,
    },
    ejson,
    messageFrom: n.from,
  });
  // Almost every push fits as it is: one serialisation gives both the body and its size. Only a payload over the
  // limit goes through the fitting, which measures candidate payloads until one fits.
  let payload = build(n.title, n.body);
  let body = JSON.stringify(payload);
  let bytes = Buffer.byteLength(body, 'utf8');
  let fits = true;
  if (bytes > APNS_MAX_PAYLOAD_BYTES) {
    const fitted = fitTitleAndBody(n.title, n.body, APNS_MAX_PAYLOAD_BYTES, (t, b) => jsonBytes(build(t, b)), bytes);
    payload = build(fitted.title, fitted.body);
    body = JSON.stringify(payload);
    bytes = fitted.bytes;
    fits = fitted.fits;
  }
  return {
    headers: {
      'apns-id': delivery.apnsId,
      'apns-collapse-id': delivery.collapseId,
      'apns-topic': delivery.appName,
      'apns-push-type': 'alert',
      'apns-priority': '10',
      'apns-expiration': String(delivery.expiresAt),
    },
    payload,
    body,
    bytes,
    fits,
  };
}

function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}
