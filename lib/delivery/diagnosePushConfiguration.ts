import type { IPushSettings } from '../../definitions/IPushSettings';
import type { IPushTransportEnv } from '../../definitions/IPushTransportFactory';
import { inspectCertificate, inspectP8Key, inspectPrivateKey, type KeyProblem } from './inspectCredentials';
import { parseGatewayList, parseHttpUrl } from './parseGatewayList';
import { parseServiceAccount } from './parseServiceAccount';

export interface IConfigurationProblem {
  /** Stable SCREAMING_SNAKE code, e.g. `APN_CERT_EXPIRED`. */
  code: string;
  severity: 'error' | 'warning';
  /** What is wrong, in one sentence (never secret material). */
  message: string;
  /** What an admin should do about it. */
  action: string;
}

/** Warn this many days before a certificate expires. */
export const CERT_EXPIRY_WARNING_DAYS = 30;

const DAY_MS = 24 * 60 * 60 * 1000;
const APPLE_ID = /^[A-Z0-9]{10}$/;

/**
 * Everything wrong with the push configuration, errors first: the answer to "why does nobody get pushes?" that
 * `push.test`, the admin page and `/healthz` show. Pure: the settings snapshot, the endpoint overrides and the
 * time come in; keys and certificates are parsed with `node:crypto`, nothing is contacted.
 */
export function diagnosePushConfiguration(
  settings: IPushSettings,
  env: IPushTransportEnv,
  now: Date,
): IConfigurationProblem[] {
  const problems: IConfigurationProblem[] = [];
  if (!settings.Push_enable) {
    problems.push(warning('PUSH_DISABLED', 'Push notifications are disabled.', 'Turn on Push_enable.'));
  }
  if (settings.Troubleshoot_Disable_Notifications) {
    problems.push(
      warning(
        'NOTIFICATIONS_DISABLED',
        'All notifications are disabled for troubleshooting.',
        'Turn off Troubleshoot_Disable_Notifications.',
      ),
    );
  }
  if (settings.Push_enable_gateway) diagnoseGateway(settings, problems);
  else diagnoseDirect(settings, env, now, problems);
  return problems.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
}

function diagnoseGateway(settings: IPushSettings, problems: IConfigurationProblem[]): void {
  const { urls, invalidLines } = parseGatewayList(settings.Push_gateway);
  if (invalidLines.length > 0) {
    problems.push(
      error(
        'GATEWAY_URL_INVALID',
        `Push_gateway line ${invalidLines.join(', ')} is not an http(s) URL.`,
        'Put one gateway URL per line, e.g. https://gateway.rocket.chat (no credentials, query or fragment).',
      ),
    );
  }
  if (urls.length === 0) {
    problems.push(
      error('GATEWAY_URL_MISSING', 'Gateway mode is on but no gateway URL is set.', 'Set Push_gateway, or turn off Push_enable_gateway and configure APNs/FCM credentials.'),
    );
  }
  for (const url of urls) {
    const parsed = new URL(url);
    if (parsed.protocol === 'http:' && !isLoopback(parsed.hostname)) {
      problems.push(
        warning('GATEWAY_URL_INSECURE', `The gateway ${url} is reached over plain HTTP: the workspace token travels unencrypted.`, 'Use an https:// gateway URL.'),
      );
    }
  }
  if (settings.Push_gateway_token.trim() === '') {
    problems.push(
      error('GATEWAY_TOKEN_MISSING', 'The gateway token is missing: the gateway will refuse this workspace (401).', 'Set Push_gateway_token to the token the gateway issued to this workspace.'),
    );
  }
  if (settings.uniqueID.trim() === '') {
    problems.push(error('WORKSPACE_ID_MISSING', 'The workspace id (uniqueID) is empty: the gateway cannot tell who is sending.', 'Restart the server once so it generates uniqueID, or set it.'));
  }
}

function diagnoseDirect(settings: IPushSettings, env: IPushTransportEnv, now: Date, problems: IConfigurationProblem[]): void {
  const apnsSet = diagnoseApns(settings, now, problems);
  const fcmSet = diagnoseFcm(settings, problems);
  const severity = apnsSet || fcmSet ? 'warning' : 'error';
  if (!apnsSet) {
    problems.push({
      code: 'APN_CREDENTIALS_MISSING',
      severity,
      message: 'Direct mode without APNs credentials: iOS devices get no pushes (they wait in the outbox until they expire).',
      action: 'Set a .p8 key with its key id and team id (or a certificate and key), or turn on Push_enable_gateway.',
    });
  }
  if (!fcmSet) {
    problems.push({
      code: 'FCM_CREDENTIALS_MISSING',
      severity,
      message: 'Direct mode without FCM credentials: Android devices get no pushes (they wait in the outbox until they expire).',
      action: 'Paste the Firebase service-account JSON into Push_google_api_credentials, or turn on Push_enable_gateway.',
    });
  }
  diagnoseEndpoint('APN', env.apnEndpoint, 'PUSH_APN_ENDPOINT', 'Apple', problems);
  diagnoseEndpoint('FCM', env.fcmEndpoint, 'PUSH_FCM_ENDPOINT', 'Google', problems);
}

/** Reports APNs problems; answers whether any APNs credentials were entered at all. */
function diagnoseApns(settings: IPushSettings, now: Date, problems: IConfigurationProblem[]): boolean {
  if (settings.Push_apn_auth_type === 'token') {
    const key = settings.Push_apn_p8_key.trim();
    const keyId = settings.Push_apn_key_id.trim();
    const teamId = settings.Push_apn_team_id.trim();
    if (!key && !keyId && !teamId) return false;
    const missing = [!key && 'the .p8 key (Push_apn_p8_key)', !keyId && 'the key id (Push_apn_key_id)', !teamId && 'the team id (Push_apn_team_id)'].filter(Boolean);
    if (missing.length > 0) {
      problems.push(error('APN_TOKEN_INCOMPLETE', `APNs token auth is missing ${missing.join(', ')}.`, 'Copy them from the Apple Developer account (Keys).'));
    }
    if (key) {
      const inspection = inspectP8Key(key);
      if (!inspection.ok) {
        problems.push(error('APN_P8_KEY_INVALID', `The .p8 key does not parse: ${p8ProblemText(inspection.problem)}.`, 'Paste the whole AuthKey_XXXXXXXXXX.p8 file, BEGIN and END lines included.'));
      }
    }
    if (keyId && !APPLE_ID.test(keyId)) {
      problems.push(warning('APN_KEY_ID_INVALID', 'The APNs key id is not 10 letters or digits.', 'Use the Key ID shown next to the key in the Apple Developer account.'));
    }
    if (teamId && !APPLE_ID.test(teamId)) {
      problems.push(warning('APN_TEAM_ID_INVALID', 'The APNs team id is not 10 letters or digits.', 'Use the Team ID shown in the Apple Developer account (Membership).'));
    }
    return true;
  }
  const production = settings.Push_production;
  const env = production ? 'production' : 'sandbox';
  const cert = (production ? settings.Push_apn_cert : settings.Push_apn_dev_cert).trim();
  const keyPem = (production ? settings.Push_apn_key : settings.Push_apn_dev_key).trim();
  const passphrase = production ? settings.Push_apn_passphrase : settings.Push_apn_dev_passphrase;
  const names = production ? 'Push_apn_cert and Push_apn_key' : 'Push_apn_dev_cert and Push_apn_dev_key';
  if (!cert && !keyPem) {
    const otherSet = production ? settings.Push_apn_dev_cert.trim() !== '' : settings.Push_apn_cert.trim() !== '';
    if (otherSet) {
      problems.push(error('APN_CERT_WRONG_ENVIRONMENT', `Only a ${production ? 'sandbox' : 'production'} certificate is set, but Push_production selects ${env}.`, `Set ${names}, or switch Push_production.`));
      return true;
    }
    return false;
  }
  if (!cert || !keyPem) {
    problems.push(error('APN_CERT_INCOMPLETE', `APNs certificate auth (${env}) needs both a certificate and its private key.`, `Set ${names}.`));
  }
  const key = keyPem ? inspectPrivateKey(keyPem, passphrase || undefined) : undefined;
  if (key && !key.ok) {
    problems.push(error('APN_CERT_KEY_INVALID', `The APNs private key does not parse: ${keyProblemText(key.problem)}.`, 'Paste the PEM private key exported with the certificate, and its passphrase if it has one.'));
  }
  if (!cert) return true;
  const inspection = inspectCertificate(cert, key?.ok ? key.key : undefined);
  if (!inspection.ok) {
    problems.push(error('APN_CERT_INVALID', 'The APNs certificate does not parse as a PEM certificate.', 'Export the push certificate as PEM (openssl pkcs12 -in cert.p12 -clcerts -nokeys) and paste it whole.'));
    return true;
  }
  const facts = inspection.facts;
  if (facts.keyMatches === false) {
    problems.push(error('APN_CERT_KEY_MISMATCH', 'The APNs private key does not belong to the certificate.', 'Paste the key exported together with this certificate.'));
  }
  const expires = facts.expiresAt.toISOString().slice(0, 10);
  if (facts.expiresAt.getTime() <= now.getTime()) {
    problems.push(error('APN_CERT_EXPIRED', `The APNs certificate expired on ${expires}.`, 'Create a new push certificate in the Apple Developer account, or switch to token auth (.p8 keys do not expire).'));
  } else if (facts.validFrom.getTime() > now.getTime()) {
    problems.push(error('APN_CERT_NOT_YET_VALID', `The APNs certificate is not valid before ${facts.validFrom.toISOString().slice(0, 10)}.`, "Check the server's clock, or use a current certificate."));
  } else {
    const days = Math.floor((facts.expiresAt.getTime() - now.getTime()) / DAY_MS);
    if (days < CERT_EXPIRY_WARNING_DAYS) {
      problems.push(warning('APN_CERT_EXPIRING', `The APNs certificate expires in ${days} day${days === 1 ? '' : 's'} (on ${expires}).`, 'Renew it in the Apple Developer account now, or switch to token auth.'));
    }
  }
  const { sandbox, production: prod } = facts.environments;
  if ((sandbox || prod) && !(production ? prod : sandbox)) {
    problems.push(error('APN_CERT_WRONG_ENVIRONMENT', `The APNs certificate is for ${prod ? 'production' : 'sandbox'} only, but Push_production selects ${env}.`, 'Use a certificate for the selected environment, or switch Push_production.'));
  }
  return true;
}

/** Reports FCM problems; answers whether any FCM credentials were entered at all. */
function diagnoseFcm(settings: IPushSettings, problems: IConfigurationProblem[]): boolean {
  const parsed = parseServiceAccount(settings.Push_google_api_credentials);
  if (parsed.ok) {
    const key = inspectPrivateKey(parsed.account.private_key);
    if (!key.ok || key.key.asymmetricKeyType !== 'rsa') {
      problems.push(error('FCM_PRIVATE_KEY_INVALID', "The service account's private_key is not an RSA private key in PEM.", 'Download a new JSON key for the service account in the Google Cloud console.'));
    }
    return true;
  }
  switch (parsed.problem) {
    case 'empty':
      return false;
    case 'invalid-json':
    case 'not-an-object':
      problems.push(error('FCM_CREDENTIALS_INVALID_JSON', 'Push_google_api_credentials is not a JSON object.', 'Paste the whole service-account JSON file, braces included.'));
      break;
    case 'missing-fields':
      problems.push(error('FCM_CREDENTIALS_MISSING_FIELDS', `The service-account JSON lacks ${(parsed.missing ?? []).join(', ')}.`, 'Paste the JSON key file of a service account (Firebase console → Project settings → Service accounts).'));
      break;
    case 'wrong-type':
      problems.push(error('FCM_CREDENTIALS_WRONG_TYPE', 'Push_google_api_credentials is not a service-account key (type is not "service_account").', 'Use a service-account JSON key, not an OAuth client or google-services.json.'));
      break;
  }
  return true;
}

function diagnoseEndpoint(prefix: 'APN' | 'FCM', value: string | undefined, variable: string, owner: string, problems: IConfigurationProblem[]): void {
  if (value === undefined || value.trim() === '') return;
  const url = parseHttpUrl(value.trim());
  if (!url) {
    problems.push(error(`${prefix}_ENDPOINT_INVALID`, `${variable} is not an http(s) URL.`, `Set ${variable} to e.g. https://127.0.0.1:8443, or unset it.`));
    return;
  }
  problems.push(warning(`${prefix}_ENDPOINT_OVERRIDDEN`, `${prefix === 'APN' ? 'APNs' : 'FCM'} traffic goes to ${url.host} instead of ${owner} (${variable}).`, `Unset ${variable} to deliver to real devices.`));
}

function p8ProblemText(problem: KeyProblem): string {
  return problem === 'not-p256' ? 'it is not an EC P-256 key' : keyProblemText(problem);
}

function keyProblemText(problem: KeyProblem): string {
  switch (problem) {
    case 'not-pem':
      return 'it is not PEM text (-----BEGIN … KEY-----)';
    case 'encrypted-needs-passphrase':
      return 'it is encrypted and no passphrase is set';
    case 'wrong-passphrase':
      return 'the passphrase does not decrypt it';
    case 'not-p256':
      return 'it is not an EC P-256 key';
    case 'unreadable':
      return 'it is damaged or in an unknown format';
  }
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\./.test(hostname);
}

function error(code: string, message: string, action: string): IConfigurationProblem {
  return { code, severity: 'error', message, action };
}

function warning(code: string, message: string, action: string): IConfigurationProblem {
  return { code, severity: 'warning', message, action };
}
