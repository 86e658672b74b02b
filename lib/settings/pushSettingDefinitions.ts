import type { ISettingDefinition } from '../../definitions/ISetting';
import type { IPushSettings } from '../../definitions/IPushSettings';

type PushSettingDefinitions = { readonly [K in keyof IPushSettings]: ISettingDefinition & { _id: K } };

const bool = <K extends string>(
  _id: K,
  packageValue: boolean,
  group: string,
  extra: Partial<Omit<ISettingDefinition, '_id'>> = {},
): ISettingDefinition & { _id: K } => ({ type: 'boolean', packageValue, group, ...extra, _id });

const secretText = <K extends string>(
  _id: K,
  extra: Partial<Omit<ISettingDefinition, '_id'>> = {},
): ISettingDefinition & { _id: K } => ({
  type: 'code',
  packageValue: '',
  group: 'Push',
  section: 'Certificates_and_Keys',
  secret: true,
  multiline: true,
  ...extra,
  _id,
});

/**
 * Every setting the push module reads, with Rocket.Chat's ids and defaults (apps/meteor/server/settings/push.ts and
 * friends) plus this module's additions (gateway token, APNs token auth, online strategy, delivery tuning). The
 * mapped type makes the compiler refuse an `IPushSettings` field without a declaration.
 */
export const PUSH_SETTING_DEFINITIONS: PushSettingDefinitions = {
  Push_enable: bool('Push_enable', true, 'Push', { public: true }),
  Troubleshoot_Disable_Notifications: bool('Troubleshoot_Disable_Notifications', false, 'Troubleshoot'),
  Push_enable_gateway: bool('Push_enable_gateway', true, 'Push'),
  Push_gateway: {
    _id: 'Push_gateway',
    type: 'string',
    packageValue: 'https://gateway.rocket.chat',
    group: 'Push',
    multiline: true,
    i18nDescription: 'One gateway URL per line, tried in order.',
  },
  Push_gateway_token: {
    _id: 'Push_gateway_token',
    type: 'password',
    packageValue: '',
    group: 'Push',
    secret: true,
    i18nDescription: 'The bearer token the push gateway issued to this workspace.',
  },
  Push_production: bool('Push_production', true, 'Push'),
  Push_apn_auth_type: {
    _id: 'Push_apn_auth_type',
    type: 'select',
    packageValue: 'token',
    group: 'Push',
    section: 'Certificates_and_Keys',
    values: [
      { key: 'token', i18nLabel: 'Token (.p8 key)' },
      { key: 'certificate', i18nLabel: 'Certificate' },
    ],
  },
  Push_apn_p8_key: secretText('Push_apn_p8_key', { pem: { kind: 'private-key' } }),
  Push_apn_key_id: {
    _id: 'Push_apn_key_id',
    type: 'string',
    packageValue: '',
    group: 'Push',
    section: 'Certificates_and_Keys',
  },
  Push_apn_team_id: {
    _id: 'Push_apn_team_id',
    type: 'string',
    packageValue: '',
    group: 'Push',
    section: 'Certificates_and_Keys',
  },
  Push_apn_cert: secretText('Push_apn_cert', { pem: { kind: 'certificate' } }),
  Push_apn_key: secretText('Push_apn_key', { pem: { kind: 'private-key' } }),
  Push_apn_passphrase: secretText('Push_apn_passphrase', { type: 'password', multiline: false }),
  Push_apn_dev_cert: secretText('Push_apn_dev_cert', { pem: { kind: 'certificate' } }),
  Push_apn_dev_key: secretText('Push_apn_dev_key', { pem: { kind: 'private-key' } }),
  Push_apn_dev_passphrase: secretText('Push_apn_dev_passphrase', { type: 'password', multiline: false }),
  Push_google_api_credentials: secretText('Push_google_api_credentials', {
    json: { requiredKeys: ['project_id', 'client_email', 'private_key'] },
    i18nDescription: 'The Firebase service-account JSON.',
  }),
  Push_show_username_room: bool('Push_show_username_room', true, 'Push', { section: 'Privacy' }),
  Push_show_message: bool('Push_show_message', true, 'Push', { section: 'Privacy' }),
  // Rocket.Chat ships `true` but marks it `invalidValue: false` without an enterprise licence: effectively false.
  Push_request_content_from_server: bool('Push_request_content_from_server', false, 'Push', { section: 'Privacy' }),
  Push_online_strategy: {
    _id: 'Push_online_strategy',
    type: 'select',
    packageValue: 'skip',
    group: 'Push',
    values: [
      { key: 'skip', i18nLabel: 'Skip while online on desktop' },
      { key: 'delay', i18nLabel: 'Delay; cancel if read meanwhile' },
    ],
  },
  Push_online_delay_seconds: {
    _id: 'Push_online_delay_seconds',
    type: 'int',
    packageValue: 60,
    group: 'Push',
    min: 1,
    max: 3600,
  },
  Notifications_Max_Room_Members: {
    _id: 'Notifications_Max_Room_Members',
    type: 'int',
    packageValue: 100,
    group: 'General',
    section: 'Notifications',
    min: 0,
    i18nDescription: '0 = no limit.',
  },
  Accounts_Default_User_Preferences_pushNotifications: {
    _id: 'Accounts_Default_User_Preferences_pushNotifications',
    type: 'select',
    packageValue: 'all',
    group: 'Accounts',
    section: 'Accounts_Default_User_Preferences',
    values: [
      { key: 'all', i18nLabel: 'All' },
      { key: 'mentions', i18nLabel: 'Mentions' },
      { key: 'nothing', i18nLabel: 'Nothing' },
    ],
  },
  UI_Use_Real_Name: bool('UI_Use_Real_Name', false, 'Layout', { public: true }),
  // Generated once at first start (server/host/settings) and never changed afterwards.
  uniqueID: { _id: 'uniqueID', type: 'string', packageValue: '', group: 'General', readonly: true },
  // Set at start to http://HOST:PORT when empty.
  Site_Url: { _id: 'Site_Url', type: 'string', packageValue: '', group: 'General', public: true },
  Push_max_attempts: { _id: 'Push_max_attempts', type: 'int', packageValue: 10, group: 'Push', min: 1, max: 100 },
  Push_max_age_seconds: {
    _id: 'Push_max_age_seconds',
    type: 'int',
    packageValue: 21600,
    group: 'Push',
    min: 60,
    max: 7 * 24 * 3600,
  },
};

export const PUSH_SETTING_IDS = Object.freeze(Object.keys(PUSH_SETTING_DEFINITIONS) as Array<keyof IPushSettings>);
