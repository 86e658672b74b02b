import type { IHost } from '../../definitions/IHost';
import type { IPushTransportEnv } from '../../definitions/IPushTransportFactory';
import type { IPushModule } from '../push/createPushPlugin';
import type { PushSimulators } from '../simulators';
import type { UserDirectory } from './deliveries/UserDirectory';

/** What the admin plugin needs from the push plugin registered before it (`startPushPlugin` provides all of it). */
export interface IPushPluginView {
  /** Set once the push plugin is registered. */
  readonly module?: IPushModule;
  /** The local APNs/FCM simulators, when this start runs them. */
  readonly simulators?: PushSimulators;
  /** Where provider traffic goes (the simulators' endpoints, or PUSH_APN_ENDPOINT / PUSH_FCM_ENDPOINT). */
  readonly transportEnv: IPushTransportEnv;
}

/** Shared by the admin routes. */
export interface AdminContext {
  host: IHost;
  push: IPushModule;
  plugin: IPushPluginView;
  users: UserDirectory;
  clock: () => Date;
}

export const API = '/api/v1';
