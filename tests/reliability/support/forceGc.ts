import v8 from 'node:v8';
import vm from 'node:vm';

/**
 * A full garbage collection, also when node was started without --expose-gc (jest workers are): the flag can be
 * switched on at run time and `gc` taken from a fresh context.
 */
export function forceGc(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}
