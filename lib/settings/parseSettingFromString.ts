import type { ISettingDefinition, SettingValue } from '../../definitions/ISetting';
import { validateSettingValue, SettingValidation } from './validateSettingValue';

/**
 * Turns the text of an `OVERWRITE_SETTING_<id>` environment variable into a value of the setting's type, then
 * validates it like any other value. Booleans accept `true`/`false` (any case); ints accept decimal integers.
 */
export function parseSettingFromString(definition: ISettingDefinition, text: string): SettingValidation {
  let value: SettingValue | undefined;
  switch (definition.type) {
    case 'boolean': {
      const lower = text.trim().toLowerCase();
      value = lower === 'true' ? true : lower === 'false' ? false : undefined;
      if (value === undefined) return { ok: false, reason: 'must be "true" or "false"' };
      break;
    }
    case 'int':
      if (!/^\s*-?\d+\s*$/.test(text)) return { ok: false, reason: 'must be an integer' };
      value = Number(text.trim());
      break;
    default:
      value = text;
  }
  return validateSettingValue(definition, value);
}
