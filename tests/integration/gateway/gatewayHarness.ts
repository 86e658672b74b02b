/**
 * A gateway on port 0 over the test database and the push simulators, with our real GatewayTransport as the
 * client (exactly what a host in gateway mode sends).
 */
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import type { IPushDelivery, IDeliveryResult } from '../../../definitions/IPushTransport';
import type { PushPlatform } from '../../../definitions/IPushToken';
import { apnsIdFor, collapseIdFor } from '../../../lib/delivery/deliveryIds';
import { createGateway, type CreateGatewayOptions, type Gateway } from '../../../server/gateway/createGateway';
import type { IGatewayCredentials } from '../../../server/gateway/buildGatewayTransport';
import { startPushSimulators, type PushSimulators } from '../../../server/simulators';
import { GatewayTransport } from '../../../server/transports/GatewayTransport';
import type { TestDatabase } from '../../support/testDatabase';

export const TOPIC = 'chat.example.ios';
export const ADMIN_TOKEN = 'test-admin-token';

/** Circuit breaker and worker tuned for tests: failures are retried within a second or two, not minutes. */
export const FAST_BREAKER = {
  failureThreshold: 1000,
  failureRatio: 1,
  minimumRequests: 1000,
  windowSize: 1000,
  coolDownMs: 200,
  maxCoolDownMs: 400,
  halfOpenMaxProbes: 1,
  halfOpenSuccessesToClose: 1,
};

export function simulatorCredentials(sims: PushSimulators): Pick<CreateGatewayOptions, 'credentials' | 'transportEnv'> {
  const credentials: IGatewayCredentials = {
    production: false,
    apn: { kind: 'token', key: sims.credentials.apns.p8, keyId: sims.credentials.apns.keyId, teamId: sims.credentials.apns.teamId },
    fcmServiceAccount: JSON.stringify(sims.credentials.fcm.serviceAccount),
  };
  return {
    credentials,
    transportEnv: { apnEndpoint: sims.credentials.apns.endpoint, apnCa: sims.credentials.apns.ca, fcmEndpoint: sims.credentials.fcm.endpoint },
  };
}

export async function startTestGateway(
  database: TestDatabase,
  sims: PushSimulators,
  overrides: Partial<CreateGatewayOptions> = {},
  port = 0,
): Promise<{ gateway: Gateway; url: string }> {
  const gateway = await createGateway({
    db: database.db,
    logger: pino({ level: process.env.GATEWAY_TEST_LOG ?? 'silent' }),
    ...simulatorCredentials(sims),
    simulated: true,
    adminToken: ADMIN_TOKEN,
    breaker: FAST_BREAKER,
    random: () => 0,
    worker: { pollIntervalMs: 100, errorBackoffMs: 100 },
    ...overrides,
    settings: { maintenanceIntervalSeconds: 3600, ...overrides.settings },
  });
  const { url } = await gateway.listen({ host: '127.0.0.1', port });
  return { gateway, url };
}

export function apnsDeviceToken(): string {
  return randomBytes(32).toString('hex');
}

export function fcmDeviceToken(): string {
  return `fcm-${randomBytes(24).toString('base64url')}`;
}

let seq = 0;

/** One push as our outbox hands it to a transport. */
export function aDelivery(platform: PushPlatform, token: string, overrides: Partial<IPushDelivery> = {}): IPushDelivery {
  const n = ++seq;
  const key = `m${n}:u1:t${n}:${randomBytes(4).toString('hex')}`;
  return {
    id: key,
    platform,
    token,
    appName: TOPIC,
    notification: {
      title: '#general',
      body: `alice: hello ${n}`,
      badge: 3,
      sound: 'default',
      category: 'MESSAGE',
      notId: 4242,
      threadId: 'room-1',
      payload: { host: 'https://chat.example', messageId: `m${n}`, notificationType: 'message', rid: 'room-1', type: 'c', name: 'general' },
      from: 'push',
    },
    apnsId: apnsIdFor(key),
    collapseId: collapseIdFor(`m${n}`, 'u1'),
    expiresAt: Math.floor(Date.now() / 1000) + 3600,
    ...overrides,
  };
}

export function clientFor(url: string, token: string, uniqueId: string): GatewayTransport {
  return new GatewayTransport({ gateways: [url], token, uniqueId, timeoutMs: 5000 });
}

export async function sendOne(transport: GatewayTransport, delivery: IPushDelivery): Promise<IDeliveryResult> {
  const [result] = await transport.send([delivery]);
  return result;
}

/** A raw JSON POST (for answers the transport reduces to an outcome: bodies, headers, malformed requests). */
export async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; json: Record<string, unknown> | undefined }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json };
}

export async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
