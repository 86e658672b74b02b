export { Callbacks, CALLBACK_PRIORITY } from './Callbacks';
export type { CallbacksLogger } from './Callbacks';
export { HOOK_KINDS, isHookName } from './hookKinds';
