import {
  PUSH_SETTING_DEFINITIONS,
  PUSH_SETTING_IDS,
  HOST_SETTING_DEFINITIONS,
  toPushSettings,
  checkSettingDefinitions,
  maskSetting,
  isSecretSetting,
} from '../../../lib/settings';

describe('push setting declarations', () => {
  it('declare Rocket.Chat ids with their defaults', () => {
    const defaults = Object.fromEntries(PUSH_SETTING_IDS.map((id) => [id, PUSH_SETTING_DEFINITIONS[id].packageValue]));
    expect(defaults).toEqual({
      Push_enable: true,
      Troubleshoot_Disable_Notifications: false,
      Push_enable_gateway: true,
      Push_gateway: 'https://gateway.rocket.chat',
      Push_gateway_token: '',
      Push_production: true,
      Push_apn_auth_type: 'token',
      Push_apn_p8_key: '',
      Push_apn_key_id: '',
      Push_apn_team_id: '',
      Push_apn_cert: '',
      Push_apn_key: '',
      Push_apn_passphrase: '',
      Push_apn_dev_cert: '',
      Push_apn_dev_key: '',
      Push_apn_dev_passphrase: '',
      Push_google_api_credentials: '',
      Push_show_username_room: true,
      Push_show_message: true,
      Push_request_content_from_server: false,
      Push_online_strategy: 'skip',
      Push_online_delay_seconds: 60,
      Notifications_Max_Room_Members: 100,
      Accounts_Default_User_Preferences_pushNotifications: 'all',
      UI_Use_Real_Name: false,
      uniqueID: '',
      Site_Url: '',
      Push_max_attempts: 10,
      Push_max_age_seconds: 21600,
    });
  });

  it('mark every key, certificate, passphrase, token and service account secret', () => {
    const secrets = PUSH_SETTING_IDS.filter((id) => isSecretSetting(PUSH_SETTING_DEFINITIONS[id])).sort();
    expect(secrets).toEqual(
      [
        'Push_gateway_token',
        'Push_apn_p8_key',
        'Push_apn_cert',
        'Push_apn_key',
        'Push_apn_passphrase',
        'Push_apn_dev_cert',
        'Push_apn_dev_key',
        'Push_apn_dev_passphrase',
        'Push_google_api_credentials',
      ].sort(),
    );
    expect(PUSH_SETTING_DEFINITIONS.Push_gateway.multiline).toBe(true);
    expect(PUSH_SETTING_DEFINITIONS.Push_online_delay_seconds).toMatchObject({ min: 1, max: 3600 });
  });

  it('are a sound set together with the host settings', () => {
    expect(checkSettingDefinitions([...Object.values(PUSH_SETTING_DEFINITIONS), ...HOST_SETTING_DEFINITIONS])).toEqual([]);
  });

  it('checkSettingDefinitions reports duplicates, public secrets and bad defaults', () => {
    const problems = checkSettingDefinitions([
      { _id: 'A', type: 'boolean', packageValue: true, group: 'g' },
      { _id: 'A', type: 'boolean', packageValue: true, group: 'g' },
      { _id: 'B', type: 'password', packageValue: '', group: 'g', secret: true, public: true },
      { _id: 'C', type: 'int', packageValue: 0, group: 'g', min: 1 },
    ]);
    expect(problems).toEqual(['A: declared twice', 'B: a secret cannot be public', 'C: default must be at least 1']);
  });
});

describe('toPushSettings', () => {
  it('returns the defaults for an empty record, frozen', () => {
    const snapshot = toPushSettings({});
    expect(snapshot.Push_enable).toBe(true);
    expect(snapshot.Push_online_strategy).toBe('skip');
    expect(Object.isFrozen(snapshot)).toBe(true);
    expect(Object.keys(snapshot).sort()).toEqual([...PUSH_SETTING_IDS].sort());
  });

  it('takes valid values and falls back to the default for invalid ones', () => {
    const snapshot = toPushSettings({
      Push_enable: false,
      Push_online_strategy: 'delay',
      Push_online_delay_seconds: 0,
      Notifications_Max_Room_Members: '5' as unknown as number,
      Site_Url: 'http://127.0.0.1:3000',
      Unrelated_Setting: 'ignored',
    });
    expect(snapshot).toMatchObject({
      Push_enable: false,
      Push_online_strategy: 'delay',
      Push_online_delay_seconds: 60,
      Notifications_Max_Room_Members: 100,
      Site_Url: 'http://127.0.0.1:3000',
    });
    expect('Unrelated_Setting' in snapshot).toBe(false);
  });
});

describe('maskSetting', () => {
  const token = PUSH_SETTING_DEFINITIONS.Push_gateway_token;

  it('never returns a secret value', () => {
    expect(maskSetting(token, 'gw-secret-123')).toEqual({
      _id: 'Push_gateway_token',
      value: '********',
      secret: true,
      isSet: true,
    });
    expect(maskSetting(token, '')).toEqual({ _id: 'Push_gateway_token', value: '', secret: true, isSet: false });
  });

  it('returns other values as they are', () => {
    expect(maskSetting(PUSH_SETTING_DEFINITIONS.Push_online_delay_seconds, 30)).toEqual({
      _id: 'Push_online_delay_seconds',
      value: 30,
    });
  });
});
