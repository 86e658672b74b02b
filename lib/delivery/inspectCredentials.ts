import { createHash, createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';

/**
 * Pure inspection of credential material with `node:crypto` (parsing, no I/O): what is it, does it parse, when
 * does it expire. Results carry only public facts (ids, subjects, dates, public-key fingerprints), never the
 * material itself.
 */

/** The first 8 bytes of the SHA-256 of a public key (SPKI DER), as 16 hex digits: enough to tell keys apart. */
export function publicKeyFingerprint(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

export type KeyProblem = 'not-pem' | 'unreadable' | 'encrypted-needs-passphrase' | 'wrong-passphrase' | 'not-p256';

export type KeyInspection = { ok: true; key: KeyObject; fingerprint: string } | { ok: false; problem: KeyProblem };

const PEM = /-----BEGIN [A-Z0-9 ]+-----[\s\S]+-----END [A-Z0-9 ]+-----/;

/** Reads a PEM private key (PKCS#8, PKCS#1 or SEC1; encrypted ones with `passphrase`). */
export function inspectPrivateKey(pem: string, passphrase?: string): KeyInspection {
  if (!PEM.test(pem)) return { ok: false, problem: 'not-pem' };
  const encrypted = /ENCRYPTED/.test(pem);
  if (encrypted && !passphrase) return { ok: false, problem: 'encrypted-needs-passphrase' };
  try {
    const key = createPrivateKey(passphrase ? { key: pem, passphrase } : { key: pem });
    return { ok: true, key, fingerprint: publicKeyFingerprint(key) };
  } catch {
    return { ok: false, problem: encrypted ? 'wrong-passphrase' : 'unreadable' };
  }
}

/** Reads an APNs auth key (.p8): an EC P-256 private key in PKCS#8 PEM. */
export function inspectP8Key(pem: string): KeyInspection {
  const inspection = inspectPrivateKey(pem);
  if (!inspection.ok) return inspection;
  const { key } = inspection;
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    return { ok: false, problem: 'not-p256' };
  }
  return inspection;
}

export interface ICertificateFacts {
  subject: string;
  /** The common name, e.g. `Apple Push Services: com.example.chat`. */
  commonName?: string;
  /** The bundle id the certificate is for (its subject `UID`): the APNs topic. */
  topic?: string;
  issuer: string;
  validFrom: Date;
  expiresAt: Date;
  /** 16 hex digits of the SHA-256 of the certificate's public key. */
  fingerprint: string;
  /** The environments Apple's extensions allow (both false for a certificate not issued by Apple). */
  environments: { sandbox: boolean; production: boolean };
  /** Whether `key` is this certificate's private key, when a key was given and parsed. */
  keyMatches?: boolean;
}

export type CertificateInspection = { ok: true; facts: ICertificateFacts } | { ok: false; problem: 'not-pem' | 'unreadable' };

// DER encodings of Apple's APNs client certificate extensions (1.2.840.113635.100.6.3.1 development, .2 production).
const APPLE_DEV_OID = Buffer.from('060a2a864886f76364060301', 'hex');
const APPLE_PROD_OID = Buffer.from('060a2a864886f76364060302', 'hex');

/** Reads a PEM certificate (the first one of a chain) and, when given, checks that `key` belongs to it. */
export function inspectCertificate(pem: string, key?: KeyObject): CertificateInspection {
  if (!PEM.test(pem)) return { ok: false, problem: 'not-pem' };
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch {
    return { ok: false, problem: 'unreadable' };
  }
  const subject = parseDistinguishedName(cert.subject);
  const facts: ICertificateFacts = {
    subject: cert.subject.replace(/\n/g, ', '),
    commonName: subject.CN,
    topic: subject.UID,
    issuer: cert.issuer.replace(/\n/g, ', '),
    validFrom: new Date(cert.validFrom),
    expiresAt: new Date(cert.validTo),
    fingerprint: publicKeyFingerprint(cert.publicKey),
    environments: { sandbox: cert.raw.includes(APPLE_DEV_OID), production: cert.raw.includes(APPLE_PROD_OID) },
  };
  if (key) facts.keyMatches = cert.checkPrivateKey(key);
  return { ok: true, facts };
}

function parseDistinguishedName(dn: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of dn.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) fields[line.slice(0, at)] = line.slice(at + 1);
  }
  return fields;
}
