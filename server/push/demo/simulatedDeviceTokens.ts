import { randomBytes } from 'node:crypto';

/** An APNs device token as iOS hands it out: 32 bytes, 64 hex digits. */
export function simulatedApnsToken(): string {
  return randomBytes(32).toString('hex');
}

/**
 * An FCM registration token shaped like Google's: an instance id, a colon, then `APA91b` and a long base64url tail
 * (about 160 characters in all).
 */
export function simulatedFcmToken(): string {
  const instance = randomBytes(16).toString('base64url').slice(0, 22);
  const tail = randomBytes(102).toString('base64url').slice(0, 134);
  return `${instance}:APA91b${tail}`;
}
