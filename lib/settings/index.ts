export { validateSettingValue, MAX_SETTING_STRING_LENGTH } from './validateSettingValue';
export type { SettingValidation } from './validateSettingValue';
export { parseSettingFromString } from './parseSettingFromString';
export { maskSetting, isSecretSetting, SECRET_MASK } from './maskSetting';
export type { SettingView } from './maskSetting';
export { PUSH_SETTING_DEFINITIONS, PUSH_SETTING_IDS } from './pushSettingDefinitions';
export { HOST_SETTING_DEFINITIONS } from './hostSettingDefinitions';
export { toPushSettings } from './toPushSettings';
export { checkSettingDefinitions } from './checkSettingDefinitions';
