import type { IPushSettings } from './IPushSettings';
import type { TransportFactory } from './IPushTransport';

/**
 * Where provider traffic goes instead of the real services, read from the environment by the caller
 * (`PUSH_APN_ENDPOINT`, `PUSH_APN_CA`, `PUSH_FCM_ENDPOINT`) and handed to the transports as plain data.
 */
export interface IPushTransportEnv {
  /** Replaces Apple's host and port, e.g. `https://127.0.0.1:8443`. */
  apnEndpoint?: string;
  /** PEM text (the contents of the `PUSH_APN_CA` file) trusted for `apnEndpoint`. */
  apnCa?: string;
  /** Every firebase-admin call (FCM and Google OAuth) goes here, e.g. `http://127.0.0.1:9090`. */
  fcmEndpoint?: string;
  /** PEM text trusted for an `https://` `fcmEndpoint`. */
  fcmCa?: string;
}

/** What a transport factory receives (SPEC §10 `registerTransport(name, factory)`). */
export interface IPushTransportFactoryInput {
  settings: Readonly<IPushSettings>;
  env: Readonly<IPushTransportEnv>;
}

/** A named way to build a transport from the current settings snapshot and environment. */
export type PushTransportFactory = TransportFactory<IPushTransportFactoryInput>;
