import type { SettingsRegistry } from './SettingsRegistry';
import type { SettingsModel } from '../models/SettingsModel';
import { randomId } from '../util/random';

/**
 * Gives the workspace its `uniqueID` on first start and keeps it forever. The conditional update makes concurrent
 * first starts of several instances agree on one id.
 */
export async function ensureWorkspaceId(settings: SettingsRegistry, model: SettingsModel): Promise<string> {
  if (!settings.get('uniqueID')) {
    await model.col.updateOne({ _id: 'uniqueID', value: '' }, { $set: { value: randomId(), _updatedAt: new Date() } });
    await settings.refresh();
  }
  return settings.get<string>('uniqueID')!;
}
