import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { IPushTransportEnv } from '../../definitions/IPushTransportFactory';
import type { ApnsCredentials } from '../../lib/delivery/apnsCredentialsFrom';
import { PushError } from '../../lib/errors';
import { readTransportEnv } from '../transports/readTransportEnv';
import type { IGatewayCredentials } from './buildGatewayTransport';
import { DEFAULT_GATEWAY_SETTINGS, type IGatewaySettings } from './settings';

export type Env = Readonly<Record<string, string | undefined>>;

/** Everything `npm run gateway` reads from the environment (credentials already read from their files). */
export interface IGatewayEnvConfig {
  host: string;
  port: number;
  mongoUrl?: string;
  /** Database name when MONGO_URL names none, and on the embedded server. */
  dbName: string;
  /** Embedded-database snapshots (undefined: memory only). */
  embeddedDbPath?: string;
  /** Where the gateway keeps local files (a generated admin token). */
  dataDir: string;
  adminToken?: string;
  settings: IGatewaySettings;
  credentials: IGatewayCredentials;
  /** Which credentials were configured (for the log; never the values). */
  configured: { apn: boolean; gcm: boolean };
  transportEnv: IPushTransportEnv;
  /** PUSH_SIMULATOR=1: use the simulators even with MONGO_URL. */
  forceSimulators: boolean;
  logLevel: string;
}

function invalid(message: string): PushError {
  return new PushError('PUSH_ERR_GATEWAY_CONFIG_INVALID', [message]);
}

function integer(env: Env, name: string, fallback: number, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}): number {
  const text = env[name]?.trim();
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw invalid(`${name} must be an integer from ${min} to ${max}, got "${text}"`);
  return value;
}

function decimal(env: Env, name: string, fallback: number): number {
  const text = env[name]?.trim();
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw invalid(`${name} must be a number >= 0, got "${text}"`);
  return value;
}

function bool(env: Env, name: string): boolean | undefined {
  const text = env[name]?.trim().toLowerCase();
  if (text === undefined || text === '') return undefined;
  if (['1', 'true', 'yes', 'on'].includes(text)) return true;
  if (['0', 'false', 'no', 'off'].includes(text)) return false;
  throw invalid(`${name} must be true or false, got "${text}"`);
}

function readSecretFile(env: Env, name: string): string | undefined {
  const file = env[name]?.trim();
  if (!file) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    // The path is not secret; the contents never appear in a message.
    throw invalid(`${name} (${file}) cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** `GATEWAY_DEFAULT_MONTHLY_QUOTA`: a number, or empty/`unlimited` for none. */
function quota(env: Env): number | null {
  const text = env.GATEWAY_DEFAULT_MONTHLY_QUOTA?.trim().toLowerCase();
  if (text === undefined || text === '' || text === 'unlimited') return null;
  return integer(env, 'GATEWAY_DEFAULT_MONTHLY_QUOTA', 0);
}

function apnCredentials(env: Env): ApnsCredentials | undefined {
  const p8 = readSecretFile(env, 'GATEWAY_APN_P8_FILE');
  const keyId = env.GATEWAY_APN_KEY_ID?.trim();
  const teamId = env.GATEWAY_APN_TEAM_ID?.trim();
  const cert = readSecretFile(env, 'GATEWAY_APN_CERT_FILE');
  const key = readSecretFile(env, 'GATEWAY_APN_KEY_FILE');
  if (p8 !== undefined) {
    if (!keyId || !teamId) throw invalid('GATEWAY_APN_P8_FILE needs GATEWAY_APN_KEY_ID and GATEWAY_APN_TEAM_ID');
    return { kind: 'token', key: p8, keyId, teamId };
  }
  if (cert !== undefined || key !== undefined) {
    if (cert === undefined || key === undefined) throw invalid('certificate auth needs both GATEWAY_APN_CERT_FILE and GATEWAY_APN_KEY_FILE');
    const passphrase = env.GATEWAY_APN_PASSPHRASE;
    return passphrase ? { kind: 'certificate', cert, key, passphrase } : { kind: 'certificate', cert, key };
  }
  if (keyId || teamId) throw invalid('GATEWAY_APN_KEY_ID/GATEWAY_APN_TEAM_ID are set but GATEWAY_APN_P8_FILE is not');
  return undefined;
}

/**
 * Reads the gateway's environment. Throws PUSH_ERR_GATEWAY_CONFIG_INVALID naming the variable at fault (never its
 * secret value), so a typo fails the start instead of failing every push later.
 */
export function readGatewayEnv(env: Env, cwd = process.cwd()): IGatewayEnvConfig {
  const d = DEFAULT_GATEWAY_SETTINGS;
  const settings: IGatewaySettings = {
    ...d,
    defaultMonthlyQuota: quota(env),
    rateLimit: {
      perSecond: decimal(env, 'GATEWAY_RATE_LIMIT_PER_SECOND', d.rateLimit.perSecond),
      burst: integer(env, 'GATEWAY_RATE_LIMIT_BURST', d.rateLimit.burst, { min: 1 }),
    },
    quotaRetryAfterCapSeconds: integer(env, 'GATEWAY_QUOTA_RETRY_AFTER_MAX_SECONDS', d.quotaRetryAfterCapSeconds, { min: 1 }),
    maxPushAgeSeconds: integer(env, 'GATEWAY_MAX_PUSH_AGE_SECONDS', d.maxPushAgeSeconds, { min: 1 }),
    maxAttempts: integer(env, 'GATEWAY_MAX_ATTEMPTS', d.maxAttempts, { min: 1 }),
    deadTokenTtlSeconds: integer(env, 'GATEWAY_DEAD_TOKEN_TTL_DAYS', d.deadTokenTtlSeconds / 86400, { min: 1 }) * 86400,
    finishedRetentionSeconds: integer(env, 'GATEWAY_RETENTION_SECONDS', d.finishedRetentionSeconds, { min: 60 }),
  };
  const apn = apnCredentials(env);
  const fcmServiceAccount = readSecretFile(env, 'GATEWAY_FCM_SERVICE_ACCOUNT_FILE');
  const production = bool(env, 'GATEWAY_APN_PRODUCTION') ?? true;
  const credentials: IGatewayCredentials = { production };
  if (apn) credentials.apn = apn;
  if (fcmServiceAccount !== undefined) credentials.fcmServiceAccount = fcmServiceAccount;

  let transportEnv: IPushTransportEnv;
  try {
    transportEnv = readTransportEnv(env as NodeJS.ProcessEnv);
  } catch (error) {
    throw invalid((error as Error).message);
  }
  const dataDir = path.resolve(cwd, env.GATEWAY_DATA_DIR?.trim() || path.join('.data', 'gateway'));
  const dbPathSetting = env.GATEWAY_EMBEDDED_DB_PATH;
  const mongoUrl = env.MONGO_URL?.trim() || undefined;
  return {
    host: env.GATEWAY_HOST?.trim() || '127.0.0.1',
    port: integer(env, 'GATEWAY_PORT', 4000, { max: 65535 }),
    mongoUrl,
    dbName: env.GATEWAY_DB_NAME?.trim() || 'chatpush_gateway',
    embeddedDbPath: dbPathSetting === '' ? undefined : path.resolve(cwd, dbPathSetting?.trim() || path.join(dataDir, 'mongo')),
    dataDir,
    adminToken: env.GATEWAY_ADMIN_TOKEN?.trim() || undefined,
    settings,
    credentials,
    configured: { apn: apn !== undefined, gcm: fcmServiceAccount !== undefined },
    transportEnv,
    forceSimulators: bool(env, 'PUSH_SIMULATOR') ?? false,
    logLevel: env.LOG_LEVEL?.trim() || 'info',
  };
}
