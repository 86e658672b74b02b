import { randomBytes } from 'node:crypto';

/** Meteor's `Random.id()` alphabet: no 0/O/1/l/I lookalikes. */
const ID_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz';
/** Meteor's `Random.secret()` alphabet (URL-safe base64). */
const SECRET_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_';

function randomString(length: number, alphabet: string): string {
  // Rejection sampling keeps every character equally likely (no modulo bias).
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < limit) out += alphabet[byte % alphabet.length];
      if (out.length === length) break;
    }
  }
  return out;
}

/** A document id like Meteor's `Random.id()`: 17 characters, about 99 bits. */
export function randomId(length = 17): string {
  return randomString(length, ID_ALPHABET);
}

/** A secret like Meteor's `Random.secret()`: 43 URL-safe characters, 258 bits. Used for login tokens. */
export function randomSecret(length = 43): string {
  return randomString(length, SECRET_ALPHABET);
}

export const RANDOM_ID_ALPHABET = ID_ALPHABET;
