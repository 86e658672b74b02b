import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Prefix of the bearer tokens the gateway issues: recognisable in a config file, and by secret scanners. */
export const WORKSPACE_TOKEN_PREFIX = 'gwt_';

/** A new bearer token: 256 random bits. */
export function issueWorkspaceToken(): string {
  return WORKSPACE_TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/**
 * What is stored for a token: its SHA-256 (hex). The tokens are long and random, so a plain hash is enough (no
 * salt or slow hash needed, unlike passwords), and it lets the gateway find the workspace by the hash alone.
 */
export function hashWorkspaceToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A new workspace id when the admin did not give the host's `uniqueID`. */
export function newWorkspaceId(): string {
  return randomBytes(12).toString('hex');
}

/** Reads `Authorization: Bearer <token>`; undefined when absent or of another scheme. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(value);
  return match ? match[1] : undefined;
}

/** Compares two secrets in constant time (through their hashes, so lengths may differ). */
export function secretsEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb);
}
