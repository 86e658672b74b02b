import type { IPushSettings } from '../../definitions/IPushSettings';

/** Self-configured APNs credentials, as the transport needs them. The key material is secret. */
export type ApnsCredentials =
  | { kind: 'token'; key: string; keyId: string; teamId: string }
  | { kind: 'certificate'; cert: string; key: string; passphrase?: string };

type ApnsSettings = Pick<
  IPushSettings,
  | 'Push_production'
  | 'Push_apn_auth_type'
  | 'Push_apn_p8_key'
  | 'Push_apn_key_id'
  | 'Push_apn_team_id'
  | 'Push_apn_cert'
  | 'Push_apn_key'
  | 'Push_apn_passphrase'
  | 'Push_apn_dev_cert'
  | 'Push_apn_dev_key'
  | 'Push_apn_dev_passphrase'
>;

/**
 * The APNs credentials the settings select, or undefined when they are incomplete. Token auth (.p8) serves both
 * environments; certificate auth uses the production pair, or the `dev` pair when `Push_production` is off.
 */
export function apnsCredentialsFrom(settings: ApnsSettings): ApnsCredentials | undefined {
  if (settings.Push_apn_auth_type === 'token') {
    const key = settings.Push_apn_p8_key.trim();
    const keyId = settings.Push_apn_key_id.trim();
    const teamId = settings.Push_apn_team_id.trim();
    return key && keyId && teamId ? { kind: 'token', key, keyId, teamId } : undefined;
  }
  const production = settings.Push_production;
  const cert = (production ? settings.Push_apn_cert : settings.Push_apn_dev_cert).trim();
  const key = (production ? settings.Push_apn_key : settings.Push_apn_dev_key).trim();
  const passphrase = production ? settings.Push_apn_passphrase : settings.Push_apn_dev_passphrase;
  if (!cert || !key) return undefined;
  return passphrase ? { kind: 'certificate', cert, key, passphrase } : { kind: 'certificate', cert, key };
}
