import type { ISettingDefinition, SettingValue } from '../../definitions/ISetting';

/** What leaves the server for one setting: secrets say only whether they are set. */
export type SettingView =
  | { _id: string; value: SettingValue }
  | { _id: string; value: '********' | ''; secret: true; isSet: boolean };

export const SECRET_MASK = '********';

export function isSecretSetting(definition: Pick<ISettingDefinition, 'secret' | 'type'>): boolean {
  return definition.secret === true || definition.type === 'password';
}

/** The API view of a setting. A secret's value never leaves: `'********'` when set, `''` when empty. */
export function maskSetting(definition: ISettingDefinition, value: SettingValue): SettingView {
  if (!isSecretSetting(definition)) return { _id: definition._id, value };
  const isSet = value !== '' && value !== undefined && value !== null;
  return { _id: definition._id, value: isSet ? SECRET_MASK : '', secret: true, isSet };
}
