/**
 * `npm start`: the host on HOST:PORT (default 127.0.0.1:3000), on MONGO_URL or, without it, on the embedded
 * MongoDB-compatible server (persisted under EMBEDDED_MONGO_DB_PATH, default `.data/embedded-mongo`; set it empty to
 * keep everything in memory). Prints `listening on http://HOST:PORT` once ready; stops cleanly on SIGINT/SIGTERM.
 *
 * Nothing runs at import: `start()` is exported for tests and tools; the process entry is at the bottom.
 */
import path from 'node:path';
import type { Logger } from 'pino';
import type { IHostPlugin } from '../definitions/IHost';
import { createHost, Host } from './host/createHost';
import { createLogger } from './host/logger';
import { startEmbeddedMongo, type EmbeddedMongo } from './embedded-mongo';
import { startPushPlugin, type IStartedPushPlugin } from './push/startPushPlugin';
import { createAdminPlugin } from './admin/createAdminPlugin';
import { demoWorkspacePlugin } from './push/demo/demoWorkspacePlugin';

type Env = Readonly<Record<string, string | undefined>>;

/** What a plugin factory may look at when the server starts. */
export interface StartContext {
  env: Env;
  logger: Logger;
  /** True when running on the embedded database (no MONGO_URL): the zero-config, offline setup. */
  embeddedDatabase: boolean;
  /** Standard output (or `StartOptions.stdout`): for what a person must read once, e.g. generated passwords. */
  announce: (text: string) => void;
}

export type PluginFactory = (context: StartContext) => IHostPlugin | Promise<IHostPlugin>;

/** The push plugin each start registered, for the plugins after it that build on it. */
const pushPlugins = new WeakMap<StartContext, IStartedPushPlugin>();
function pushPluginOf(ctx: StartContext): IStartedPushPlugin {
  const push = pushPlugins.get(ctx);
  if (!push) throw new Error('the push plugin must come first in the plugins list');
  return push;
}

/**
 * The plugins `npm start` registers into the host, in order: the push module (with the local simulators on the
 * embedded database when no provider credentials are configured); the admin page (`/admin`) and its
 * `push.admin.*` API; the demo workspace (only on an empty database while the simulators run; DEMO_WORKSPACE=0 off).
 */
export const plugins: PluginFactory[] = [
  (ctx) => {
    const push = startPushPlugin({ env: ctx.env, embeddedDatabase: ctx.embeddedDatabase });
    pushPlugins.set(ctx, push);
    return push;
  },
  (ctx) => createAdminPlugin({ push: pushPluginOf(ctx) }),
  (ctx) => demoWorkspacePlugin({ push: pushPluginOf(ctx), env: ctx.env, announce: ctx.announce }),
];

export interface StartOptions {
  env?: Env;
  /** Where the ready line (and a generated admin password, once) are written. @defaultValue process.stdout */
  stdout?: (text: string) => void;
  logger?: Logger;
  /** @defaultValue the `plugins` list above */
  plugins?: PluginFactory[];
}

export interface RunningServer {
  host: Host;
  url: string;
  stop(): Promise<void>;
}

export async function start(options: StartOptions = {}): Promise<RunningServer> {
  const env = options.env ?? process.env;
  const write = options.stdout ?? ((text: string) => void process.stdout.write(text));
  const logger = options.logger ?? createLogger({ level: env.LOG_LEVEL || 'info' });
  const port = parsePort(env.PORT);
  const address = env.HOST || '127.0.0.1';

  let embedded: EmbeddedMongo | undefined;
  let mongoUrl = env.MONGO_URL;
  if (!mongoUrl) {
    const dbPath = embeddedDbPath(env);
    embedded = await startEmbeddedMongo({ port: 0, dbPath });
    mongoUrl = embedded.url;
    logger.info({ dbPath: dbPath ?? '(memory only)' }, 'no MONGO_URL: using the embedded MongoDB-compatible server');
  }

  let host: Host | undefined;
  try {
    host = await createHost({ mongoUrl, logger, env, announce: write });
    const context: StartContext = { env, logger, embeddedDatabase: embedded !== undefined, announce: write };
    for (const factory of options.plugins ?? plugins) await host.register(await factory(context));
    const { url } = await host.listen({ host: address, port });
    write(`listening on ${url}\n`);
    const running = host;
    let stopping: Promise<void> | undefined;
    return {
      host: running,
      url,
      stop() {
        stopping ??= (async () => {
          await running.close();
          await embedded?.stop();
        })();
        return stopping;
      },
    };
  } catch (err) {
    await host?.close().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    throw err;
  }
}

function parsePort(text: string | undefined): number {
  if (text === undefined || text === '') return 3000;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be an integer 0–65535, got "${text}"`);
  return port;
}

function embeddedDbPath(env: Env): string | undefined {
  const configured = env.EMBEDDED_MONGO_DB_PATH;
  if (configured === '') return undefined;
  return path.resolve(configured ?? path.join('.data', 'embedded-mongo'));
}

/** The process entry: start, then stop on the first SIGINT/SIGTERM (a second one forces the exit). */
async function main(): Promise<void> {
  const logger = createLogger({ level: process.env.LOG_LEVEL || 'info' });
  let server: RunningServer;
  try {
    server = await start({ logger });
  } catch (err) {
    logger.fatal({ err }, 'could not start');
    process.exitCode = 1;
    return;
  }
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown took too long: exiting');
      process.exit(1);
    }, 20_000);
    force.unref();
    server.stop().then(
      () => process.exit(0),
      (err) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

if (require.main === module) void main();
