import type { IHost, IHostPlugin } from '../../definitions/IHost';
import type { IPushTransportEnv } from '../../definitions/IPushTransportFactory';
import { parseServiceAccount } from '../../lib/delivery/parseServiceAccount';
import { startPushSimulators, type PushSimulators } from '../simulators';
import { registerBuiltInTransports, readTransportEnv, TransportRegistry, TransportSelector } from '../transports';
import { createPushPlugin, type IPushModule, type IPushPluginOptions } from './createPushPlugin';

type Env = Readonly<Record<string, string | undefined>>;

export interface IStartPushOptions {
  env: Env;
  /** The host runs on the embedded database (no MONGO_URL): the offline, zero-config setup. */
  embeddedDatabase: boolean;
  /** Passed through to `createPushPlugin` (tests, benchmarks). */
  worker?: IPushPluginOptions['worker'];
  cron?: boolean;
}

/** A hidden marker: the credentials in settings were generated for the local simulators, not uploaded by an admin. */
const SIMULATOR_MARKER = 'Push_simulator_credentials';
const CREDENTIAL_SETTINGS = ['Push_apn_p8_key', 'Push_apn_key_id', 'Push_apn_team_id', 'Push_apn_cert', 'Push_apn_key', 'Push_google_api_credentials'];

/** The push plugin as `npm start` registers it, plus what it started (the simulators) for the admin page. */
export interface IStartedPushPlugin extends IHostPlugin {
  readonly module?: IPushModule;
  readonly simulators?: PushSimulators;
  readonly transportEnv: IPushTransportEnv;
  readonly transports: TransportRegistry;
}

/**
 * The push module wired for a real start: transports built from settings (gateway or direct, rebuilt when they
 * change) and, for a newcomer on the embedded database without provider credentials, the local APNs and FCM
 * simulators with self-configured delivery pointed at them, so the whole path works offline. The simulators never
 * start on MONGO_URL unless `PUSH_SIMULATOR=1`; `PUSH_SIMULATOR=0` keeps them off everywhere.
 */
export function startPushPlugin(options: IStartPushOptions): IStartedPushPlugin {
  const registry = registerBuiltInTransports(new TransportRegistry());
  const state: { module?: IPushModule; simulators?: PushSimulators; transportEnv: IPushTransportEnv } = {
    transportEnv: readTransportEnv(options.env as NodeJS.ProcessEnv),
  };

  const plugin: IStartedPushPlugin = {
    name: 'push',
    get module() {
      return state.module;
    },
    get simulators() {
      return state.simulators;
    },
    get transportEnv() {
      return state.transportEnv;
    },
    transports: registry,
    async register(host: IHost) {
      await host.settings.declare([
        { _id: SIMULATOR_MARKER, type: 'boolean', packageValue: false, group: 'Push', section: 'Simulators', readonly: true },
      ]);
      const log = host.logger.child({ module: 'push' });
      if (shouldSimulate(host, options)) {
        state.simulators = await startPushSimulators();
        state.transportEnv = await pointAtSimulators(host, state.simulators, state.transportEnv, log);
      }
      const selector = new TransportSelector({
        registry,
        settings: () => host.settings.pushSettings(),
        env: state.transportEnv,
        onError: (error, context) => log.warn({ err: error instanceof Error ? error.message : String(error), ...context }, 'push transport problem'),
      });
      const inner = createPushPlugin({
        env: state.transportEnv,
        transports: selector,
        worker: options.worker,
        cron: options.cron,
        simulated: () => state.simulators !== undefined,
        info: () => ({
          simulators: state.simulators
            ? { apns: state.simulators.apns.endpoint, fcm: state.simulators.fcm.endpoint, note: 'pushes go to the local APNs/FCM simulators, not to Apple or Google' }
            : null,
        }),
      });
      const registered = await inner.register(host);
      state.module = inner.module;
      return {
        async close() {
          await registered?.close?.();
          await state.simulators?.stop();
        },
      };
    },
  };
  return plugin;
}

function shouldSimulate(host: IHost, options: IStartPushOptions): boolean {
  const flag = options.env.PUSH_SIMULATOR;
  if (flag === '0') return false;
  if (flag === '1') return true;
  if (!options.embeddedDatabase) return false;
  return !hasCredentials(host) || host.settings.get(SIMULATOR_MARKER) === true;
}

function hasCredentials(host: IHost): boolean {
  const s = host.settings.pushSettings();
  const apns = s.Push_apn_auth_type === 'token' ? s.Push_apn_p8_key !== '' : s.Push_apn_cert !== '' || s.Push_apn_dev_cert !== '';
  return apns || s.Push_google_api_credentials !== '';
}

/**
 * Sends self-configured delivery to the simulators: their endpoints replace Apple's and Google's (unless the
 * environment names others), and an empty configuration gets the simulators' throwaway credentials. Credentials a
 * previous start generated are trusted by the new simulators, so a restart keeps working.
 */
async function pointAtSimulators(
  host: IHost,
  simulators: PushSimulators,
  env: IPushTransportEnv,
  log: { info(obj: object, msg: string): void },
): Promise<IPushTransportEnv> {
  const { apns, fcm } = simulators.credentials;
  if (!hasCredentials(host)) {
    await host.settings.set('Push_apn_auth_type', 'token');
    await host.settings.set('Push_apn_p8_key', apns.p8);
    await host.settings.set('Push_apn_key_id', apns.keyId);
    await host.settings.set('Push_apn_team_id', apns.teamId);
    await host.settings.set('Push_google_api_credentials', JSON.stringify(fcm.serviceAccount));
    await host.settings.set('Push_enable_gateway', false);
    await markSimulated(host, true);
    log.info({}, 'no push credentials configured: using generated credentials for the local simulators (self-configured mode)');
  } else {
    const s = host.settings.pushSettings();
    if (s.Push_apn_p8_key) simulators.apns.registerSigningKey({ keyId: s.Push_apn_key_id, teamId: s.Push_apn_team_id, p8: s.Push_apn_p8_key });
    const account = parseServiceAccount(s.Push_google_api_credentials);
    if (account.ok) simulators.fcm.registerServiceAccount(account.account);
  }
  // An admin who later uploads real credentials takes the workspace off the simulators at the next start.
  host.settings.watch(CREDENTIAL_SETTINGS, () => markSimulated(host, false));
  log.info(
    { apns: simulators.apns.endpoint, fcm: simulators.fcm.endpoint },
    'push simulators running: self-configured pushes go to local APNs/FCM look-alikes, not to Apple or Google',
  );
  return {
    ...env,
    apnEndpoint: env.apnEndpoint ?? apns.endpoint,
    apnCa: env.apnEndpoint ? env.apnCa : apns.ca,
    fcmEndpoint: env.fcmEndpoint ?? fcm.endpoint,
  };
}

async function markSimulated(host: IHost, value: boolean): Promise<void> {
  // The marker is read-only for the API; the server itself may write it through the model.
  await host.models.settings.col.updateOne({ _id: SIMULATOR_MARKER }, { $set: { value, _updatedAt: new Date() } });
  await host.settings.refresh();
}
