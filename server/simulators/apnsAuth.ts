/**
 * APNs provider authentication as Apple does it: an ES256 provider token (JWT) signed with a registered key
 * (`kid` = key id, `iss` = its team id, `iat` no older than an hour), or a registered TLS client certificate for
 * the right environment. Verified tokens are cached by their exact string, because a provider reuses one token for
 * up to an hour and signature checks are the most expensive per-request work.
 */

import { createPublicKey, KeyObject } from 'crypto';
import type { PeerCertificate } from 'tls';
import { PushError } from '../../lib/errors';
import { APPLE_PUSH_OIDS, readCertificate, topicsOfCertificate } from './certificates';
import { decodeJwt, verifyJwtSignature } from './jwt';

export type ApnsEnvironment = 'sandbox' | 'production';

export interface ApnsSigningKeyRegistration {
  keyId: string;
  teamId: string;
  /** The private key (.p8 PEM); the simulator keeps only its public half. */
  p8?: string;
  /** Or the public key directly. */
  publicKey?: string | KeyObject;
  /** Topics (bundle ids) this key may push to; default: the simulator's `topics` option, or any. */
  topics?: string[];
}

export type ApnsAuth =
  | { type: 'token'; keyId: string; teamId: string; topics: ReadonlySet<string> | null }
  | { type: 'certificate'; fingerprint256: string; topics: readonly string[] };

export type ApnsAuthResult = { ok: true; auth: ApnsAuth } | { ok: false; reason: string };

interface SigningKey {
  teamId: string;
  publicKey: KeyObject;
  topics: ReadonlySet<string> | null;
}

interface RegisteredCertificate {
  topics: string[];
  validFrom: number;
  validTo: number;
  environments: Set<ApnsEnvironment>;
}

/** Apple: provider tokens older than one hour are rejected. */
export const PROVIDER_TOKEN_MAX_AGE_SECONDS = 3600;
const MAX_CACHED_TOKENS = 10_000;

export class ApnsAuthenticator {
  private readonly keys = new Map<string, SigningKey>();
  private readonly certificates = new Map<string, RegisteredCertificate>();
  /** JWT string → what it proved. Only tokens whose signature verified are cached. */
  private readonly verified = new Map<string, { keyId: string; key: SigningKey; iat: number }>();

  constructor(
    private readonly options: {
      now: () => number;
      environment: ApnsEnvironment;
      topics: ReadonlySet<string> | null;
      isRevoked: (keyId: string) => boolean;
    },
  ) {}

  registerSigningKey(registration: ApnsSigningKeyRegistration): void {
    const { keyId, teamId } = registration;
    if (typeof keyId !== 'string' || keyId === '' || typeof teamId !== 'string' || teamId === '') {
      throw new PushError('PUSH_ERR_INVALID_INPUT', ['an APNs signing key needs keyId and teamId']);
    }
    const source = registration.publicKey ?? registration.p8;
    if (!source) throw new PushError('PUSH_ERR_INVALID_INPUT', ['an APNs signing key needs p8 or publicKey']);
    const publicKey = createPublicKey(source);
    if (publicKey.asymmetricKeyType !== 'ec') throw new PushError('PUSH_ERR_INVALID_INPUT', ['APNs signing keys are EC P-256 keys']);
    this.keys.set(keyId, { teamId, publicKey, topics: registration.topics ? new Set(registration.topics) : this.options.topics });
    this.verified.clear(); // a replaced key must not keep vouching for old tokens
  }

  unregisterSigningKey(keyId: string): void {
    this.keys.delete(keyId);
    this.verified.clear();
  }

  registerClientCertificate(certPem: string): { fingerprint256: string; topics: string[] } {
    const info = readCertificate(certPem);
    const environments = new Set<ApnsEnvironment>();
    if (info.extensions.has(APPLE_PUSH_OIDS.sandbox)) environments.add('sandbox');
    if (info.extensions.has(APPLE_PUSH_OIDS.production)) environments.add('production');
    const topics = topicsOfCertificate(info);
    this.certificates.set(info.fingerprint256, {
      topics,
      validFrom: info.validFrom.getTime(),
      validTo: info.validTo.getTime(),
      environments,
    });
    return { fingerprint256: info.fingerprint256, topics };
  }

  /** Checks `authorization: bearer <jwt>`. */
  authenticateToken(authorization: string): ApnsAuthResult {
    const jwt = /^bearer\s+(\S+)$/i.exec(authorization)?.[1];
    if (!jwt) return { ok: false, reason: 'MissingProviderToken' };
    let entry = this.verified.get(jwt);
    if (!entry) {
      const decoded = decodeJwt(jwt);
      if (!decoded) return { ok: false, reason: 'InvalidProviderToken' };
      const { header, payload } = decoded;
      const keyId = header.kid;
      const iat = payload.iat;
      if (header.alg !== 'ES256' || typeof keyId !== 'string' || typeof payload.iss !== 'string' || !Number.isInteger(iat)) {
        return { ok: false, reason: 'InvalidProviderToken' };
      }
      const key = this.keys.get(keyId);
      if (!key || key.teamId !== payload.iss || !verifyJwtSignature(decoded, 'ES256', key.publicKey)) {
        return { ok: false, reason: 'InvalidProviderToken' };
      }
      entry = { keyId, key, iat: iat as number };
      if (this.verified.size >= MAX_CACHED_TOKENS) this.verified.clear();
      this.verified.set(jwt, entry);
    }
    if (this.options.isRevoked(entry.keyId) || this.keys.get(entry.keyId) !== entry.key) {
      return { ok: false, reason: 'InvalidProviderToken' };
    }
    if (this.options.now() / 1000 - entry.iat > PROVIDER_TOKEN_MAX_AGE_SECONDS) {
      return { ok: false, reason: 'ExpiredProviderToken' };
    }
    return { ok: true, auth: { type: 'token', keyId: entry.keyId, teamId: entry.key.teamId, topics: entry.key.topics } };
  }

  /** Checks the TLS client certificate of the connection (none presented → MissingProviderToken). */
  authenticateCertificate(peer: PeerCertificate | undefined): ApnsAuthResult {
    if (!peer || !peer.fingerprint256) return { ok: false, reason: 'MissingProviderToken' };
    const registered = this.certificates.get(peer.fingerprint256);
    const now = this.options.now();
    if (!registered || now < registered.validFrom || now > registered.validTo) return { ok: false, reason: 'BadCertificate' };
    if (!registered.environments.has(this.options.environment)) return { ok: false, reason: 'BadCertificateEnvironment' };
    return { ok: true, auth: { type: 'certificate', fingerprint256: peer.fingerprint256, topics: registered.topics } };
  }
}
