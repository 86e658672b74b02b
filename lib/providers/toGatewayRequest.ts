import type { IPushPayload } from '../../definitions/IPushNotification';
import type { IPushDelivery } from '../../definitions/IPushTransport';

/**
 * `options` of a gateway request: Rocket.Chat's pending notification (`Push.send` in
 * apps/meteor/app/push/server/push.ts) minus `priority`, plus the workspace id, plus, for APNs, the topic.
 * `apnsId` and `collapseId` are ours: stable across retries so a gateway can stay idempotent.
 */
export interface IGatewayOptions {
  createdAt: string;
  /** The gateway still expects this literal. */
  createdBy: '<SERVER>';
  sent: false;
  sending: 0;
  from: string;
  title: string;
  text: string;
  badge: number;
  sound: string;
  notId: number;
  apn: { category: string; topic?: string };
  gcm: { style: 'inbox'; image?: string };
  payload: IPushPayload;
  userId?: string;
  uniqueId: string;
  /** APNs only: the app's bundle id. */
  topic?: string;
  apnsId: string;
  collapseId: string;
}

export interface IGatewayRequest {
  path: '/push/apn/send' | '/push/gcm/send';
  body: { token: string; options: IGatewayOptions };
}

export interface IGatewayRequestOptions {
  /** The workspace id (setting `uniqueID`). */
  uniqueId: string;
  /** `createdAt` of the notification. */
  now: Date;
  userId?: string;
  /** Android large icon URL. */
  image?: string;
}

/** The gateway request for one delivery (`POST {gateway}{path}` with `body` as JSON). */
export function toGatewayRequest(delivery: IPushDelivery, options: IGatewayRequestOptions): IGatewayRequest {
  const n = delivery.notification;
  const isApn = delivery.platform === 'apn';
  const body: IGatewayOptions = {
    createdAt: options.now.toISOString(),
    createdBy: '<SERVER>',
    sent: false,
    sending: 0,
    from: n.from,
    title: n.title,
    text: n.body,
    badge: n.badge,
    sound: n.sound,
    notId: n.notId,
    apn: isApn ? { category: n.category, topic: delivery.appName } : { category: n.category },
    gcm: options.image ? { style: 'inbox', image: options.image } : { style: 'inbox' },
    payload: n.payload,
    uniqueId: options.uniqueId,
    apnsId: delivery.apnsId,
    collapseId: delivery.collapseId,
  };
  if (options.userId !== undefined) body.userId = options.userId;
  if (isApn) body.topic = delivery.appName;
  return { path: isApn ? '/push/apn/send' : '/push/gcm/send', body: { token: delivery.token, options: body } };
}
