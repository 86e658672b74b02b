import type { IPushSettings } from '../../definitions/IPushSettings';
import { inspectCertificate, inspectP8Key, inspectPrivateKey } from './inspectCredentials';
import { parseGatewayList } from './parseGatewayList';
import { parseServiceAccount } from './parseServiceAccount';

/** Non-secret facts about the configured credentials, for the admin page. */
export interface ICredentialsDescription {
  mode: 'gateway' | 'direct';
  gateway: { urls: string[]; tokenConfigured: boolean; workspaceId: string };
  apns: {
    configured: boolean;
    mode: 'token' | 'certificate';
    environment: 'production' | 'sandbox';
    keyId?: string;
    teamId?: string;
    /** 16 hex digits of the SHA-256 of the public key (of the .p8 key, or of the certificate). */
    fingerprint?: string;
    subject?: string;
    /** The bundle id the certificate is for. */
    topic?: string;
    validFrom?: string;
    expiresAt?: string;
    /** Whole days until the certificate expires (negative once it has). */
    daysLeft?: number;
  };
  fcm: { configured: boolean; projectId?: string; clientEmail?: string; privateKeyId?: string };
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Describes the credentials without the secrets themselves (no keys, certificates, tokens or passphrases). */
export function describeCredentials(settings: IPushSettings, now: Date): ICredentialsDescription {
  const production = settings.Push_production;
  const apns: ICredentialsDescription['apns'] = {
    configured: false,
    mode: settings.Push_apn_auth_type,
    environment: production ? 'production' : 'sandbox',
  };
  if (settings.Push_apn_auth_type === 'token') {
    const keyId = settings.Push_apn_key_id.trim();
    const teamId = settings.Push_apn_team_id.trim();
    const key = settings.Push_apn_p8_key.trim();
    if (keyId) apns.keyId = keyId;
    if (teamId) apns.teamId = teamId;
    const inspection = key ? inspectP8Key(key) : undefined;
    if (inspection?.ok) apns.fingerprint = inspection.fingerprint;
    apns.configured = Boolean(key && keyId && teamId);
  } else {
    const cert = (production ? settings.Push_apn_cert : settings.Push_apn_dev_cert).trim();
    const keyPem = (production ? settings.Push_apn_key : settings.Push_apn_dev_key).trim();
    const passphrase = production ? settings.Push_apn_passphrase : settings.Push_apn_dev_passphrase;
    const key = keyPem ? inspectPrivateKey(keyPem, passphrase || undefined) : undefined;
    const inspection = cert ? inspectCertificate(cert) : undefined;
    if (inspection?.ok) {
      const { facts } = inspection;
      apns.fingerprint = facts.fingerprint;
      apns.subject = facts.subject;
      if (facts.topic) apns.topic = facts.topic;
      apns.validFrom = facts.validFrom.toISOString();
      apns.expiresAt = facts.expiresAt.toISOString();
      apns.daysLeft = Math.floor((facts.expiresAt.getTime() - now.getTime()) / DAY_MS);
    } else if (key?.ok) {
      apns.fingerprint = key.fingerprint;
    }
    apns.configured = Boolean(cert && keyPem);
  }

  const parsed = parseServiceAccount(settings.Push_google_api_credentials);
  const fcm: ICredentialsDescription['fcm'] = parsed.ok
    ? {
        configured: true,
        projectId: parsed.account.project_id,
        clientEmail: parsed.account.client_email,
        privateKeyId: parsed.account.private_key_id,
      }
    : { configured: false };

  return {
    mode: settings.Push_enable_gateway ? 'gateway' : 'direct',
    gateway: {
      urls: parseGatewayList(settings.Push_gateway).urls,
      tokenConfigured: settings.Push_gateway_token.trim() !== '',
      workspaceId: settings.uniqueID,
    },
    apns,
    fcm,
  };
}
