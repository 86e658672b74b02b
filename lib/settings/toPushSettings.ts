import type { IPushSettings } from '../../definitions/IPushSettings';
import type { SettingValue } from '../../definitions/ISetting';
import { PUSH_SETTING_DEFINITIONS, PUSH_SETTING_IDS } from './pushSettingDefinitions';
import { validateSettingValue } from './validateSettingValue';

/**
 * Builds the frozen settings snapshot the push module's pure code receives. A missing or invalid value falls back
 * to the declared default, so the snapshot is always complete and well-typed.
 */
export function toPushSettings(values: Readonly<Record<string, SettingValue | undefined>>): IPushSettings {
  const snapshot: Record<string, SettingValue> = {};
  for (const id of PUSH_SETTING_IDS) {
    const definition = PUSH_SETTING_DEFINITIONS[id];
    const checked = validateSettingValue(definition, values[id]);
    snapshot[id] = checked.ok ? checked.value : definition.packageValue;
  }
  return Object.freeze(snapshot) as unknown as IPushSettings;
}
