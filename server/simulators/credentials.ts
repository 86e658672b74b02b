/**
 * Test credentials shaped like the real ones: an Apple token-auth signing key (what the developer portal hands out
 * as AuthKey_<KEYID>.p8) and a Google service-account JSON. They are generated fresh and only ever trusted by the
 * simulators they are registered with.
 */

import { generateKeyPairSync, randomBytes, randomInt } from 'crypto';

export interface ApnsSigningKey {
  /** PKCS#8 PEM of an EC P-256 private key, like Apple's AuthKey_XXXXXXXXXX.p8. */
  p8: string;
  /** 10 characters, like Apple's key ids. */
  keyId: string;
  /** 10 characters, like Apple's team ids. */
  teamId: string;
}

/** Google's service-account key file, as the Firebase console downloads it. */
export interface ServiceAccountJson {
  type: 'service_account';
  project_id: string;
  private_key_id: string;
  private_key: string;
  client_email: string;
  client_id: string;
  auth_uri: string;
  token_uri: string;
  auth_provider_x509_cert_url: string;
  client_x509_cert_url: string;
  universe_domain: string;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function randomId(length: number, alphabet = ALPHANUMERIC): string {
  let id = '';
  for (let i = 0; i < length; i++) id += alphabet[randomInt(alphabet.length)];
  return id;
}

export function generateApnsSigningKey(): ApnsSigningKey {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    p8: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    keyId: randomId(10),
    teamId: randomId(10),
  };
}

export const GOOGLE_TOKEN_URI = 'https://oauth2.googleapis.com/token';

export function generateServiceAccount(options: { projectId: string; tokenUri?: string }): ServiceAccountJson {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const clientEmail = `firebase-adminsdk-${randomId(5, 'abcdefghijklmnopqrstuvwxyz0123456789')}@${options.projectId}.iam.gserviceaccount.com`;
  return {
    type: 'service_account',
    project_id: options.projectId,
    private_key_id: randomBytes(20).toString('hex'),
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: clientEmail,
    client_id: String(randomInt(1, 10)) + randomId(20, '0123456789'),
    auth_uri: 'https://accounts.google.com/o/oauth2/auth',
    token_uri: options.tokenUri ?? GOOGLE_TOKEN_URI,
    auth_provider_x509_cert_url: 'https://www.googleapis.com/oauth2/v1/certs',
    client_x509_cert_url: `https://www.googleapis.com/robot/v1/metadata/x509/${encodeURIComponent(clientEmail)}`,
    universe_domain: 'googleapis.com',
  };
}
