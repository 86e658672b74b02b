/**
 * The per-request checks APNs documents for `POST /3/device/<token>` once the provider is authenticated: request
 * headers, topic, device token, payload. Pure: state (registered devices) comes in as an argument. The order follows
 * what a request meets at Apple: malformed headers first, then topic, token and payload.
 */

import type { IncomingHttpHeaders } from 'http2';
import type { ApnsAuth } from './apnsAuth';

export const APNS_PUSH_TYPES: ReadonlySet<string> = new Set([
  'alert',
  'background',
  'controls',
  'location',
  'voip',
  'complication',
  'fileprovider',
  'mdm',
  'liveactivity',
  'pushtotalk',
  'widgets',
]);

/** Suffixes Apple appends to the bundle id for some push types (`<bundle>.voip` ...). */
const TOPIC_SUFFIXES = ['.voip', '.complication', '.pushkit.fileprovider', '.push-type.liveactivity', '.location-query', '.voip-ptt'];

/** Payload limits: 4 KB for regular notifications, 5 KB for VoIP. */
export const APNS_MAX_PAYLOAD_BYTES = 4096;
export const APNS_MAX_VOIP_PAYLOAD_BYTES = 5120;
const COLLAPSE_ID_MAX_BYTES = 64;

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const DEVICE_TOKEN = /^[0-9a-fA-F]{64}$/;
const TOPIC = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** Headers Apple treats as single-valued (a repeat is `DuplicateHeaders`). */
const SINGLE_HEADERS = new Set([
  'authorization',
  'apns-id',
  'apns-topic',
  'apns-push-type',
  'apns-priority',
  'apns-expiration',
  'apns-collapse-id',
]);

export function baseTopic(topic: string): string {
  for (const suffix of TOPIC_SUFFIXES) if (topic.endsWith(suffix)) return topic.slice(0, -suffix.length);
  return topic;
}

export interface ApnsDevice {
  topic?: string;
}

export interface AcceptedApnsPush {
  topic: string;
  pushType?: string;
  priority: number;
  expiration?: number;
  apnsId?: string;
  collapseId?: string;
  payload: Record<string, unknown>;
}

export type ApnsVerdict = { ok: true; push: AcceptedApnsPush } | { ok: false; status: number; reason: string };

const reject = (status: number, reason: string): ApnsVerdict => ({ ok: false, status, reason });

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export interface ApnsPushInput {
  headers: IncomingHttpHeaders;
  /** Flat [name, value, name, value...] as received, to spot repeated headers. */
  rawHeaders?: readonly string[];
  token: string;
  body: { text: string; bytes: number };
  auth: ApnsAuth;
  device: ApnsDevice | undefined;
}

export function checkApnsPush(input: ApnsPushInput): ApnsVerdict {
  const { headers, auth } = input;
  if (input.rawHeaders) {
    const seen = new Set<string>();
    for (let i = 0; i < input.rawHeaders.length; i += 2) {
      const name = input.rawHeaders[i].toLowerCase();
      if (!SINGLE_HEADERS.has(name)) continue;
      if (seen.has(name)) return reject(400, 'DuplicateHeaders');
      seen.add(name);
    }
  }

  const apnsId = header(headers, 'apns-id');
  if (apnsId !== undefined && !UUID.test(apnsId)) return reject(400, 'BadMessageId');

  const priorityText = header(headers, 'apns-priority');
  if (priorityText !== undefined && priorityText !== '10' && priorityText !== '5' && priorityText !== '1') {
    return reject(400, 'BadPriority');
  }
  const expirationText = header(headers, 'apns-expiration');
  if (expirationText !== undefined && !/^\d{1,12}$/.test(expirationText)) return reject(400, 'BadExpirationDate');

  const pushType = header(headers, 'apns-push-type');
  if (pushType !== undefined && !APNS_PUSH_TYPES.has(pushType)) return reject(400, 'InvalidPushType');

  const collapseId = header(headers, 'apns-collapse-id');
  if (collapseId !== undefined && Buffer.byteLength(collapseId) > COLLAPSE_ID_MAX_BYTES) return reject(400, 'BadCollapseId');

  // Topic: mandatory with token auth; with a certificate it defaults to the certificate's only topic.
  let topic = header(headers, 'apns-topic');
  if (topic !== undefined && !TOPIC.test(topic)) return reject(400, 'BadTopic');
  if (auth.type === 'token') {
    if (topic === undefined) return reject(400, 'MissingTopic');
    if (auth.topics && !auth.topics.has(topic) && !auth.topics.has(baseTopic(topic))) return reject(400, 'TopicDisallowed');
  } else {
    if (topic === undefined) {
      if (auth.topics.length !== 1) return reject(400, 'MissingTopic');
      topic = auth.topics[0];
    } else if (!auth.topics.includes(topic)) {
      return reject(400, 'TopicDisallowed');
    }
  }

  if (!DEVICE_TOKEN.test(input.token) && input.device === undefined) return reject(400, 'BadDeviceToken');
  const deviceTopic = input.device?.topic;
  if (deviceTopic !== undefined && topic !== deviceTopic && baseTopic(topic) !== deviceTopic) {
    return reject(400, 'DeviceTokenNotForTopic');
  }

  const { text, bytes } = input.body;
  const limit = pushType === 'voip' ? APNS_MAX_VOIP_PAYLOAD_BYTES : APNS_MAX_PAYLOAD_BYTES;
  if (bytes > limit) return reject(413, 'PayloadTooLarge');
  if (text.trim() === '') return reject(400, 'PayloadEmpty');
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    // Apple documents no reason for malformed JSON; this one is the simulator's.
    return reject(400, 'BadPayload');
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return reject(400, 'BadPayload');
  const aps = (payload as Record<string, unknown>).aps;
  if (aps === null || typeof aps !== 'object' || Array.isArray(aps)) return reject(400, 'PayloadEmpty');

  return {
    ok: true,
    push: {
      topic,
      pushType,
      priority: priorityText === undefined ? 10 : Number(priorityText),
      expiration: expirationText === undefined ? undefined : Number(expirationText),
      apnsId,
      collapseId,
      payload: payload as Record<string, unknown>,
    },
  };
}
