import type { IPushSettings } from '../../definitions/IPushSettings';

/**
 * The settings that say where and how pushes are delivered (mode, gateways, credentials, environment). A change to
 * any of them builds a new transport, and answers about the old configuration no longer say anything about routes.
 */
export const DELIVERY_SETTING_IDS = [
  'Push_enable_gateway', 'Push_gateway', 'Push_gateway_token', 'Push_production', 'Push_apn_auth_type', 'Push_apn_p8_key',
  'Push_apn_key_id', 'Push_apn_team_id', 'Push_apn_cert', 'Push_apn_key', 'Push_apn_passphrase', 'Push_apn_dev_cert',
  'Push_apn_dev_key', 'Push_apn_dev_passphrase', 'Push_google_api_credentials',
] as const satisfies ReadonlyArray<keyof IPushSettings>;
