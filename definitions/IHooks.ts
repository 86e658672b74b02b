/**
 * The host's hooks: what runs when, and with which arguments. A plugin adds handlers with
 * `callbacks.add(hook, fn, priority, id)`; the registry checks the hook name and the handler when they are added.
 *
 * Three kinds of hook:
 * - event hooks (`callbacks.run`): every handler is awaited in priority order; a throwing handler is logged with its
 *   id and never stops the others nor the caller;
 * - chained hooks (`callbacks.runChained`): each handler receives the previous handler's result; `false` vetoes;
 * - pipeline hooks (`callbacks.list`): the registry only keeps the handlers, sorted; the owner of the hook runs them
 *   (the push module builds its filter pipeline from the `pushFilter` handlers).
 */
import type { IMessage } from './IMessage';
import type { IRoom } from './IRoom';
import type { IUser } from './IUser';
import type { INotificationContext, FilterOutcome, INotificationDecision } from './INotificationDecision';
import type { IPushNotification } from './IPushNotification';
import type { IDeliveryResult } from './IPushTransport';
import type { IOutboxEntry } from './IOutboxEntry';

type Awaitable<T> = T | Promise<T>;

/** What `beforePushSend` handlers see besides the notification. */
export interface IBeforePushSendContext {
  message: IMessage;
  room: IRoom;
  userId: string;
}

/** What `onPushSkipped` handlers see besides the decision. */
export interface IPushSkippedContext {
  messageId: string;
  userId: string;
}

/** Every supported hook and its handler signature. */
export interface HookSignatures {
  /** A message was saved (after the subscriptions' counters were updated). Runs after the response is sent. */
  afterSaveMessage: (message: IMessage, room: IRoom) => Awaitable<void>;
  /** `uid` read room `rid` (`subscriptions.read`); delayed pushes for that room can be cancelled. */
  afterReadMessages: (rid: string, uid: string) => Awaitable<void>;
  /** The user's login tokens changed (logout, deactivation): `hashedTokens` are the ones still valid. */
  afterLoginTokensChanged: (uid: string, hashedTokens: string[]) => Awaitable<void>;
  /** The user's status or presence changed; `user` is the updated document without `services`. */
  afterUserStatusChanged: (user: IUser) => Awaitable<void>;
  /** A pure notification filter (pipeline hook): the handler's id is the filter id shown in traces. */
  pushFilter: (ctx: INotificationContext) => FilterOutcome;
  /** Rewrite a push before it is queued, or return `false` to veto it (chained hook). */
  beforePushSend: (
    notification: IPushNotification,
    ctx: IBeforePushSendContext,
  ) => Awaitable<IPushNotification | false | undefined>;
  /** A delivery attempt ended (delivered, retry, invalid token, rejected). */
  afterPushDelivered: (result: IDeliveryResult, entry: IOutboxEntry) => Awaitable<void>;
  /** A recipient was decided not to get a push. */
  onPushSkipped: (decision: INotificationDecision, ctx: IPushSkippedContext) => Awaitable<void>;
}

export type HookName = keyof HookSignatures;

/** Hooks whose handlers are all awaited in priority order. */
export type EventHookName =
  | 'afterSaveMessage'
  | 'afterReadMessages'
  | 'afterLoginTokensChanged'
  | 'afterUserStatusChanged'
  | 'afterPushDelivered'
  | 'onPushSkipped';

/** Hooks whose handlers pass a value along (`false` vetoes). */
export type ChainedHookName = 'beforePushSend';

/** Hooks whose handlers are listed, not run, by the registry. */
export type PipelineHookName = 'pushFilter';

export type HookKind = 'event' | 'chained' | 'pipeline';

/** The first argument and the result of a chained hook. */
export type ChainedValue<H extends ChainedHookName> = Parameters<HookSignatures[H]>[0];

export interface ICallbackEntry<H extends HookName = HookName> {
  id: string;
  priority: number;
  fn: HookSignatures[H];
}

export interface ICallbackPriorities {
  readonly HIGH: -1000;
  readonly MEDIUM: 0;
  readonly LOW: 1000;
}

/** The callbacks registry (Rocket.Chat's `callbacks`, typed). */
export interface ICallbacks {
  readonly priority: ICallbackPriorities;
  /**
   * Adds a handler. Lower priority runs first (`priority.HIGH` = -1000 … `priority.LOW` = 1000, default MEDIUM);
   * equal priorities run in the order added. Adding an id already present for that hook is ignored; without an
   * id, every add is a distinct handler (id `<function name>#<n>`).
   * @throws PushError `PUSH_ERR_HOOK_NOT_SUPPORTED`, `PUSH_ERR_HOOK_INVALID_HANDLER`, `PUSH_ERR_HOOK_INVALID_PRIORITY`
   */
  add<H extends HookName>(hook: H, fn: HookSignatures[H], priority?: number, id?: string): void;
  /** Removes the handler with that id; returns whether one was removed. */
  remove(hook: HookName, id: string): boolean;
  /** Runs an event hook: every handler awaited in order; errors are logged with the handler id, never thrown. */
  run<H extends EventHookName>(hook: H, ...args: Parameters<HookSignatures[H]>): Promise<void>;
  /**
   * Runs a chained hook: each handler gets the previous result. `false` stops the chain and is returned;
   * `undefined` keeps the previous value; a throwing handler is logged and skipped.
   */
  runChained<H extends ChainedHookName>(
    hook: H,
    value: ChainedValue<H>,
    ...args: Tail<Parameters<HookSignatures[H]>>
  ): Promise<ChainedValue<H> | false>;
  /** The handlers of a hook, sorted by priority then insertion order. */
  list<H extends HookName>(hook: H): ReadonlyArray<Readonly<ICallbackEntry<H>>>;
}

type Tail<T extends unknown[]> = T extends [unknown, ...infer Rest] ? Rest : never;
