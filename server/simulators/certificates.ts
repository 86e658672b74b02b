/**
 * X.509 certificates built with Node's `crypto` and our DER writer, so no `openssl` binary is needed: TLS server
 * certificates for the simulators, a CA to sign with, and client certificates shaped like Apple's push certificates.
 */

import { createHash, createPrivateKey, generateKeyPairSync, KeyObject, randomBytes, sign, X509Certificate } from 'crypto';
import {
  bitString,
  boolean,
  decodeOid,
  explicit,
  ia5String,
  ipAddressBytes,
  namedBits,
  octetString,
  oid,
  printableString,
  readChildren,
  readElement,
  sequence,
  set,
  smallInteger,
  tlv,
  time,
  unsignedInteger,
  utf8String,
  derNull,
  Tag,
} from './der';

export type KeyAlgorithm = 'ec' | 'rsa';

/** Subject attributes by their usual short names. */
export interface SubjectAttributes {
  C?: string;
  ST?: string;
  L?: string;
  O?: string;
  OU?: string;
  UID?: string;
}

export interface CertificateExtension {
  oid: string;
  critical?: boolean;
  /** DER bytes of the extension value (what goes inside extnValue's OCTET STRING). */
  value: Buffer;
}

export interface CertificateOptions {
  commonName: string;
  altNames?: { dns?: string[]; ip?: string[] };
  /** Validity in days from `notBefore` (default 365). */
  days?: number;
  /** Start of validity (default: one minute ago, to tolerate clock skew). */
  notBefore?: Date;
  /** Sign with this CA instead of self-signing. */
  issuer?: { cert: string; key: string };
  /** Extra subject attributes (UID, O, OU, C...). */
  subject?: SubjectAttributes;
  /** Key type of the new certificate (default `ec`, P-256). */
  keyAlgorithm?: KeyAlgorithm;
  /** Make it a CA certificate (basicConstraints cA, keyCertSign). */
  isCa?: boolean;
  /** Extended key usages (default: serverAuth and clientAuth for leaf certificates, none for a CA). */
  extKeyUsage?: Array<'serverAuth' | 'clientAuth'>;
  /** Further extensions, e.g. Apple's push-environment markers. */
  extensions?: CertificateExtension[];
}

export interface GeneratedCertificate {
  certPem: string;
  /** PKCS#8 PEM. */
  keyPem: string;
  /** `AB:CD:...`, as `X509Certificate.fingerprint256` and `tlsSocket.getPeerCertificate().fingerprint256` say it. */
  fingerprint256: string;
}

const OIDS = {
  ecPublicKey: '1.2.840.10045.2.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  commonName: '2.5.4.3',
  country: '2.5.4.6',
  locality: '2.5.4.7',
  state: '2.5.4.8',
  organization: '2.5.4.10',
  organizationalUnit: '2.5.4.11',
  userId: '0.9.2342.19200300.100.1.1',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

/** Apple's OIDs in push certificates (the environment markers node-apn checks, and the topic list). */
export const APPLE_PUSH_OIDS = {
  sandbox: '1.2.840.113635.100.6.3.1',
  production: '1.2.840.113635.100.6.3.2',
  topics: '1.2.840.113635.100.6.3.6',
} as const;

const SUBJECT_OIDS: Record<keyof SubjectAttributes | 'CN', string> = {
  C: OIDS.country,
  ST: OIDS.state,
  L: OIDS.locality,
  O: OIDS.organization,
  OU: OIDS.organizationalUnit,
  UID: OIDS.userId,
  CN: OIDS.commonName,
};
const SUBJECT_NAMES: Record<string, string> = Object.fromEntries(
  Object.entries(SUBJECT_OIDS).map(([name, id]) => [id, name]),
);

function toPem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

function encodeName(subject: SubjectAttributes, commonName: string): Buffer {
  // Order as Apple's certificates show it: UID, CN, OU, O, C (then the rest).
  const ordered: Array<[keyof typeof SUBJECT_OIDS, string | undefined]> = [
    ['UID', subject.UID],
    ['CN', commonName],
    ['OU', subject.OU],
    ['O', subject.O],
    ['L', subject.L],
    ['ST', subject.ST],
    ['C', subject.C],
  ];
  const rdns = ordered
    .filter((entry): entry is [keyof typeof SUBJECT_OIDS, string] => typeof entry[1] === 'string')
    .map(([name, value]) =>
      set(sequence(oid(SUBJECT_OIDS[name]), name === 'C' ? printableString(value) : utf8String(value))),
    );
  return sequence(...rdns);
}

function extension(id: string, value: Buffer, critical = false): Buffer {
  return critical ? sequence(oid(id), boolean(true), octetString(value)) : sequence(oid(id), octetString(value));
}

/** SHA-1 of the subjectPublicKey bits (RFC 5280 §4.2.1.2, method 1). */
function keyIdentifier(spkiDer: Buffer): Buffer {
  const [, keyBits] = readChildren(readElement(spkiDer).content);
  return createHash('sha1').update(keyBits.content.subarray(1)).digest();
}

function signatureAlgorithm(signer: KeyObject): Buffer {
  if (signer.asymmetricKeyType === 'ec') return sequence(oid(OIDS.ecdsaWithSha256));
  if (signer.asymmetricKeyType === 'rsa') return sequence(oid(OIDS.sha256WithRsa), derNull());
  throw new Error(`Unsupported signing key type ${signer.asymmetricKeyType}`);
}

function generateKeys(algorithm: KeyAlgorithm): { privateKey: KeyObject; publicKey: KeyObject } {
  return algorithm === 'rsa'
    ? generateKeyPairSync('rsa', { modulusLength: 2048 })
    : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
}

/**
 * Builds a certificate for a fresh key pair: self-signed, or signed by `options.issuer`.
 * Named after the common case; with `issuer` it is CA-signed.
 */
export function createSelfSignedCertificate(options: CertificateOptions): GeneratedCertificate {
  const { privateKey, publicKey } = generateKeys(options.keyAlgorithm ?? 'ec');
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const ownKeyId = keyIdentifier(spki);

  let signer = privateKey;
  let issuerName = encodeName(options.subject ?? {}, options.commonName);
  let authorityKeyId = ownKeyId;
  if (options.issuer) {
    signer = createPrivateKey(options.issuer.key);
    const issuerInfo = parseCertificateDer(new X509Certificate(options.issuer.cert).raw);
    issuerName = issuerInfo.subjectRaw;
    authorityKeyId = issuerInfo.extensions.get(OIDS.subjectKeyIdentifier)
      ? readElement(issuerInfo.extensions.get(OIDS.subjectKeyIdentifier)!).content
      : keyIdentifier(issuerInfo.spkiRaw);
  }

  const notBefore = options.notBefore ?? new Date(Date.now() - 60_000);
  const notAfter = new Date(notBefore.getTime() + (options.days ?? 365) * 86_400_000);
  const extensions: Buffer[] = [];
  if (options.isCa) {
    extensions.push(extension(OIDS.basicConstraints, sequence(boolean(true)), true));
    extensions.push(extension(OIDS.keyUsage, namedBits([0, 5, 6]), true)); // digitalSignature, keyCertSign, cRLSign
  } else {
    extensions.push(extension(OIDS.basicConstraints, sequence(), true));
    const usage = privateKey.asymmetricKeyType === 'rsa' ? [0, 2] : [0]; // + keyEncipherment for RSA
    extensions.push(extension(OIDS.keyUsage, namedBits(usage), true));
  }
  const ekus = options.extKeyUsage ?? (options.isCa ? [] : ['serverAuth', 'clientAuth']);
  if (ekus.length) extensions.push(extension(OIDS.extKeyUsage, sequence(...ekus.map((u) => oid(OIDS[u])))));
  const dns = options.altNames?.dns ?? [];
  const ips = options.altNames?.ip ?? [];
  if (dns.length || ips.length) {
    const names = [
      ...dns.map((d) => tlv(0x82, ia5String(d).subarray(2))), // dNSName [2] IMPLICIT IA5String
      ...ips.map((ip) => tlv(0x87, ipAddressBytes(ip))), // iPAddress [7] IMPLICIT OCTET STRING
    ];
    extensions.push(extension(OIDS.subjectAltName, sequence(...names)));
  }
  extensions.push(extension(OIDS.subjectKeyIdentifier, octetString(ownKeyId)));
  extensions.push(extension(OIDS.authorityKeyIdentifier, sequence(tlv(0x80, authorityKeyId))));
  for (const extra of options.extensions ?? []) extensions.push(extension(extra.oid, extra.value, extra.critical));

  const serial = randomBytes(16);
  serial[0] &= 0x7f; // positive, RFC 5280 allows up to 20 octets
  const algorithm = signatureAlgorithm(signer);
  const tbs = sequence(
    explicit(0, smallInteger(2)), // v3
    unsignedInteger(serial),
    algorithm,
    issuerName,
    sequence(time(notBefore), time(notAfter)),
    encodeName(options.subject ?? {}, options.commonName),
    spki,
    explicit(3, sequence(...extensions)),
  );
  const signature = sign('sha256', tbs, signer); // DER ECDSA-Sig-Value or PKCS#1 v1.5, as X.509 expects
  const certDer = sequence(tbs, algorithm, bitString(signature));
  const certPem = toPem('CERTIFICATE', certDer);
  return {
    certPem,
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    fingerprint256: new X509Certificate(certPem).fingerprint256,
  };
}

/** A CA certificate (EC P-256) to issue other certificates with. */
export function createCertificateAuthority(commonName: string, days = 365): GeneratedCertificate {
  return createSelfSignedCertificate({ commonName, days, isCa: true, subject: { O: 'chat-push simulators' } });
}

// ---------------------------------------------------------------------------------------------------------------
// Reading certificates back

export interface CertificateInfo {
  fingerprint256: string;
  validFrom: Date;
  validTo: Date;
  /** Subject attributes by short name (CN, UID, O...); unknown ones by OID. */
  subject: Record<string, string>;
  /** Extension values (the DER inside extnValue) by OID. */
  extensions: Map<string, Buffer>;
}

interface ParsedDer {
  subjectRaw: Buffer;
  spkiRaw: Buffer;
  subject: Record<string, string>;
  extensions: Map<string, Buffer>;
}

function parseCertificateDer(der: Buffer): ParsedDer {
  const [tbs] = readChildren(readElement(der).content);
  const fields = readChildren(tbs.content);
  const base = fields[0].tag === 0xa0 ? 1 : 0; // optional [0] version
  const subjectElement = fields[base + 4];
  const spkiElement = fields[base + 5];
  const subject: Record<string, string> = {};
  for (const rdn of readChildren(subjectElement.content)) {
    for (const attribute of readChildren(rdn.content)) {
      const [type, value] = readChildren(attribute.content);
      const id = decodeOid(type.content);
      subject[SUBJECT_NAMES[id] ?? id] = value.content.toString(value.tag === Tag.UTF8_STRING ? 'utf8' : 'latin1');
    }
  }
  const extensions = new Map<string, Buffer>();
  const extensionsElement = fields.slice(base + 6).find((f) => f.tag === 0xa3);
  if (extensionsElement) {
    const [list] = readChildren(extensionsElement.content);
    for (const ext of readChildren(list.content)) {
      const parts = readChildren(ext.content);
      extensions.set(decodeOid(parts[0].content), parts[parts.length - 1].content);
    }
  }
  return { subjectRaw: subjectElement.raw, spkiRaw: spkiElement.raw, subject, extensions };
}

/** Fingerprint, validity, subject attributes and extensions of a PEM or DER certificate. */
export function readCertificate(certificate: string | Buffer): CertificateInfo {
  const x509 = new X509Certificate(certificate);
  const parsed = parseCertificateDer(x509.raw);
  return {
    fingerprint256: x509.fingerprint256,
    validFrom: new Date(x509.validFrom),
    validTo: new Date(x509.validTo),
    subject: parsed.subject,
    extensions: parsed.extensions,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Apple push certificates

export interface ApnsClientCertificateOptions {
  /** Environments the certificate is valid for (default both, like Apple's "Sandbox & Production" certificates). */
  environments?: Array<'sandbox' | 'production'>;
  days?: number;
  notBefore?: Date;
  /** Goes into the subject's OU, as on Apple's certificates. */
  teamId?: string;
  /** Sign with this CA instead of self-signing. */
  issuer?: { cert: string; key: string };
}

export interface ApnsClientCertificate extends GeneratedCertificate {
  topic: string;
}

/** The topics Apple lists in a universal push certificate (app, VoIP, complication). */
export function apnsCertificateTopics(topic: string): string[] {
  return [topic, `${topic}.voip`, `${topic}.complication`];
}

/**
 * A client certificate like Apple's push certificates: RSA 2048, subject `UID=<topic>, CN=Apple Push Services:
 * <topic>`, the sandbox/production marker extensions node-apn checks, and Apple's topic-list extension.
 */
export function generateApnsClientCertificate(
  topic: string,
  options: ApnsClientCertificateOptions = {},
): ApnsClientCertificate {
  const environments = options.environments ?? ['sandbox', 'production'];
  const [app, voip, complication] = apnsCertificateTopics(topic);
  const topicsValue = sequence(
    utf8String(app),
    sequence(utf8String('app')),
    utf8String(voip),
    sequence(utf8String('voip')),
    utf8String(complication),
    sequence(utf8String('complication')),
  );
  const generated = createSelfSignedCertificate({
    commonName: `Apple Push Services: ${topic}`,
    subject: { UID: topic, OU: options.teamId ?? 'SIMTEAM000', O: 'chat-push simulated developer', C: 'US' },
    keyAlgorithm: 'rsa',
    days: options.days ?? 365,
    notBefore: options.notBefore,
    issuer: options.issuer,
    extKeyUsage: ['clientAuth'],
    extensions: [
      ...environments.map((env) => ({ oid: APPLE_PUSH_OIDS[env], value: derNull() })),
      { oid: APPLE_PUSH_OIDS.topics, value: topicsValue },
    ],
  });
  return { ...generated, topic };
}

/** Topics a push certificate allows: Apple's topic-list extension if present, else the subject UID. */
export function topicsOfCertificate(info: CertificateInfo): string[] {
  const list = info.extensions.get(APPLE_PUSH_OIDS.topics);
  if (list) {
    const topics = readChildren(readElement(list).content)
      .filter((e) => e.tag === Tag.UTF8_STRING)
      .map((e) => e.content.toString('utf8'));
    if (topics.length) return topics;
  }
  return info.subject.UID ? [info.subject.UID] : [];
}
