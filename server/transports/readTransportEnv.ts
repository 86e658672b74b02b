import { readFileSync } from 'node:fs';
import type { IPushTransportEnv } from '../../definitions/IPushTransportFactory';
import { PushError } from '../../lib/errors';

/**
 * The transports' environment: `PUSH_APN_ENDPOINT`, `PUSH_APN_CA` (a PEM file, read here once) and
 * `PUSH_FCM_ENDPOINT`. Throws PUSH_ERR_INVALID_INPUT when the CA file cannot be read (a typo there would
 * otherwise only show as TLS failures later).
 */
export function readTransportEnv(env: NodeJS.ProcessEnv = process.env): IPushTransportEnv {
  const result: IPushTransportEnv = {};
  const apnEndpoint = env.PUSH_APN_ENDPOINT?.trim();
  const fcmEndpoint = env.PUSH_FCM_ENDPOINT?.trim();
  const apnCaFile = env.PUSH_APN_CA?.trim();
  if (apnEndpoint) result.apnEndpoint = apnEndpoint;
  if (fcmEndpoint) result.fcmEndpoint = fcmEndpoint;
  if (apnCaFile) {
    try {
      result.apnCa = readFileSync(apnCaFile, 'utf8');
    } catch (error) {
      throw new PushError('PUSH_ERR_INVALID_INPUT', [`PUSH_APN_CA (${apnCaFile}) cannot be read: ${(error as Error).message}`]);
    }
  }
  return result;
}
