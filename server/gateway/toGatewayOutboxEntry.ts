import { createHash } from 'node:crypto';
import type { IPushNotification, IPushPayload } from '../../definitions/IPushNotification';
import { apnsIdFor } from '../../lib/delivery/deliveryIds';
import type { IParsedGatewayRequest } from './parseGatewayRequest';
import type { IGatewayOutboxEntry } from './types';

/**
 * The idempotency key of a gateway request: `<workspaceId>:<apnsId>` when the sender gave a stable `apnsId` (our
 * GatewayTransport always does, the same on every retry), else `<workspaceId>:<SHA-256 of the whole body>` (a
 * Rocket.Chat server resends the very same body, `createdAt` included, when it retries). Either way a request that
 * is retried after a lost answer maps to the push already accepted instead of a second one.
 */
export function gatewayIdempotencyKey(workspaceId: string, request: IParsedGatewayRequest, rawBody: unknown): string {
  if (request.apnsId) return `${workspaceId}:${request.apnsId}`;
  return `${workspaceId}:${createHash('sha256').update(canonicalJson(rawBody), 'utf8').digest('hex')}`;
}

/** JSON with object keys sorted, so that the same body hashes the same whatever the sender's key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value as object).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export interface IGatewayEntryInput {
  key: string;
  workspaceId: string;
  request: IParsedGatewayRequest;
  now: Date;
  /** How long the gateway keeps trying; also the provider expiration. */
  maxAgeMs: number;
}

/** The outbox entry for an accepted gateway push: the notification as our transports build provider requests from it. */
export function toGatewayOutboxEntry({ key, workspaceId, request, now, maxAgeMs }: IGatewayEntryInput): IGatewayOutboxEntry {
  const payload = request.payload as Partial<IPushPayload>;
  const notification: IPushNotification = {
    title: request.title,
    body: request.text,
    badge: request.badge,
    sound: request.sound,
    // The category is passed through as the sender chose it: Rocket.Chat also sends e.g. `VIDEOCONF`, which the
    // provider builders copy verbatim; the narrower type describes what our own server produces.
    category: request.category as IPushNotification['category'],
    notId: request.notId,
    // Rocket.Chat's direct APNs sender groups by `threadId = String(notId)`; a gateway must do the same.
    threadId: String(request.notId),
    // The payload is the sender's (the app reads it as `ejson`); it is forwarded untouched.
    payload: request.payload as unknown as IPushPayload,
    from: request.from,
  };
  const apnsId = request.apnsId ?? apnsIdFor(key);
  return {
    _id: key,
    workspaceId,
    mid: typeof payload.messageId === 'string' ? payload.messageId : '',
    rid: typeof payload.rid === 'string' ? payload.rid : '',
    uid: request.userId ?? '',
    // No device document at the gateway: the token's hash stands in for its id (the token itself is in `token`).
    tokenId: createHash('sha256').update(request.token, 'utf8').digest('hex').slice(0, 24),
    platform: request.platform,
    token: request.token,
    appName: request.topic ?? '',
    notification,
    apnsId,
    // Without a collapse id from the sender, a per-push one: it replaces only a resend of this very push.
    collapseId: request.collapseId ?? createHash('sha256').update(key, 'utf8').digest('base64url').slice(0, 22),
    state: 'queued',
    attempts: 0,
    nextAttemptAt: now,
    readyAt: now,
    expiresAt: new Date(now.getTime() + maxAgeMs),
    createdAt: now,
    _updatedAt: now,
    history: [],
  };
}
