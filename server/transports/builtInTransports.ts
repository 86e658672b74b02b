import { createHash } from 'node:crypto';
import type { IPushSettings } from '../../definitions/IPushSettings';
import type { IPushTransport } from '../../definitions/IPushTransport';
import type { IPushTransportEnv, IPushTransportFactoryInput } from '../../definitions/IPushTransportFactory';
import { apnsCredentialsFrom } from '../../lib/delivery/apnsCredentialsFrom';
import { parseGatewayList, parseHttpUrl } from '../../lib/delivery/parseGatewayList';
import { parseServiceAccount } from '../../lib/delivery/parseServiceAccount';
import { ApnsTransport } from './ApnsTransport';
import { DirectTransport } from './DirectTransport';
import { FcmTransport } from './FcmTransport';
import { GatewayTransport } from './GatewayTransport';
import type { TransportRegistry } from './TransportRegistry';

export const GATEWAY_TRANSPORT = 'gateway';
export const DIRECT_TRANSPORT = 'direct';

/** The built-in transport the settings ask for. */
export function transportNameFor(settings: Pick<IPushSettings, 'Push_enable_gateway'>): string {
  return settings.Push_enable_gateway ? GATEWAY_TRANSPORT : DIRECT_TRANSPORT;
}

export function createGatewayTransport({ settings }: IPushTransportFactoryInput): IPushTransport {
  return new GatewayTransport({
    gateways: parseGatewayList(settings.Push_gateway).urls,
    token: settings.Push_gateway_token,
    uniqueId: settings.uniqueID,
  });
}

export function createDirectTransport({ settings, env }: IPushTransportFactoryInput): IPushTransport {
  const missing: { apn?: string; gcm?: string } = {};
  let apns: IPushTransport | undefined;
  const credentials = apnsCredentialsFrom(settings);
  const endpoint = env.apnEndpoint ? apnEndpointOf(env.apnEndpoint) : undefined;
  if (!credentials) missing.apn = 'no complete APNs credentials are configured (direct mode)';
  else if (endpoint === null) missing.apn = 'PUSH_APN_ENDPOINT is not an https URL';
  else apns = new ApnsTransport({ credentials, production: settings.Push_production, endpoint, ca: env.apnCa });

  let fcm: IPushTransport | undefined;
  const account = parseServiceAccount(settings.Push_google_api_credentials);
  if (!account.ok) {
    missing.gcm = account.problem === 'empty' ? 'no FCM service account is configured (direct mode)' : `the FCM service-account JSON is unusable (${account.problem})`;
  } else if (env.fcmEndpoint && !parseHttpUrl(env.fcmEndpoint)) {
    missing.gcm = 'PUSH_FCM_ENDPOINT is not an http(s) URL';
  } else {
    fcm = new FcmTransport({ serviceAccount: account.account, endpoint: env.fcmEndpoint || undefined, ca: env.fcmCa });
  }
  return new DirectTransport({ apns, fcm, missing });
}

/** What the gateway transport reads: a change to any of these builds a new transport. */
export function gatewayFingerprint({ settings }: IPushTransportFactoryInput): string {
  return digest([settings.Push_gateway, settings.Push_gateway_token, settings.uniqueID]);
}

/** What the direct transport reads (credentials, environment, endpoint overrides). */
export function directFingerprint({ settings, env }: IPushTransportFactoryInput): string {
  return digest([
    settings.Push_production,
    settings.Push_apn_auth_type,
    settings.Push_apn_p8_key,
    settings.Push_apn_key_id,
    settings.Push_apn_team_id,
    settings.Push_apn_cert,
    settings.Push_apn_key,
    settings.Push_apn_passphrase,
    settings.Push_apn_dev_cert,
    settings.Push_apn_dev_key,
    settings.Push_apn_dev_passphrase,
    settings.Push_google_api_credentials,
    envDigestParts(env),
  ]);
}

/** Registers `gateway` and `direct` (with their fingerprints) into `registry`. */
export function registerBuiltInTransports(registry: TransportRegistry): TransportRegistry {
  registry.registerTransport(GATEWAY_TRANSPORT, { factory: createGatewayTransport, fingerprint: gatewayFingerprint });
  registry.registerTransport(DIRECT_TRANSPORT, { factory: createDirectTransport, fingerprint: directFingerprint });
  return registry;
}

/**
 * The transport for the current settings: the registered transport `name` (by default the one the settings
 * select). Throws PUSH_ERR_TRANSPORT_UNKNOWN for an unknown name; the built-in factories themselves do not throw
 * (a transport that cannot work says so when asked to send).
 */
export function createTransport(
  settings: IPushSettings,
  env: IPushTransportEnv,
  registry: TransportRegistry,
  name: string = transportNameFor(settings),
): IPushTransport {
  return registry.create(name, { settings, env });
}

/** A digest of the whole snapshot and environment: the safe default fingerprint for a custom transport. */
export function defaultFingerprint({ settings, env }: IPushTransportFactoryInput): string {
  return digest([Object.entries(settings).sort(([a], [b]) => a.localeCompare(b)), envDigestParts(env)]);
}

function envDigestParts(env: IPushTransportEnv): unknown[] {
  return [env.apnEndpoint ?? '', env.apnCa ?? '', env.fcmEndpoint ?? '', env.fcmCa ?? ''];
}

/** Hashed, so that comparing fingerprints never keeps or shows a secret in clear. */
function digest(parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/** `https://host:port` → `{host, port}`; null when it is not an https URL. */
function apnEndpointOf(text: string): { host: string; port: number } | null {
  const url = parseHttpUrl(text.trim());
  if (!url || url.protocol !== 'https:') return null;
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 443) };
}
