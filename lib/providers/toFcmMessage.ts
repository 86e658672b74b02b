import type { TokenMessage } from 'firebase-admin/messaging';
import type { IPushDelivery } from '../../definitions/IPushTransport';
import { fitTitleAndBody } from './fitTitleAndBody';

/** FCM refuses messages whose payload is over 4096 bytes (messaging/payload-size-limit-exceeded). */
export const FCM_MAX_PAYLOAD_BYTES = 4096;

export interface IFcmMessageOptions {
  /** The time the message is built; the Android TTL counts from here to `delivery.expiresAt`. */
  now: Date;
  /** Large-icon URL for the `inbox` style (Rocket.Chat sends the workspace's 192 px favicon). */
  image?: string;
}

/** The `data` map the Rocket.Chat mobile apps read. FCM requires every value to be a string. */
export interface IFcmData {
  [key: string]: string;
  ejson: string;
  title: string;
  message: string;
  msgcnt: string;
  notId: string;
  soundname: string;
  style: 'inbox';
}

/**
 * The firebase-admin message for one delivery, body then title shortened on grapheme boundaries until the
 * payload (everything but the token) fits 4096 bytes; both texts appear twice (notification and data), and the
 * measurement counts that.
 *
 * The collapse id goes into `android.notification.tag` (a resend replaces the notification already shown instead
 * of adding a duplicate), not into `android.collapseKey`: FCM keeps at most four collapse keys per device while it
 * is offline and drops the rest, so a per-message collapse key would lose pushes for devices that were offline.
 */
export function toFcmMessage(delivery: IPushDelivery, options: IFcmMessageOptions): TokenMessage {
  const n = delivery.notification;
  const ttl = Math.max(0, delivery.expiresAt * 1000 - options.now.getTime());
  const build = (title: string, body: string): TokenMessage => {
    const data: IFcmData = {
      ejson: JSON.stringify(n.payload),
      title,
      message: body,
      msgcnt: String(n.badge),
      notId: String(n.notId),
      soundname: n.sound,
      style: 'inbox',
    };
    if (options.image) data.image = options.image;
    return {
      token: delivery.token,
      notification: title === '' ? { body } : { title, body },
      data,
      android: {
        priority: 'high',
        ttl,
        notification: { tag: delivery.collapseId, sound: n.sound },
      },
    };
  };
  const fitted = fitTitleAndBody(n.title, n.body, FCM_MAX_PAYLOAD_BYTES, (t, b) => fcmPayloadBytes(build(t, b)));
  return build(fitted.title, fitted.body);
}

/** The UTF-8 size of what FCM counts against its limit: the message without the token (conservatively, all of it). */
export function fcmPayloadBytes(message: TokenMessage): number {
  const { token: _token, ...payload } = message;
  return Buffer.byteLength(JSON.stringify(payload), 'utf8');
}
