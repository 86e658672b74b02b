import pino from 'pino';
import { openTestDatabase, TestDatabase } from '../../support/testDatabase';
import { SettingsModel } from '../../../server/host/models';
import { SettingsRegistry } from '../../../server/host/settings/SettingsRegistry';
import { PUSH_SETTING_DEFINITIONS, HOST_SETTING_DEFINITIONS } from '../../../lib/settings';
import { isPushError } from '../../../lib/errors';
import type { ISettingDefinition } from '../../../definitions/ISetting';

const ALL = [...Object.values(PUSH_SETTING_DEFINITIONS), ...HOST_SETTING_DEFINITIONS];
const logger = pino({ level: 'silent' });
const serviceAccount = JSON.stringify({ project_id: 'p', client_email: 'e@p.iam', private_key: 'KEY' });

let database: TestDatabase;
let model: SettingsModel;

beforeEach(async () => {
  database = await openTestDatabase();
  model = new SettingsModel(database.db);
  await model.ensureIndexes();
});
afterEach(() => database.close());

async function registry(env: Record<string, string> = {}) {
  const settings = new SettingsRegistry({ model, logger, env });
  await settings.declare(ALL);
  return settings;
}

async function codeOf(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (err) {
    return isPushError(err) ? err.code : String(err);
  }
  return 'resolved';
}

describe('SettingsRegistry (rocketchat_settings)', () => {
  it('stores every declaration with its package value and metadata', async () => {
    const settings = await registry();
    expect(settings.get('Push_enable')).toBe(true);
    expect(settings.get('Push_online_delay_seconds')).toBe(60);
    const doc = await model.col.findOne({ _id: 'Push_gateway_token' });
    expect(doc).toMatchObject({ value: '', packageValue: '', type: 'password', secret: true });
    expect(await model.col.countDocuments()).toBe(ALL.length);
  });

  it('keeps stored values across restarts and updates metadata', async () => {
    const first = await registry();
    await first.set('Push_online_delay_seconds', 120);
    const second = await registry();
    expect(second.get('Push_online_delay_seconds')).toBe(120);
  });

  it('validates by type and keeps the old value when refused', async () => {
    const settings = await registry();
    expect(await codeOf(settings.set('Push_online_delay_seconds', 0))).toBe('PUSH_ERR_SETTING_INVALID_VALUE');
    expect(await codeOf(settings.set('Push_online_delay_seconds', '30'))).toBe('PUSH_ERR_SETTING_INVALID_VALUE');
    expect(await codeOf(settings.set('Push_online_strategy', 'later'))).toBe('PUSH_ERR_SETTING_INVALID_VALUE');
    expect(await codeOf(settings.set('Push_enable', 'false'))).toBe('PUSH_ERR_SETTING_INVALID_VALUE');
    expect(await codeOf(settings.set('Push_google_api_credentials', '{"project_id":"p"}'))).toBe(
      'PUSH_ERR_SETTING_INVALID_VALUE',
    );
    expect(await codeOf(settings.set('Nope', 1))).toBe('PUSH_ERR_SETTING_UNKNOWN');
    expect(settings.get('Push_online_delay_seconds')).toBe(60);
    expect((await model.col.findOne({ _id: 'Push_online_delay_seconds' }))?.value).toBe(60);
    await settings.set('Push_google_api_credentials', serviceAccount);
    expect(settings.get('Push_google_api_credentials')).toBe(serviceAccount);
  });

  it('calls watchers on change only, with the value and id, until unsubscribed', async () => {
    const settings = await registry();
    const seen: Array<[unknown, string]> = [];
    const stop = settings.watch(['Push_enable', 'Push_show_message'], (value, id) => void seen.push([value, id]));
    await settings.set('Push_enable', true); // unchanged: no call
    await settings.set('Push_enable', false);
    await settings.set('Push_show_message', false);
    stop();
    await settings.set('Push_enable', true);
    expect(seen).toEqual([
      [false, 'Push_enable'],
      [false, 'Push_show_message'],
    ]);
  });

  it('a throwing watcher does not fail the write nor stop other watchers', async () => {
    const settings = await registry();
    const seen: unknown[] = [];
    settings.watch('Push_enable', () => {
      throw new Error('boom');
    });
    settings.watch('Push_enable', (value) => void seen.push(value));
    await settings.set('Push_enable', false);
    expect(seen).toEqual([false]);
  });

  it('rebuilds the push snapshot after a change', async () => {
    const settings = await registry();
    const before = settings.pushSettings();
    expect(settings.pushSettings()).toBe(before);
    await settings.set('Push_online_strategy', 'delay');
    expect(settings.pushSettings()).not.toBe(before);
    expect(settings.pushSettings().Push_online_strategy).toBe('delay');
    expect(Object.isFrozen(settings.pushSettings())).toBe(true);
  });

  it('applies OVERWRITE_SETTING_* at start and refuses later changes', async () => {
    const settings = await registry({
      OVERWRITE_SETTING_Push_enable_gateway: 'false',
      OVERWRITE_SETTING_Push_online_delay_seconds: '30',
      OVERWRITE_SETTING_Not_Declared: 'x',
    });
    expect(settings.get('Push_enable_gateway')).toBe(false);
    expect(settings.get('Push_online_delay_seconds')).toBe(30);
    expect(settings.isOverwritten('Push_enable_gateway')).toBe(true);
    expect((await model.col.findOne({ _id: 'Push_enable_gateway' }))?.value).toBe(false);
    expect(await codeOf(settings.set('Push_enable_gateway', true))).toBe('PUSH_ERR_SETTING_OVERWRITTEN');
    expect(settings.get('Push_enable_gateway')).toBe(false);
  });

  it('refuses to start with an invalid override', async () => {
    const settings = new SettingsRegistry({ model, logger, env: { OVERWRITE_SETTING_Push_enable: 'maybe' } });
    expect(await codeOf(settings.declare(ALL))).toBe('PUSH_ERR_SETTING_INVALID_VALUE');
  });

  it('refuses changes to read-only settings', async () => {
    const settings = await registry();
    expect(await codeOf(settings.set('uniqueID', 'abc'))).toBe('PUSH_ERR_SETTING_READ_ONLY');
  });

  it('masks secrets in views', async () => {
    const settings = await registry();
    await settings.set('Push_gateway_token', 'gw-token-value');
    expect(settings.view('Push_gateway_token')).toEqual({
      _id: 'Push_gateway_token',
      value: '********',
      secret: true,
      isSet: true,
    });
    expect(settings.view('Push_apn_cert')).toEqual({ _id: 'Push_apn_cert', value: '', secret: true, isSet: false });
    expect(settings.view('Push_gateway')).toEqual({ _id: 'Push_gateway', value: 'https://gateway.rocket.chat' });
  });

  it('serves the default for an invalid stored value', async () => {
    await model.col.insertOne({ _id: 'Push_online_delay_seconds', value: 'sixty', packageValue: 60, type: 'int' });
    const settings = await registry();
    expect(settings.get('Push_online_delay_seconds')).toBe(60);
  });

  it('refresh notices changes made by another instance', async () => {
    const settings = await registry();
    const seen: unknown[] = [];
    settings.watch('Push_show_message', (value) => void seen.push(value));
    await model.col.updateOne({ _id: 'Push_show_message' }, { $set: { value: false } });
    await settings.refresh();
    expect(settings.get('Push_show_message')).toBe(false);
    expect(seen).toEqual([false]);
  });

  it('lets plugins declare more settings, refusing unsound declarations', async () => {
    const settings = await registry({ OVERWRITE_SETTING_Plugin_Flag: 'true' });
    const extra: ISettingDefinition = { _id: 'Plugin_Flag', type: 'boolean', packageValue: false, group: 'Plugin' };
    await settings.declare([extra]);
    expect(settings.get('Plugin_Flag')).toBe(true);
    expect(await codeOf(settings.declare([extra]))).toBe('PUSH_ERR_INVALID_INPUT');
  });
});
