import type { IPushSettings } from '../../definitions/IPushSettings';
import type { IPushTransport } from '../../definitions/IPushTransport';
import type { IPushTransportEnv } from '../../definitions/IPushTransportFactory';
import type { ApnsCredentials } from '../../lib/delivery/apnsCredentialsFrom';
import { describeCredentials } from '../../lib/delivery/describeCredentials';
import { toPushSettings } from '../../lib/settings/toPushSettings';
import { createDirectTransport } from '../transports/builtInTransports';
import type { IGatewayProviders } from './GatewayCore';

/** The gateway's own provider credentials (secret: never logged or returned). */
export interface IGatewayCredentials {
  /** Apple's production service (true) or the sandbox (false). @defaultValue true */
  production?: boolean;
  apn?: ApnsCredentials;
  /** The FCM service-account JSON text. */
  fcmServiceAccount?: string;
}

/**
 * The settings snapshot our direct transport reads, holding the gateway's credentials: the gateway delivers
 * through exactly the code a workspace in direct mode uses.
 */
export function gatewayTransportSettings(credentials: IGatewayCredentials): IPushSettings {
  const apn = credentials.apn;
  const production = credentials.production ?? true;
  return toPushSettings({
    Push_enable: true,
    Push_enable_gateway: false,
    Push_production: production,
    Push_apn_auth_type: apn?.kind === 'certificate' ? 'certificate' : 'token',
    Push_apn_p8_key: apn?.kind === 'token' ? apn.key : '',
    Push_apn_key_id: apn?.kind === 'token' ? apn.keyId : '',
    Push_apn_team_id: apn?.kind === 'token' ? apn.teamId : '',
    // Certificate auth reads the production or the dev pair according to Push_production: fill both.
    Push_apn_cert: apn?.kind === 'certificate' ? apn.cert : '',
    Push_apn_key: apn?.kind === 'certificate' ? apn.key : '',
    Push_apn_passphrase: apn?.kind === 'certificate' ? (apn.passphrase ?? '') : '',
    Push_apn_dev_cert: apn?.kind === 'certificate' ? apn.cert : '',
    Push_apn_dev_key: apn?.kind === 'certificate' ? apn.key : '',
    Push_apn_dev_passphrase: apn?.kind === 'certificate' ? (apn.passphrase ?? '') : '',
    Push_google_api_credentials: credentials.fcmServiceAccount ?? '',
  });
}

/** The gateway's DirectTransport: APNs and FCM with its own credentials (a platform without them answers retry/NOT_CONFIGURED). */
export function buildGatewayTransport(credentials: IGatewayCredentials, env: IPushTransportEnv): IPushTransport {
  return createDirectTransport({ settings: gatewayTransportSettings(credentials), env });
}

/** How a gateway delivers: what the standalone gateway and the one mounted in a host are both configured with. */
export interface IGatewayDeliveryOptions {
  /** The gateway's own APNs/FCM credentials. */
  credentials?: IGatewayCredentials;
  /** Where provider traffic goes (`PUSH_APN_ENDPOINT`, `PUSH_APN_CA`, `PUSH_FCM_ENDPOINT`): the simulators in tests. */
  transportEnv?: IPushTransportEnv;
  /** Deliveries go to the local simulators (said on /healthz and the admin page). */
  simulated?: boolean;
  /** Replaces the DirectTransport built from `credentials` (a custom route, or a test double). */
  transport?: IPushTransport;
}

/** The transport a gateway delivers with, and what it says about its providers. */
export function gatewayDelivery(options: IGatewayDeliveryOptions): { transport: IPushTransport; providers: IGatewayProviders } {
  const credentials = options.credentials ?? {};
  return {
    transport: options.transport ?? buildGatewayTransport(credentials, options.transportEnv ?? {}),
    providers: describeProviders(credentials, options.simulated ?? false, options.transport),
  };
}

/** What /healthz and the admin page say about the providers: configured or not, key ids and projects, no secrets. */
export function describeProviders(credentials: IGatewayCredentials, simulated: boolean, custom?: IPushTransport): IGatewayProviders {
  if (custom) {
    return { apn: { configured: true, description: `transport "${custom.name}"` }, gcm: { configured: true, description: `transport "${custom.name}"` }, simulated };
  }
  const described = describeCredentials(gatewayTransportSettings(credentials), new Date());
  const apns = described.apns;
  const apnDescription = apns.configured
    ? [apns.mode === 'token' ? `token key ${apns.keyId} team ${apns.teamId}` : `certificate ${apns.subject ?? ''}`.trim(), apns.environment, apns.expiresAt ? `expires ${apns.expiresAt}` : '']
        .filter(Boolean)
        .join(', ')
    : undefined;
  return {
    apn: { configured: apns.configured, description: apnDescription },
    gcm: { configured: described.fcm.configured, description: described.fcm.configured ? `project ${described.fcm.projectId}` : undefined },
    simulated,
  };
}
