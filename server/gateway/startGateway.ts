import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import type { Logger } from 'pino';
import { startEmbeddedMongo, type EmbeddedMongo } from '../embedded-mongo';
import { createLogger } from '../host/logger';
import { startPushSimulators, type PushSimulators } from '../simulators';
import type { IGatewayCredentials } from './buildGatewayTransport';
import { createGateway, type Gateway } from './createGateway';
import { readGatewayEnv, type Env, type IGatewayEnvConfig } from './gatewayEnv';

export interface StartGatewayOptions {
  env?: Env;
  /** Where the ready line goes. @defaultValue process.stdout */
  stdout?: (text: string) => void;
  logger?: Logger;
  cwd?: string;
}

export interface RunningGateway {
  gateway: Gateway;
  url: string;
  config: IGatewayEnvConfig;
  /** The local simulators, when the gateway delivers to them. */
  simulators?: PushSimulators;
  stop(): Promise<void>;
}

/** The file holding the admin token generated for an embedded-database gateway (so the CLI can reach its admin API). */
export function adminTokenFile(dataDir: string): string {
  return path.join(dataDir, 'admin-token');
}

/**
 * `npm run gateway`: the gateway on GATEWAY_HOST:GATEWAY_PORT, on MONGO_URL or the embedded database, delivering
 * with the credentials of GATEWAY_APN_* / GATEWAY_FCM_SERVICE_ACCOUNT_FILE, or, when none are given and the
 * database is embedded (or PUSH_SIMULATOR=1), to the local push simulators. Prints `gateway listening on URL`.
 */
export async function startGateway(options: StartGatewayOptions = {}): Promise<RunningGateway> {
  const env = options.env ?? process.env;
  const config = readGatewayEnv(env, options.cwd);
  const write = options.stdout ?? ((text: string) => void process.stdout.write(text));
  const logger = options.logger ?? createLogger({ level: config.logLevel }).child({ name: 'gateway' });

  let embedded: EmbeddedMongo | undefined;
  let client: MongoClient | undefined;
  let simulators: PushSimulators | undefined;
  let gateway: Gateway | undefined;
  try {
    let mongoUrl = config.mongoUrl;
    if (!mongoUrl) {
      if (config.embeddedDbPath) mkdirSync(config.embeddedDbPath, { recursive: true });
      embedded = await startEmbeddedMongo({ port: 0, dbPath: config.embeddedDbPath });
      mongoUrl = embedded.url;
      logger.info({ dbPath: config.embeddedDbPath ?? '(memory only)' }, 'no MONGO_URL: using the embedded MongoDB-compatible server');
    }
    client = new MongoClient(mongoUrl, { serverSelectionTimeoutMS: 10_000 });
    await client.connect();
    const db = client.db(databaseNameOf(config.mongoUrl) ?? config.dbName);

    let credentials: IGatewayCredentials = config.credentials;
    let transportEnv = config.transportEnv;
    const noCredentials = !config.configured.apn && !config.configured.gcm;
    if (noCredentials && (embedded || config.forceSimulators)) {
      simulators = await startPushSimulators();
      const sim = simulators.credentials;
      credentials = {
        production: false,
        apn: { kind: 'token', key: sim.apns.p8, keyId: sim.apns.keyId, teamId: sim.apns.teamId },
        fcmServiceAccount: JSON.stringify(sim.fcm.serviceAccount),
      };
      transportEnv = { apnEndpoint: sim.apns.endpoint, apnCa: sim.apns.ca, fcmEndpoint: sim.fcm.endpoint };
      logger.warn(
        { apns: sim.apns.endpoint, fcm: sim.fcm.endpoint, apnsInbox: `${sim.apns.endpoint}/_sim/inbox`, fcmInbox: `${sim.fcm.endpoint}/_sim/inbox` },
        'no APNs/FCM credentials configured: delivering to the local push SIMULATORS, not to Apple or Google',
      );
    } else {
      if (!config.configured.apn) logger.warn('no APNs credentials (GATEWAY_APN_P8_FILE or GATEWAY_APN_CERT_FILE): APN pushes will wait and expire');
      if (!config.configured.gcm) logger.warn('no FCM service account (GATEWAY_FCM_SERVICE_ACCOUNT_FILE): GCM pushes will wait and expire');
    }

    let adminToken = config.adminToken;
    if (!adminToken && embedded) {
      adminToken = readOrCreateAdminToken(config.dataDir);
      logger.info({ file: adminTokenFile(config.dataDir) }, 'GATEWAY_ADMIN_TOKEN is not set: the admin API uses the token in this file');
    } else if (!adminToken) {
      logger.info('GATEWAY_ADMIN_TOKEN is not set: the admin HTTP API is off (the CLI works on MONGO_URL directly)');
    }

    gateway = await createGateway({
      db,
      logger,
      credentials,
      transportEnv,
      simulated: simulators !== undefined,
      adminToken,
      settings: config.settings,
    });
    const { url } = await gateway.listen({ host: config.host, port: config.port });
    write(`gateway listening on ${url}\n`);

    const running = gateway;
    const openClient = client;
    let stopping: Promise<void> | undefined;
    return {
      gateway: running,
      url,
      config,
      simulators,
      stop() {
        stopping ??= (async () => {
          await running.close();
          await openClient.close();
          await simulators?.stop();
          await embedded?.stop();
        })();
        return stopping;
      },
    };
  } catch (error) {
    await gateway?.close().catch(() => undefined);
    await client?.close().catch(() => undefined);
    await simulators?.stop().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    throw error;
  }
}

/** The database named in a MongoDB connection string, if any. */
export function databaseNameOf(mongoUrl: string | undefined): string | undefined {
  if (!mongoUrl) return undefined;
  const match = /^mongodb(?:\+srv)?:\/\/[^/]*\/([^?]+)/.exec(mongoUrl);
  return match ? decodeURIComponent(match[1]) : undefined;
}

function readOrCreateAdminToken(dataDir: string): string {
  const file = adminTokenFile(dataDir);
  try {
    const existing = readFileSync(file, 'utf8').trim();
    if (existing) return existing;
  } catch {
    // absent: create it below
  }
  mkdirSync(dataDir, { recursive: true });
  const token = randomBytes(32).toString('base64url');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}
