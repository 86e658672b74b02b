/**
 * The host contract: what a plugin (the push module, or anything else) may rely on when it is registered into a
 * Meteor-style chat host. The bundled host (`server/host/createHost.ts`) implements it; another host can implement
 * the same interface and register the same plugins.
 *
 * Rules for plugins: add hooks through `callbacks`, read settings through `settings` (and rebuild snapshots on
 * `settings.watch`), use `models.*.col` for queries the models do not offer, add routes to `http` with
 * `preHandler: [host.authenticate]` (and `host.requireAdmin`), report readiness through `health`, and release
 * everything in the `close()` returned by `register` (the host calls it on shutdown, before the database closes).
 */
import type { Collection, Db } from 'mongodb';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { ICallbacks } from './IHooks';
import type { ISettingDefinition, SettingValue } from './ISetting';
import type { IPushSettings } from './IPushSettings';
import type { IUser } from './IUser';
import type { IRoom } from './IRoom';
import type { ISubscription } from './ISubscription';
import type { IMessage } from './IMessage';
import type { IPushToken } from './IPushToken';

// ---------------------------------------------------------------------------------------------------------------
// Settings

/** Called with the new value and the setting id; errors are logged, never thrown back to the writer. */
export type SettingWatcher = (value: SettingValue, id: string) => void | Promise<void>;

/** A setting as the API shows it: secrets only say whether they are set. */
export type ISettingView =
  | { _id: string; value: SettingValue }
  | { _id: string; value: '********' | ''; secret: true; isSet: boolean };

export interface ISettingsRegistry {
  /** The current value (cached; synchronous as in Rocket.Chat), or undefined for an undeclared id. */
  get<T extends SettingValue = SettingValue>(id: string): T | undefined;
  /**
   * Validates and stores a value, then awaits the watchers. Unchanged values are a no-op.
   * @throws PushError `PUSH_ERR_SETTING_UNKNOWN`, `PUSH_ERR_SETTING_INVALID_VALUE` (the old value is kept),
   *   `PUSH_ERR_SETTING_OVERWRITTEN` (forced by `OVERWRITE_SETTING_<id>`), `PUSH_ERR_SETTING_READ_ONLY`.
   */
  set(id: string, value: unknown): Promise<void>;
  /** Calls `cb(value, id)` whenever one of the settings changes (not immediately). Returns an unsubscribe. */
  watch(ids: string | readonly string[], cb: SettingWatcher): () => void;
  /** Declares more settings (a plugin's own); stored values are kept, overrides applied. */
  declare(definitions: readonly ISettingDefinition[]): Promise<void>;
  definition(id: string): ISettingDefinition | undefined;
  /** Every declared definition, in declaration order. */
  definitions(): readonly ISettingDefinition[];
  /** Forced by an `OVERWRITE_SETTING_<id>` environment variable (changes through the API are refused). */
  isOverwritten(id: string): boolean;
  /** The masked view of one setting (what any API may return). */
  view(id: string): ISettingView | undefined;
  /** A frozen snapshot of every push setting (`lib/settings/toPushSettings`). */
  pushSettings(): IPushSettings;
  /** Re-reads the stored values (changes made by another instance) and notifies watchers of differences. */
  refresh(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------------
// Models: one per collection, with Rocket.Chat's names and shapes. `col` is the raw driver collection.

export interface IModel<T extends { _id: string }> {
  readonly name: string;
  readonly col: Collection<T>;
  findOneById(id: string): Promise<T | null>;
  /** Creates the indexes the model declares (idempotent; run at start-up). */
  ensureIndexes(): Promise<void>;
}

export interface IUsersModel extends IModel<IUser> {
  findOneByUsername(username: string): Promise<IUser | null>;
  /** Users by id, without `services` (safe to hand to filters and hooks). */
  findByIds(ids: readonly string[]): Promise<IUser[]>;
  /** The hashed login tokens of a user (the sessions a device may belong to). */
  getLoginTokenHashes(uid: string): Promise<string[]>;
}

export interface IRoomsModel extends IModel<IRoom> {
  findOneByName(name: string): Promise<IRoom | null>;
}

export interface ISubscriptionsModel extends IModel<ISubscription> {
  findByRoomId(rid: string): Promise<ISubscription[]>;
  findOneByRoomIdAndUserId(rid: string, uid: string): Promise<ISubscription | null>;
  /** Sum of `unread` over the user's subscriptions: the badge. */
  getBadgeCount(uid: string): Promise<number>;
}

export interface IMessagesModel extends IModel<IMessage> {}

export interface ISettingDocument {
  _id: string;
  value: SettingValue;
  packageValue: SettingValue;
  type: string;
  secret?: boolean;
  public?: boolean;
  [key: string]: unknown;
}

export interface ISettingsModel extends IModel<ISettingDocument> {}

export interface IPushAppTokensModel extends IModel<IPushToken> {
  /** Enabled tokens of these users. */
  findEnabledByUserIds(uids: readonly string[]): Promise<IPushToken[]>;
  /** Deletes the user's tokens whose session (`authToken`) is not among `hashedTokens`; returns the count. */
  removeByUserIdExceptAuthTokens(uid: string, hashedTokens: readonly string[]): Promise<number>;
}

export interface IHostModels {
  users: IUsersModel;
  rooms: IRoomsModel;
  subscriptions: ISubscriptionsModel;
  messages: IMessagesModel;
  settings: ISettingsModel;
  pushAppTokens: IPushAppTokensModel;
}

// ---------------------------------------------------------------------------------------------------------------
// Health

export interface IHealthCheckResult {
  ok: boolean;
  /** A short, secret-free explanation (shown to anyone who can reach `/healthz`). */
  detail?: string;
  [key: string]: unknown;
}

export type HealthCheck = () => Promise<IHealthCheckResult> | IHealthCheckResult;

export interface IHealthReport {
  ok: boolean;
  checks: Record<string, IHealthCheckResult>;
}

export interface IHealthRegistry {
  /** Adds (or replaces) a named check; a check that throws or takes over the timeout counts as failed. */
  register(name: string, check: HealthCheck): void;
  unregister(name: string): void;
  run(): Promise<IHealthReport>;
}

// ---------------------------------------------------------------------------------------------------------------
// Background work the host started and must finish before it closes (e.g. `afterSaveMessage` handlers).

export interface IBackgroundTasks {
  /** Tracks a promise (its rejection is logged); `close()` waits for it. */
  track(name: string, promise: Promise<unknown>): void;
  /** Resolves when every task tracked so far (and any they started) has settled. */
  idle(): Promise<void>;
  readonly pending: number;
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP

/** A fastify preHandler. */
export type RouteGuard = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

/** A plugin registered into the host. */
export interface IHostPlugin {
  readonly name: string;
  /** Adds hooks, settings, routes and health checks; returns what to release on shutdown. */
  register(host: IHost): Promise<{ close?(): Promise<void> } | void>;
}

export interface IListenOptions {
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default 3000; 0 picks a free port. */
  port?: number;
}

export interface IHost {
  readonly callbacks: ICallbacks;
  readonly settings: ISettingsRegistry;
  readonly models: IHostModels;
  /** The fastify instance: plugins add routes here (before `listen`). */
  readonly http: FastifyInstance;
  /** preHandler: `X-User-Id` + `X-Auth-Token` → `request.user`; 401 in the envelope otherwise. */
  readonly authenticate: RouteGuard;
  /** preHandler, after `authenticate`: 403 unless the user has the `admin` role. */
  readonly requireAdmin: RouteGuard;
  readonly health: IHealthRegistry;
  readonly tasks: IBackgroundTasks;
  readonly db: Db;
  readonly logger: Logger;
  /** Registers a plugin (before `listen`); its `close` runs on `host.close()`, in reverse order. */
  register(plugin: IHostPlugin): Promise<void>;
  /** Starts listening; sets `Site_Url` when it is empty. Resolves with the URL actually bound. */
  listen(options?: IListenOptions): Promise<{ url: string; host: string; port: number }>;
  /** Stops accepting requests, waits for background tasks, closes plugins, then the database (if the host opened it). */
  close(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated user (set by `host.authenticate`). */
    user?: IUser;
    /** The hashed login token the request was authenticated with. */
    hashedToken?: string;
  }
}
