import { createHash } from 'node:crypto';

/**
 * A fixed namespace for our name-based UUIDs (RFC 9562 §5.5), so that our ids never collide with another
 * system hashing the same key. Changing it would change every id and defeat deduplication across an upgrade.
 */
const NAMESPACE = Buffer.from('6f1c2d3e4a5b4c6d8e7f9a0b1c2d3e4f', 'hex');

/**
 * The `apns-id` for a push: a version-5 UUID of the outbox idempotency key. The same key gives the same id on
 * every retry and on every instance, so a push resent after a lost answer carries the id of the first try
 * (APNs echoes it; the gateway can deduplicate on it).
 */
export function apnsIdFor(idempotencyKey: string): string {
  const bytes = createHash('sha1').update(NAMESPACE).update(idempotencyKey, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50; // version 5
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The collapse id of a message for one user (APNs `apns-collapse-id`, at most 64 bytes; FCM notification tag):
 * every device of the user, and every resend, shows that message as one notification, replacing an earlier
 * copy instead of adding a duplicate. 22 base64url characters (132 bits) of a SHA-256 keep it short and opaque.
 */
export function collapseIdFor(messageId: string, userId: string): string {
  return createHash('sha256').update(`${messageId}\u0000${userId}`, 'utf8').digest('base64url').slice(0, 22);
}
