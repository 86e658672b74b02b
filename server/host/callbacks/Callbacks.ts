import type {
  ChainedHookName,
  ChainedValue,
  EventHookName,
  HookName,
  HookSignatures,
  ICallbackEntry,
  ICallbackPriorities,
  ICallbacks,
} from '../../../definitions/IHooks';
import { PushError } from '../../../lib/errors';
import { HOOK_KINDS, isHookName } from './hookKinds';

/** The logging the registry needs: one line per failing handler. */
export interface CallbacksLogger {
  error(obj: object, msg: string): void;
  debug?(obj: object, msg: string): void;
}

export const CALLBACK_PRIORITY: ICallbackPriorities = Object.freeze({ HIGH: -1000, MEDIUM: 0, LOW: 1000 } as const);

interface StoredEntry {
  id: string;
  priority: number;
  fn: (...args: unknown[]) => unknown;
  /** Insertion sequence: keeps equal priorities in the order they were added. */
  seq: number;
}

/**
 * A typed, prioritized, removable callbacks registry (Rocket.Chat's `callbacks`). Hooks and handlers are checked
 * when added, so a typo fails at start-up instead of silently never running.
 */
export class Callbacks implements ICallbacks {
  readonly priority = CALLBACK_PRIORITY;

  private readonly entries = new Map<HookName, StoredEntry[]>();
  private seq = 0;

  constructor(private readonly logger: CallbacksLogger) {}

  add<H extends HookName>(hook: H, fn: HookSignatures[H], priority: number = CALLBACK_PRIORITY.MEDIUM, id?: string): void {
    if (!isHookName(hook)) {
      throw new PushError('PUSH_ERR_HOOK_NOT_SUPPORTED', [String(hook)]);
    }
    if (typeof fn !== 'function') {
      throw new PushError('PUSH_ERR_HOOK_INVALID_HANDLER', [hook, fn === null ? 'null' : typeof fn]);
    }
    if (typeof priority !== 'number' || !Number.isFinite(priority)) {
      throw new PushError('PUSH_ERR_HOOK_INVALID_PRIORITY', [hook, String(priority)]);
    }
    // Without an id every add is distinct (as Rocket.Chat's random default): two handlers that merely share a
    // function name must not silently replace each other. Pass an id to make re-registration a no-op.
    const handlerId = id ?? `${fn.name || hook}#${this.seq + 1}`;
    if (typeof handlerId !== 'string' || handlerId.length === 0) {
      throw new PushError('PUSH_ERR_INVALID_INPUT', [`handler id for hook "${hook}" must be a non-empty string`]);
    }
    // Copy on write: a run in progress keeps iterating over the list it started with.
    const list = [...(this.entries.get(hook) ?? [])];
    if (list.some((entry) => entry.id === handlerId)) {
      // Rocket.Chat semantics: re-adding an id is a no-op (a plugin registering twice must not run twice).
      this.logger.debug?.({ hook, handlerId }, 'callback id already registered; ignored');
      return;
    }
    list.push({ id: handlerId, priority, fn: fn as StoredEntry['fn'], seq: ++this.seq });
    list.sort((a, b) => a.priority - b.priority || a.seq - b.seq);
    this.entries.set(hook, list);
  }

  remove(hook: HookName, id: string): boolean {
    const list = this.entries.get(hook);
    if (!list) return false;
    const index = list.findIndex((entry) => entry.id === id);
    if (index < 0) return false;
    this.entries.set(hook, [...list.slice(0, index), ...list.slice(index + 1)]);
    return true;
  }

  async run<H extends EventHookName>(hook: H, ...args: Parameters<HookSignatures[H]>): Promise<void> {
    for (const entry of this.snapshot(hook)) {
      try {
        await entry.fn(...args);
      } catch (err) {
        this.logger.error({ err, hook, handlerId: entry.id }, `callback "${entry.id}" for ${hook} failed`);
      }
    }
  }

  async runChained<H extends ChainedHookName>(
    hook: H,
    value: ChainedValue<H>,
    ...args: unknown[]
  ): Promise<ChainedValue<H> | false> {
    let current = value;
    for (const entry of this.snapshot(hook)) {
      let result: unknown;
      try {
        result = await entry.fn(current, ...args);
      } catch (err) {
        // A broken handler must not veto (or corrupt) every push: skip it and keep the previous value.
        this.logger.error({ err, hook, handlerId: entry.id }, `callback "${entry.id}" for ${hook} failed; skipped`);
        continue;
      }
      if (result === false) return false;
      if (result !== undefined) current = result as ChainedValue<H>;
    }
    return current;
  }

  list<H extends HookName>(hook: H): ReadonlyArray<Readonly<ICallbackEntry<H>>> {
    return this.snapshot(hook).map((entry) =>
      Object.freeze({ id: entry.id, priority: entry.priority, fn: entry.fn as unknown as HookSignatures[H] }),
    );
  }

  /** The kind of a hook (event, chained, pipeline), for hosts and tools that list hooks. */
  kindOf(hook: HookName) {
    return HOOK_KINDS[hook];
  }

  private snapshot(hook: HookName): readonly StoredEntry[] {
    return this.entries.get(hook) ?? [];
  }
}
