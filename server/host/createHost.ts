import { MongoClient, Db } from 'mongodb';
import type { Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import type { IHost, IHostPlugin, IListenOptions, RouteGuard } from '../../definitions/IHost';
import { PushError } from '../../lib/errors';
import { PUSH_SETTING_DEFINITIONS, HOST_SETTING_DEFINITIONS } from '../../lib/settings';
import { Callbacks } from './callbacks';
import { createModels, ensureIndexes, HostModels } from './models';
import { SettingsRegistry } from './settings/SettingsRegistry';
import { ensureWorkspaceId } from './settings/ensureWorkspaceId';
import { BackgroundTasks } from './tasks/BackgroundTasks';
import { HealthRegistry } from './health/HealthRegistry';
import { AccountsService } from './accounts/AccountsService';
import { RoomsService } from './rooms/RoomsService';
import { MessagesService } from './messages/MessagesService';
import { createHttpServer } from './api/createHttpServer';
import { createAuthenticate, requireAdmin } from './api/auth';
import { registerAccountRoutes } from './api/routes/accountRoutes';
import { registerRoomRoutes } from './api/routes/roomRoutes';
import { registerChatRoutes } from './api/routes/chatRoutes';
import { registerSettingRoutes } from './api/routes/settingRoutes';
import { registerHealthRoutes } from './api/routes/healthRoutes';
import { createLogger } from './logger';
import type { HostDeps } from './HostDeps';

export interface CreateHostOptions {
  /** MongoDB connection string (the database name comes from the URL, else `dbName`). The host owns the client. */
  mongoUrl?: string;
  /** An open database (the caller keeps ownership: `close()` does not close it). */
  db?: Db;
  /** Database name when `mongoUrl` names none. @defaultValue 'chatpush' */
  dbName?: string;
  /** @defaultValue a pino logger at `env.LOG_LEVEL` (or `info`) with secrets redacted */
  logger?: Logger;
  /** Environment for `ADMIN_*`, `LOG_LEVEL` and `OVERWRITE_SETTING_*`. @defaultValue process.env */
  env?: Readonly<Record<string, string | undefined>>;
  /** @defaultValue () => new Date() */
  now?: () => Date;
  /** @defaultValue 1 MiB */
  bodyLimit?: number;
  /** @defaultValue false */
  trustProxy?: boolean;
  /** How often settings are re-read to pick up other instances' changes; 0 disables. @defaultValue 10000 */
  settingsRefreshMs?: number;
  /** Where the generated admin password is shown (once). @defaultValue standard output */
  announce?: (text: string) => void;
  /** How long `close()` waits for background tasks (hooks) before giving up. @defaultValue 10000 */
  closeTimeoutMs?: number;
}

/** The bundled host: the `IHost` contract plus its concrete parts and services (for tools and tests). */
export interface Host extends IHost {
  readonly callbacks: Callbacks;
  readonly settings: SettingsRegistry;
  readonly models: HostModels;
  readonly health: HealthRegistry;
  readonly tasks: BackgroundTasks;
  readonly services: { accounts: AccountsService; rooms: RoomsService; messages: MessagesService };
}

/** Builds the host: connects, creates indexes, declares settings, creates the admin, defines the routes. Does not listen. */
export async function createHost(options: CreateHostOptions): Promise<Host> {
  const env = options.env ?? process.env;
  const logger = options.logger ?? createLogger({ level: env.LOG_LEVEL || 'info' });
  const now = options.now ?? (() => new Date());

  let client: MongoClient | undefined;
  let db: Db;
  if (options.db) db = options.db;
  else if (options.mongoUrl) {
    client = new MongoClient(options.mongoUrl);
    await client.connect();
    db = client.db(hasDbName(options.mongoUrl) ? undefined : (options.dbName ?? 'chatpush'));
  } else throw new PushError('PUSH_ERR_INVALID_INPUT', ['createHost needs mongoUrl or db']);

  try {
    const models = createModels(db);
    await ensureIndexes(models);
    const callbacks = new Callbacks(logger.child({ component: 'callbacks' }));
    const settings = new SettingsRegistry({ model: models.settings, logger: logger.child({ component: 'settings' }), env });
    await settings.declare([...Object.values(PUSH_SETTING_DEFINITIONS), ...HOST_SETTING_DEFINITIONS]);
    await ensureWorkspaceId(settings, models.settings);
    const tasks = new BackgroundTasks(logger);
    const health = new HealthRegistry();
    health.register('database', async () => {
      await db.command({ ping: 1 });
      return { ok: true };
    });

    const deps: HostDeps = { models, settings, callbacks, tasks, logger, now };
    const accounts = new AccountsService(deps);
    const rooms = new RoomsService(deps);
    const messages = new MessagesService(deps);
    await accounts.ensureAdmin(env, options.announce ?? ((text) => process.stdout.write(text)));

    const http = createHttpServer({ logger, bodyLimit: options.bodyLimit, trustProxy: options.trustProxy });
    const authenticate = createAuthenticate(accounts);
    const routeContext = { app: http, deps, accounts, rooms, messages, health, authenticate, requireAdmin };
    registerAccountRoutes(routeContext);
    registerRoomRoutes(routeContext);
    registerChatRoutes(routeContext);
    registerSettingRoutes(routeContext);
    registerHealthRoutes(routeContext);

    return assembleHost({
      options, env, logger, db, client, http, authenticate, callbacks, settings, models, health, tasks,
      services: { accounts, rooms, messages },
    });
  } catch (err) {
    await client?.close();
    throw err;
  }
}

interface Parts {
  options: CreateHostOptions;
  env: Readonly<Record<string, string | undefined>>;
  logger: Logger;
  db: Db;
  client?: MongoClient;
  http: FastifyInstance;
  authenticate: RouteGuard;
  callbacks: Callbacks;
  settings: SettingsRegistry;
  models: HostModels;
  health: HealthRegistry;
  tasks: BackgroundTasks;
  services: Host['services'];
}

function assembleHost(parts: Parts): Host {
  const { options, logger, http, settings, tasks, client } = parts;
  const closers: Array<{ name: string; close: () => Promise<void> }> = [];
  let listening = false;
  let closing: Promise<void> | undefined;

  const refreshMs = options.settingsRefreshMs ?? 10_000;
  const refreshTimer =
    refreshMs > 0
      ? setInterval(() => settings.refresh().catch((err) => logger.warn({ err }, 'settings refresh failed')), refreshMs)
      : undefined;
  refreshTimer?.unref();

  const host: Host = {
    callbacks: parts.callbacks,
    settings,
    models: parts.models,
    http,
    authenticate: parts.authenticate,
    requireAdmin,
    health: parts.health,
    tasks,
    db: parts.db,
    logger,
    services: parts.services,

    async register(plugin: IHostPlugin) {
      if (listening) throw new PushError('PUSH_ERR_INVALID_INPUT', [`plugin "${plugin.name}" registered after listen()`]);
      const handle = await plugin.register(host);
      if (handle && typeof handle.close === 'function') closers.push({ name: plugin.name, close: () => handle.close!() });
      logger.info({ plugin: plugin.name }, 'plugin registered');
    },

    async listen({ host: address = '127.0.0.1', port = 3000 }: IListenOptions = {}) {
      await http.listen({ host: address, port });
      listening = true;
      const bound = http.server.address();
      const actualPort = typeof bound === 'object' && bound ? bound.port : port;
      const urlHost = address.includes(':') ? `[${address}]` : address;
      const url = `http://${urlHost}:${actualPort}`;
      if (!settings.get('Site_Url')) await settings.setManaged('Site_Url', url);
      return { url, host: address, port: actualPort };
    },

    close() {
      closing ??= (async () => {
        if (refreshTimer) clearInterval(refreshTimer);
        await http.close();
        await waitFor(tasks.idle(), options.closeTimeoutMs ?? 10_000, () =>
          logger.warn({ pending: tasks.pending }, 'background tasks still running at shutdown'),
        );
        for (const closer of [...closers].reverse()) {
          try {
            await closer.close();
          } catch (err) {
            logger.error({ err, plugin: closer.name }, 'plugin failed to close');
          }
        }
        await client?.close();
      })();
      return closing;
    },
  };
  return host;
}

async function waitFor(promise: Promise<void>, ms: number, onTimeout: () => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)));
  const result = await Promise.race([promise.then(() => 'done' as const), timeout]);
  clearTimeout(timer);
  if (result === 'timeout') onTimeout();
}

/** `mongodb://h:p/name?x` names a database; `mongodb://h:p/?x` and `mongodb://h:p` do not. */
function hasDbName(url: string): boolean {
  const afterScheme = url.replace(/^mongodb(\+srv)?:\/\//, '');
  const slash = afterScheme.indexOf('/');
  if (slash < 0) return false;
  const name = afterScheme.slice(slash + 1).split('?')[0];
  return name.length > 0;
}
