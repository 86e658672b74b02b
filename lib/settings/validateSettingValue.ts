import type { ISettingDefinition, SettingValue } from '../../definitions/ISetting';
import { checkPemText } from './checkPemText';

export type SettingValidation = { ok: true; value: SettingValue } | { ok: false; reason: string };

/** Longest string value accepted (certificates and service accounts are a few KB). */
export const MAX_SETTING_STRING_LENGTH = 64 * 1024;

/**
 * Checks `value` against the setting's declared type. Reasons never quote the value: it may be a secret, and
 * `JSON.parse` messages would echo part of it.
 */
export function validateSettingValue(definition: ISettingDefinition, value: unknown): SettingValidation {
  switch (definition.type) {
    case 'boolean':
      return typeof value === 'boolean' ? { ok: true, value } : { ok: false, reason: 'must be a boolean' };
    case 'int':
      return validateInt(definition, value);
    case 'select': {
      const keys = (definition.values ?? []).map((entry) => entry.key);
      return typeof value === 'string' && keys.includes(value)
        ? { ok: true, value }
        : { ok: false, reason: `must be one of ${keys.map((k) => `"${k}"`).join(', ')}` };
    }
    case 'string':
    case 'password':
    case 'code':
      return validateText(definition, value);
    case 'action':
      return { ok: false, reason: 'is an action and holds no value' };
    default:
      return { ok: false, reason: 'has an unknown type' };
  }
}

function validateInt(definition: ISettingDefinition, value: unknown): SettingValidation {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) return { ok: false, reason: 'must be an integer' };
  if (definition.min !== undefined && value < definition.min) {
    return { ok: false, reason: `must be at least ${definition.min}` };
  }
  if (definition.max !== undefined && value > definition.max) {
    return { ok: false, reason: `must be at most ${definition.max}` };
  }
  return { ok: true, value };
}

function validateText(definition: ISettingDefinition, value: unknown): SettingValidation {
  if (typeof value !== 'string') return { ok: false, reason: 'must be a string' };
  if (value.length > MAX_SETTING_STRING_LENGTH) {
    return { ok: false, reason: `must be at most ${MAX_SETTING_STRING_LENGTH} characters` };
  }
  if (definition.json && value.trim() !== '') {
    const problem = checkJsonObject(value, definition.json.requiredKeys);
    if (problem) return { ok: false, reason: problem };
  }
  if (definition.pem && value.trim() !== '') {
    const problem = checkPemText(value, definition.pem.kind);
    if (problem) return { ok: false, reason: problem };
  }
  return { ok: true, value };
}

function checkJsonObject(text: string, requiredKeys: string[]): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'must be valid JSON';
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return 'must be a JSON object';
  const record = parsed as Record<string, unknown>;
  const missing = requiredKeys.filter((key) => typeof record[key] !== 'string' || record[key] === '');
  return missing.length > 0 ? `must contain ${missing.map((k) => `"${k}"`).join(', ')}` : undefined;
}
