import type { IPushSettings } from '../../definitions/IPushSettings';
import { configurationError as error, configurationWarning as warning, keyProblemText, type IConfigurationProblem } from './configurationProblem';
import { inspectCertificate, inspectP8Key, inspectPrivateKey, type ICertificateFacts } from './inspectCredentials';

/** Warn this many days before a certificate expires. */
export const CERT_EXPIRY_WARNING_DAYS = 30;

const DAY_MS = 24 * 60 * 60 * 1000;
const APPLE_ID = /^[A-Z0-9]{10}$/;

export interface IApnsDiagnosis {
  /** Whether any APNs credentials were entered at all (else the caller reports them missing). */
  entered: boolean;
  problems: IConfigurationProblem[];
}

/** What is wrong with the self-configured APNs credentials the settings select (token or certificate auth). */
export function diagnoseApnsCredentials(settings: IPushSettings, now: Date): IApnsDiagnosis {
  return settings.Push_apn_auth_type === 'token' ? diagnoseToken(settings) : diagnoseCertificate(settings, now);
}

function diagnoseToken(settings: IPushSettings): IApnsDiagnosis {
  const key = settings.Push_apn_p8_key.trim();
  const keyId = settings.Push_apn_key_id.trim();
  const teamId = settings.Push_apn_team_id.trim();
  const problems: IConfigurationProblem[] = [];
  if (!key && !keyId && !teamId) return { entered: false, problems };
  const missing = [!key && 'the .p8 key (Push_apn_p8_key)', !keyId && 'the key id (Push_apn_key_id)', !teamId && 'the team id (Push_apn_team_id)'].filter(Boolean);
  if (missing.length > 0) {
    problems.push(error('APN_TOKEN_INCOMPLETE', `APNs token auth is missing ${missing.join(', ')}.`, 'Copy them from the Apple Developer account (Keys).'));
  }
  const inspection = key ? inspectP8Key(key) : undefined;
  if (inspection && !inspection.ok) {
    problems.push(error('APN_P8_KEY_INVALID', `The .p8 key does not parse: ${keyProblemText(inspection.problem)}.`, 'Paste the whole AuthKey_XXXXXXXXXX.p8 file, BEGIN and END lines included.'));
  }
  if (keyId && !APPLE_ID.test(keyId)) {
    problems.push(warning('APN_KEY_ID_INVALID', 'The APNs key id is not 10 letters or digits.', 'Use the Key ID shown next to the key in the Apple Developer account.'));
  }
  if (teamId && !APPLE_ID.test(teamId)) {
    problems.push(warning('APN_TEAM_ID_INVALID', 'The APNs team id is not 10 letters or digits.', 'Use the Team ID shown in the Apple Developer account (Membership).'));
  }
  return { entered: true, problems };
}

function diagnoseCertificate(settings: IPushSettings, now: Date): IApnsDiagnosis {
  const production = settings.Push_production;
  const env = production ? 'production' : 'sandbox';
  const cert = (production ? settings.Push_apn_cert : settings.Push_apn_dev_cert).trim();
  const keyPem = (production ? settings.Push_apn_key : settings.Push_apn_dev_key).trim();
  const passphrase = production ? settings.Push_apn_passphrase : settings.Push_apn_dev_passphrase;
  const names = production ? 'Push_apn_cert and Push_apn_key' : 'Push_apn_dev_cert and Push_apn_dev_key';
  const problems: IConfigurationProblem[] = [];
  if (!cert && !keyPem) {
    const otherSet = (production ? settings.Push_apn_dev_cert : settings.Push_apn_cert).trim() !== '';
    if (!otherSet) return { entered: false, problems };
    problems.push(error('APN_CERT_WRONG_ENVIRONMENT', `Only a ${production ? 'sandbox' : 'production'} certificate is set, but Push_production selects ${env}.`, `Set ${names}, or switch Push_production.`));
    return { entered: true, problems };
  }
  if (!cert || !keyPem) {
    problems.push(error('APN_CERT_INCOMPLETE', `APNs certificate auth (${env}) needs both a certificate and its private key.`, `Set ${names}.`));
  }
  const key = keyPem ? inspectPrivateKey(keyPem, passphrase || undefined) : undefined;
  if (key && !key.ok) {
    problems.push(error('APN_CERT_KEY_INVALID', `The APNs private key does not parse: ${keyProblemText(key.problem)}.`, 'Paste the PEM private key exported with the certificate, and its passphrase if it has one.'));
  }
  if (!cert) return { entered: true, problems };
  const inspection = inspectCertificate(cert, key?.ok ? key.key : undefined);
  if (!inspection.ok) {
    problems.push(error('APN_CERT_INVALID', 'The APNs certificate does not parse as a PEM certificate.', 'Export the push certificate as PEM (openssl pkcs12 -in cert.p12 -clcerts -nokeys) and paste it whole.'));
    return { entered: true, problems };
  }
  if (inspection.facts.keyMatches === false) {
    problems.push(error('APN_CERT_KEY_MISMATCH', 'The APNs private key does not belong to the certificate.', 'Paste the key exported together with this certificate.'));
  }
  problems.push(...validityProblems(inspection.facts, now), ...environmentProblems(inspection.facts, production));
  return { entered: true, problems };
}

function validityProblems(facts: ICertificateFacts, now: Date): IConfigurationProblem[] {
  const expires = facts.expiresAt.toISOString().slice(0, 10);
  if (facts.expiresAt.getTime() <= now.getTime()) {
    return [error('APN_CERT_EXPIRED', `The APNs certificate expired on ${expires}.`, 'Create a new push certificate in the Apple Developer account, or switch to token auth (.p8 keys do not expire).')];
  }
  if (facts.validFrom.getTime() > now.getTime()) {
    return [error('APN_CERT_NOT_YET_VALID', `The APNs certificate is not valid before ${facts.validFrom.toISOString().slice(0, 10)}.`, "Check the server's clock, or use a current certificate.")];
  }
  const days = Math.floor((facts.expiresAt.getTime() - now.getTime()) / DAY_MS);
  if (days >= CERT_EXPIRY_WARNING_DAYS) return [];
  return [warning('APN_CERT_EXPIRING', `The APNs certificate expires in ${days} day${days === 1 ? '' : 's'} (on ${expires}).`, 'Renew it in the Apple Developer account now, or switch to token auth.')];
}

/** Apple marks push certificates for sandbox, production or both; a certificate without marks is not judged. */
function environmentProblems(facts: ICertificateFacts, production: boolean): IConfigurationProblem[] {
  const { sandbox, production: prod } = facts.environments;
  if (!(sandbox || prod) || (production ? prod : sandbox)) return [];
  return [
    error(
      'APN_CERT_WRONG_ENVIRONMENT',
      `The APNs certificate is for ${prod ? 'production' : 'sandbox'} only, but Push_production selects ${production ? 'production' : 'sandbox'}.`,
      'Use a certificate for the selected environment, or switch Push_production.',
    ),
  ];
}
