import type { HookKind, HookName } from '../../../definitions/IHooks';

/** Every supported hook and how it runs; a hook missing here is refused by `callbacks.add`. */
export const HOOK_KINDS: Readonly<Record<HookName, HookKind>> = Object.freeze({
  afterSaveMessage: 'event',
  afterReadMessages: 'event',
  afterLoginTokensChanged: 'event',
  afterUserStatusChanged: 'event',
  pushFilter: 'pipeline',
  beforePushSend: 'chained',
  afterPushDelivered: 'event',
  onPushSkipped: 'event',
});

export function isHookName(name: unknown): name is HookName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(HOOK_KINDS, name);
}
