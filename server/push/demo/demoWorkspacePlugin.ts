import type { IHost, IHostPlugin } from '../../../definitions/IHost';
import { listeningUrl } from '../../admin/listeningUrl';
import type { Host } from '../../host/createHost';
import { randomId } from '../../host/util/random';
import type { PushSimulators } from '../../simulators';
import type { IPushModule } from '../createPushPlugin';
import { demoBanner } from './demoBanner';
import { DEMO_CHANNEL, DEMO_PEOPLE, type IDemoWorkspace } from './demoWorkspace';
import { seedDemoWorkspace } from './seedDemoWorkspace';

type Env = Readonly<Record<string, string | undefined>>;

export interface IDemoWorkspaceOptions {
  /** The push plugin registered before this one: the demo needs its module and its simulators. */
  push: { readonly module?: IPushModule; readonly simulators?: PushSimulators };
  /** `DEMO_WORKSPACE=0` turns the demo off; `DEMO_PASSWORD` chooses the demo people's password. */
  env: Env;
  /** Where the banner goes (standard output, like the generated admin password). */
  announce: (text: string) => void;
  clock?: () => Date;
}

/** The demo plugin after registration: what it created, if anything (tests and tools). */
export interface IDemoWorkspacePlugin extends IHostPlugin {
  readonly workspace?: IDemoWorkspace;
}

/**
 * A newcomer's first `npm start`: on an empty database (no user but the admin) and only while the push simulators
 * run, creates a clearly labelled demo workspace — people with simulated phones, a channel, a direct message — and,
 * once the server listens, prints where to look (admin page, credentials, curl commands). Later starts only point
 * at it again. Needs the bundled host (its accounts and rooms services).
 */
export function demoWorkspacePlugin(options: IDemoWorkspaceOptions): IDemoWorkspacePlugin {
  const state: { workspace?: IDemoWorkspace } = {};
  return {
    name: 'push-demo-workspace',
    get workspace() {
      return state.workspace;
    },
    async register(host: IHost) {
      const log = host.logger.child({ module: 'push-demo' });
      const simulators = options.push.simulators;
      const module = options.push.module;
      if (options.env.DEMO_WORKSPACE === '0') return;
      if (!simulators || !module) {
        log.debug({}, 'no demo workspace: the push simulators are not running');
        return;
      }
      if (!isBundledHost(host)) {
        log.info({}, 'no demo workspace: it needs the bundled host');
        return;
      }
      const endpoints = { apns: simulators.apns.endpoint, fcm: simulators.fcm.endpoint };
      if (!(await databaseIsEmpty(host))) {
        if (await demoExists(host)) {
          host.http.addHook('onListen', async () => {
            const url = listeningUrl(host);
            options.announce(`Demo workspace (SIMULATED phones): ${DEMO_PEOPLE.map((p) => p.username).join(', ')} in #${DEMO_CHANNEL}, password shown at its creation; admin page ${url}/admin\n`);
          });
        }
        return;
      }
      const taken = await host.models.users.findByUsernames(DEMO_PEOPLE.map((p) => p.username));
      if (taken.length > 0) {
        log.info({ taken: taken.map((u) => u.username) }, 'no demo workspace: its usernames are taken');
        return;
      }
      const generated = options.env.DEMO_PASSWORD ? undefined : randomId(12);
      const password = options.env.DEMO_PASSWORD || generated!;
      const clock = options.clock ?? (() => new Date());
      const { accounts, rooms } = host.services;
      let workspace: IDemoWorkspace;
      try {
        workspace = await seedDemoWorkspace({ accounts, rooms, users: host.models.users, tokens: module.tokens, clock }, password);
      } catch (err) {
        // A convenience must not keep the server from starting.
        log.error({ err }, 'the demo workspace could not be created; starting without it');
        return;
      }
      state.workspace = workspace;
      log.info(
        { users: workspace.users.map((u) => u.username), channel: `#${workspace.channel.name}`, simulators: endpoints },
        'demo workspace created with simulated phones (its password is on standard output, once)',
      );
      host.http.addHook('onListen', async () => {
        const url = listeningUrl(host);
        options.announce(demoBanner({ workspace, url, simulators: endpoints, generatedPassword: generated }));
        log.info({ adminPage: `${url}/admin` }, 'demo workspace ready: sign in to the admin page, or see the curl commands on standard output');
      });
    },
  };
}

/** The bundled host exposes its services; another host implementing IHost may not. */
function isBundledHost(host: IHost): host is Host {
  return 'services' in host && typeof (host as Partial<Host>).services?.accounts?.createUser === 'function';
}

/** "Empty" means nobody but admins signed up yet: a fresh start, where demo data cannot get in anyone's way. */
async function databaseIsEmpty(host: IHost): Promise<boolean> {
  return (await host.models.users.col.countDocuments({ roles: { $ne: 'admin' } }, { limit: 1 })) === 0;
}

async function demoExists(host: IHost): Promise<boolean> {
  return (await host.models.rooms.findOneByName(DEMO_CHANNEL)) !== null && (await host.models.users.findOneByUsername(DEMO_PEOPLE[0].username)) !== null;
}
