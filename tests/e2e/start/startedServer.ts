import pino from 'pino';
import type { IHostPlugin } from '../../../definitions/IHost';
import { plugins, start, type RunningServer } from '../../../server/main';
import type { IStartedPushPlugin } from '../../../server/push/startPushPlugin';
import type { IDemoWorkspacePlugin } from '../../../server/push/demo/demoWorkspacePlugin';
import type { PushSimulators } from '../../../server/simulators';
import { ApiClient, type Credentials } from '../host/harness';

export const ADMIN_PASSWORD = 'admin-pass-123';

/** `npm start` in-process: the real `start()` with the real plugin list, on a fresh in-memory embedded database. */
export interface StartedServer {
  server: RunningServer;
  url: string;
  api: ApiClient;
  /** Everything written to standard output so far. */
  stdout(): string;
  push: IStartedPushPlugin;
  demo?: IDemoWorkspacePlugin;
  /** Throws when this start runs no simulators. */
  simulators(): PushSimulators;
  admin: Credentials;
  stop(): Promise<void>;
}

/**
 * Starts the server as `npm start` would (same plugins, same order), capturing standard output and keeping hold of
 * the plugins it registered, so tests can look at the simulators the way a newcomer looks at the printed URLs.
 */
export async function startServer(env: Record<string, string> = {}, adminUsername = 'admin'): Promise<StartedServer> {
  const out: string[] = [];
  const registered: IHostPlugin[] = [];
  const server = await start({
    env: { PORT: '0', HOST: '127.0.0.1', EMBEDDED_MONGO_DB_PATH: '', ADMIN_PASSWORD, ...env },
    stdout: (text) => void out.push(text),
    logger: pino({ level: 'silent' }),
    plugins: plugins.map((factory) => async (ctx) => {
      const plugin = await factory(ctx);
      registered.push(plugin);
      return plugin;
    }),
  });
  const api = new ApiClient(server.url);
  let admin: Credentials;
  try {
    admin = await api.login(adminUsername, ADMIN_PASSWORD);
  } catch (error) {
    await server.stop();
    throw error;
  }
  const push = registered.find((p) => p.name === 'push') as IStartedPushPlugin;
  const demo = registered.find((p) => p.name === 'push-demo-workspace') as IDemoWorkspacePlugin | undefined;
  return {
    server,
    url: server.url,
    api,
    stdout: () => out.join(''),
    push,
    demo,
    simulators() {
      if (!push.simulators) throw new Error('this start runs no push simulators');
      return push.simulators;
    },
    admin,
    stop: () => server.stop(),
  };
}

/** The demo people's password, as the banner printed it (once). */
export function demoPasswordFrom(stdout: string): string {
  const match = /Users [^\n]*, password: (\S+)/.exec(stdout);
  if (!match) throw new Error(`no demo password on standard output:\n${stdout}`);
  return match[1];
}
