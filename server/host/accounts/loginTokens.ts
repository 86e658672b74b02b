import { createHash } from 'node:crypto';
import { randomSecret } from '../util/random';

/** Meteor's `Accounts._hashLoginToken`: sha256, base64. Only the hash is stored; the client keeps the token. */
export function hashLoginToken(token: string): string {
  return createHash('sha256').update(token).digest('base64');
}

/** A new login token (43 URL-safe characters, as Meteor's `Random.secret()`). */
export function generateLoginToken(): string {
  return randomSecret();
}
