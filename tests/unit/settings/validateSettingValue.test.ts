import type { ISettingDefinition } from '../../../definitions/ISetting';
import {
  validateSettingValue,
  parseSettingFromString,
  PUSH_SETTING_DEFINITIONS,
  MAX_SETTING_STRING_LENGTH,
} from '../../../lib/settings';

const def = (extra: Partial<ISettingDefinition> & Pick<ISettingDefinition, 'type'>): ISettingDefinition => ({
  _id: 'X',
  packageValue: '',
  group: 'Test',
  ...extra,
});

const serviceAccount = JSON.stringify({
  type: 'service_account',
  project_id: 'demo',
  client_email: 'push@demo.iam.gserviceaccount.com',
  private_key: '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n',
});

describe('validateSettingValue', () => {
  it.each([
    ['boolean accepts booleans', def({ type: 'boolean' }), true, true],
    ['boolean refuses the string "true"', def({ type: 'boolean' }), 'true', false],
    ['int accepts an integer in range', def({ type: 'int', min: 1, max: 3600 }), 60, true],
    ['int refuses below min', def({ type: 'int', min: 1, max: 3600 }), 0, false],
    ['int refuses above max', def({ type: 'int', min: 1, max: 3600 }), 3601, false],
    ['int refuses fractions', def({ type: 'int' }), 1.5, false],
    ['int refuses numeric strings', def({ type: 'int' }), '5', false],
    ['select accepts a declared key', def({ type: 'select', values: [{ key: 'a', i18nLabel: 'A' }] }), 'a', true],
    ['select refuses other keys', def({ type: 'select', values: [{ key: 'a', i18nLabel: 'A' }] }), 'b', false],
    ['string accepts strings', def({ type: 'string' }), 'hello', true],
    ['string refuses objects', def({ type: 'string' }), { $ne: null }, false],
    ['string refuses numbers', def({ type: 'string' }), 5, false],
    ['password refuses arrays', def({ type: 'password' }), ['a'], false],
    ['string refuses oversized values', def({ type: 'string' }), 'x'.repeat(MAX_SETTING_STRING_LENGTH + 1), false],
    ['action holds no value', def({ type: 'action' }), 'x', false],
  ])('%s', (_title, definition, value, ok) => {
    expect(validateSettingValue(definition, value).ok).toBe(ok);
  });

  describe('JSON code settings (the FCM service account)', () => {
    const credentials = PUSH_SETTING_DEFINITIONS.Push_google_api_credentials;

    it('accepts a service account and the empty value', () => {
      expect(validateSettingValue(credentials, serviceAccount)).toEqual({ ok: true, value: serviceAccount });
      expect(validateSettingValue(credentials, '').ok).toBe(true);
    });

    it('refuses text that is not JSON without quoting it', () => {
      const result = validateSettingValue(credentials, '{"private_key": "SECRET-KEY-MATERIAL"');
      expect(result).toEqual({ ok: false, reason: 'must be valid JSON' });
    });

    it('refuses JSON that is not an object', () => {
      expect(validateSettingValue(credentials, '["a"]')).toEqual({ ok: false, reason: 'must be a JSON object' });
    });

    it('names the missing keys', () => {
      const result = validateSettingValue(credentials, JSON.stringify({ project_id: 'demo', private_key: '' }));
      expect(result).toEqual({ ok: false, reason: 'must contain "client_email", "private_key"' });
    });
  });
});

describe('parseSettingFromString (OVERWRITE_SETTING_* values)', () => {
  it('parses booleans in any case and refuses other words', () => {
    expect(parseSettingFromString(def({ type: 'boolean' }), 'TRUE')).toEqual({ ok: true, value: true });
    expect(parseSettingFromString(def({ type: 'boolean' }), 'false')).toEqual({ ok: true, value: false });
    expect(parseSettingFromString(def({ type: 'boolean' }), 'yes').ok).toBe(false);
  });

  it('parses integers and applies min/max', () => {
    const delay = PUSH_SETTING_DEFINITIONS.Push_online_delay_seconds;
    expect(parseSettingFromString(delay, ' 120 ')).toEqual({ ok: true, value: 120 });
    expect(parseSettingFromString(delay, '12.5').ok).toBe(false);
    expect(parseSettingFromString(delay, '99999').ok).toBe(false);
  });

  it('keeps strings as written and checks selects', () => {
    expect(parseSettingFromString(PUSH_SETTING_DEFINITIONS.Push_gateway, 'https://a\nhttps://b')).toEqual({
      ok: true,
      value: 'https://a\nhttps://b',
    });
    expect(parseSettingFromString(PUSH_SETTING_DEFINITIONS.Push_online_strategy, 'delay').ok).toBe(true);
    expect(parseSettingFromString(PUSH_SETTING_DEFINITIONS.Push_online_strategy, 'later').ok).toBe(false);
  });
});
