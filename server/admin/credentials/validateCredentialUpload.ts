import { keyProblemText } from '../../../lib/delivery/configurationProblem';
import { inspectCertificate, inspectP8Key, inspectPrivateKey } from '../../../lib/delivery/inspectCredentials';
import { parseServiceAccount, type IServiceAccount } from '../../../lib/delivery/parseServiceAccount';

/** What the admin page uploads: files read as text, plus the ids Apple shows next to them. */
export interface ICredentialUpload {
  apns?: IApnsTokenUpload | IApnsCertificateUpload;
  fcm?: { serviceAccount: string };
}

export interface IApnsTokenUpload {
  type: 'token';
  /** The AuthKey_XXXXXXXXXX.p8 file. */
  p8: string;
  keyId: string;
  teamId: string;
  /** Deliver to Apple's production service (App Store and TestFlight builds) rather than the sandbox. */
  production?: boolean;
}

export interface IApnsCertificateUpload {
  type: 'certificate';
  /** The push certificate, PEM. */
  cert: string;
  /** Its private key, PEM (encrypted keys need `passphrase`). */
  key: string;
  passphrase?: string;
  production?: boolean;
}

/** Settings to write, in order, once everything has been checked. */
export type SettingWrite = readonly [id: string, value: string | boolean];

/** What a valid upload becomes; `trust` is what a running simulator must accept for these credentials to work. */
export interface IValidatedUpload {
  ok: true;
  writes: SettingWrite[];
  trust: {
    apnsSigningKey?: { keyId: string; teamId: string; p8: string };
    apnsCertificate?: string;
    serviceAccount?: IServiceAccount;
  };
}

export interface IUploadRefusal {
  ok: false;
  /** Stable, for clients: `error-invalid-p8-key`, `error-invalid-service-account`, … */
  errorType: string;
  /** What is wrong and what to upload instead. Never quotes the upload. */
  message: string;
  /** Which input it is about, e.g. `apns.p8`. */
  field: string;
}

const APPLE_ID = /^[A-Z0-9]{10}$/;

/**
 * Checks every uploaded credential before anything is written: keys and certificates are parsed with node:crypto,
 * ids checked against Apple's format, the service account against what FCM needs. The first problem found is
 * returned (nothing is written then); a valid upload becomes the list of settings to write. Pure apart from
 * parsing; `now` decides certificate validity.
 */
export function validateCredentialUpload(upload: ICredentialUpload, now: Date): IValidatedUpload | IUploadRefusal {
  if (!upload.apns && !upload.fcm) return refuse('error-nothing-to-upload', 'Send apns and/or fcm credentials.', 'body');
  const writes: SettingWrite[] = [];
  const trust: IValidatedUpload['trust'] = {};
  if (upload.apns) {
    const apns = upload.apns.type === 'token' ? validateToken(upload.apns) : validateCertificate(upload.apns, now);
    if (!apns.ok) return apns;
    writes.push(...apns.writes);
    Object.assign(trust, apns.trust);
  }
  if (upload.fcm) {
    const fcm = validateServiceAccount(upload.fcm.serviceAccount);
    if (!fcm.ok) return fcm;
    writes.push(...fcm.writes);
    Object.assign(trust, fcm.trust);
  }
  return { ok: true, writes, trust };
}

function validateToken(upload: IApnsTokenUpload): IValidatedUpload | IUploadRefusal {
  const p8 = normalizePem(upload.p8);
  const key = inspectP8Key(p8);
  if (!key.ok) {
    const hint = key.problem === 'not-p256' ? 'APNs auth keys are EC P-256 keys' : 'upload the AuthKey_XXXXXXXXXX.p8 file from the Apple Developer account (Certificates, IDs & Profiles → Keys)';
    return refuse('error-invalid-p8-key', `The .p8 file is not an APNs auth key: ${keyProblemText(key.problem)}; ${hint}.`, 'apns.p8');
  }
  const keyId = upload.keyId.trim();
  const teamId = upload.teamId.trim();
  if (!APPLE_ID.test(keyId)) {
    return refuse('error-invalid-key-id', 'The key id must be the 10 capital letters or digits shown next to the key in the Apple Developer account (also in the file name AuthKey_<key id>.p8).', 'apns.keyId');
  }
  if (!APPLE_ID.test(teamId)) {
    return refuse('error-invalid-team-id', 'The team id must be the 10 capital letters or digits shown under Membership in the Apple Developer account.', 'apns.teamId');
  }
  const writes: SettingWrite[] = [
    ['Push_apn_auth_type', 'token'],
    ['Push_apn_p8_key', p8],
    ['Push_apn_key_id', keyId],
    ['Push_apn_team_id', teamId],
  ];
  if (upload.production !== undefined) writes.push(['Push_production', upload.production]);
  return { ok: true, writes, trust: { apnsSigningKey: { keyId, teamId, p8 } } };
}

function validateCertificate(upload: IApnsCertificateUpload, now: Date): IValidatedUpload | IUploadRefusal {
  const certPem = normalizePem(upload.cert);
  const keyPem = normalizePem(upload.key);
  const passphrase = upload.passphrase ?? '';
  const key = inspectPrivateKey(keyPem, passphrase || undefined);
  if (!key.ok) {
    return refuse('error-invalid-private-key', `The private key does not parse: ${keyProblemText(key.problem)}. Export it with the certificate (openssl pkcs12 -in cert.p12 -nocerts -out key.pem).`, 'apns.key');
  }
  const cert = inspectCertificate(certPem, key.key);
  if (!cert.ok) {
    return refuse('error-invalid-certificate', 'The certificate file is not a PEM certificate. Convert the .p12/.cer you downloaded from Apple (openssl pkcs12 -in cert.p12 -clcerts -nokeys -out cert.pem).', 'apns.cert');
  }
  const { facts } = cert;
  if (facts.keyMatches === false) {
    return refuse('error-certificate-key-mismatch', 'The private key does not belong to this certificate: upload the key exported together with it.', 'apns.key');
  }
  if (facts.expiresAt.getTime() <= now.getTime()) {
    return refuse('error-certificate-expired', `The certificate expired on ${day(facts.expiresAt)}: create a new push certificate in the Apple Developer account, or use a .p8 auth key (it does not expire).`, 'apns.cert');
  }
  if (facts.validFrom.getTime() > now.getTime()) {
    return refuse('error-certificate-not-yet-valid', `The certificate is not valid before ${day(facts.validFrom)}: check the server's clock or upload a current certificate.`, 'apns.cert');
  }
  const production = upload.production ?? true;
  const { sandbox, production: prod } = facts.environments;
  if ((sandbox || prod) && !(production ? prod : sandbox)) {
    return refuse('error-certificate-wrong-environment', `The certificate is for the ${prod ? 'production' : 'sandbox'} service only, but ${production ? 'production' : 'sandbox'} was selected: change the selection or upload the other certificate.`, 'apns.production');
  }
  const [certId, keyId, passId] = production
    ? ['Push_apn_cert', 'Push_apn_key', 'Push_apn_passphrase']
    : ['Push_apn_dev_cert', 'Push_apn_dev_key', 'Push_apn_dev_passphrase'];
  const writes: SettingWrite[] = [
    ['Push_apn_auth_type', 'certificate'],
    [certId, certPem],
    [keyId, keyPem],
    [passId, passphrase],
    ['Push_production', production],
  ];
  return { ok: true, writes, trust: { apnsCertificate: certPem } };
}

function validateServiceAccount(text: string): IValidatedUpload | IUploadRefusal {
  const parsed = parseServiceAccount(text);
  const field = 'fcm.serviceAccount';
  if (!parsed.ok) {
    switch (parsed.problem) {
      case 'empty':
        return refuse('error-invalid-service-account', 'The service-account file is empty.', field);
      case 'invalid-json':
      case 'not-an-object':
        return refuse('error-invalid-service-account', 'The file is not a JSON object: upload the service-account key file (Firebase console → Project settings → Service accounts → Generate new private key).', field);
      case 'missing-fields': {
        const hint = /"project_info"\s*:/.test(text) ? ' This looks like google-services.json (the app\'s configuration), not a service-account key.' : '';
        return refuse('error-invalid-service-account', `The JSON lacks ${(parsed.missing ?? []).join(', ')}: it is not a service-account key file.${hint}`, field);
      }
      case 'wrong-type':
        return refuse('error-invalid-service-account', 'The JSON is not a service-account key (its "type" is not "service_account"): OAuth client files do not work.', field);
    }
  }
  const key = inspectPrivateKey(parsed.account.private_key);
  if (!key.ok || key.key.asymmetricKeyType !== 'rsa') {
    return refuse('error-invalid-service-account', "The service account's private_key is not an RSA private key: download a new key file for the service account.", field);
  }
  return { ok: true, writes: [['Push_google_api_credentials', text.trim()]], trust: { serviceAccount: parsed.account } };
}

/** Files from Windows or copied from mail come with CRLF and stray blanks; PEM parsers want neither. */
function normalizePem(text: string): string {
  const trimmed = text.replace(/\r\n?/g, '\n').trim();
  return trimmed === '' ? '' : `${trimmed}\n`;
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function refuse(errorType: string, message: string, field: string): IUploadRefusal {
  return { ok: false, errorType, message, field };
}
