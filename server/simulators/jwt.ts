/**
 * Compact JWS (JWT) helpers for the two algorithms the push providers use: ES256 (Apple provider tokens) and RS256
 * (Google service-account assertions). Signing is here too so tests and tools can mint tokens the simulators
 * accept or deliberately refuse (stale `iat`, unknown `kid`).
 */

import { createPrivateKey, KeyObject, sign, verify } from 'crypto';

export type JwtAlgorithm = 'ES256' | 'RS256';

export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  /** `base64url(header) + '.' + base64url(payload)`: the signed bytes. */
  signingInput: string;
  signature: Buffer;
}

export const base64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

function parsePart(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Splits and parses a compact JWT; null when it is not one. Verifies nothing. */
export function decodeJwt(token: string): DecodedJwt | null {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => p.length === 0 || !/^[A-Za-z0-9_-]+$/.test(p))) return null;
  const header = parsePart(parts[0]);
  const payload = parsePart(parts[1]);
  if (!header || !payload) return null;
  return { header, payload, signingInput: `${parts[0]}.${parts[1]}`, signature: Buffer.from(parts[2], 'base64url') };
}

/** Checks the signature for the given algorithm (ES256 signatures are JOSE `r || s`, not DER). */
export function verifyJwtSignature(jwt: DecodedJwt, algorithm: JwtAlgorithm, publicKey: KeyObject): boolean {
  try {
    const data = Buffer.from(jwt.signingInput);
    if (algorithm === 'ES256') {
      return jwt.signature.length === 64 && verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, jwt.signature);
    }
    return verify('sha256', data, publicKey, jwt.signature);
  } catch {
    return false;
  }
}

/** Signs a JWT; `header.alg` is set from `algorithm`. */
export function signJwt(
  algorithm: JwtAlgorithm,
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  privateKey: KeyObject | string,
): string {
  const signingInput = `${base64url(JSON.stringify({ ...header, alg: algorithm }))}.${base64url(JSON.stringify(payload))}`;
  const data = Buffer.from(signingInput);
  const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  const signature = algorithm === 'ES256' ? sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' }) : sign('sha256', data, key);
  return `${signingInput}.${base64url(signature)}`;
}
