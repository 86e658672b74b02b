import type { ISettingsRegistry } from '../../../definitions/IHost';
import { validateSettingValue } from '../../../lib/settings';
import { badRequest } from '../../host/api/ApiError';
import type { SettingWrite } from '../credentials/validateCredentialUpload';

/**
 * Writes several settings as one change: every write is checked first (declared, not forced by the environment,
 * not server-managed, a valid value), so a refusal leaves every setting as it was. Writes then go in order: callers
 * put the switch that activates them (e.g. the mode) last, so no transport is built from half a change.
 * @returns the ids written.
 */
export async function applySettingWrites(settings: ISettingsRegistry, writes: readonly SettingWrite[]): Promise<string[]> {
  for (const [id, value] of writes) {
    const definition = settings.definition(id);
    if (!definition) throw badRequest('error-setting-not-found', `Setting "${id}" does not exist`);
    if (settings.isOverwritten(id)) {
      throw badRequest('error-setting-overwritten', `${id} is forced by the environment (OVERWRITE_SETTING_${id}): change it there, nothing was changed here.`);
    }
    if (definition.readonly) throw badRequest('error-setting-read-only', `${id} is managed by the server.`);
    const checked = validateSettingValue(definition, value);
    if (!checked.ok) throw badRequest('error-invalid-setting-value', `${id} ${checked.reason}; nothing was changed.`);
  }
  for (const [id, value] of writes) await settings.set(id, value);
  return writes.map(([id]) => id);
}
