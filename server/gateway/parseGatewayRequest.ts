import type { PushPlatform } from '../../definitions/IPushToken';

/**
 * A validated gateway request (`POST /push/{apn|gcm}/send`, body `{token, options}`), in the shape Rocket.Chat's
 * `sendGatewayPush` and our GatewayTransport send. Fields we do not use (`createdBy`, `sent`, `sending`, …) are
 * allowed and ignored, as a gateway must accept every server version's extras.
 */
export interface IParsedGatewayRequest {
  platform: PushPlatform;
  token: string;
  uniqueId: string;
  /** APNs: the app's bundle id (`options.topic`, else `options.apn.topic`). Optional for FCM. */
  topic?: string;
  title: string;
  text: string;
  badge: number;
  sound: string;
  notId: number;
  from: string;
  category: string;
  payload: Record<string, unknown>;
  userId?: string;
  apnsId?: string;
  collapseId?: string;
  gcmImage?: string;
}

export type ParseResult = { ok: true; request: IParsedGatewayRequest } | { ok: false; errors: string[] };

/** Longest device token accepted: APNs tokens are 64 hex digits, FCM registration tokens about 160 characters. */
const MAX_TOKEN_LENGTH = 4096;
const MAX_TEXT_LENGTH = 4096;
/** APNs rejects an `apns-collapse-id` over 64 bytes. */
const MAX_COLLAPSE_ID_BYTES = 64;
/** APNs requires `apns-id` in the canonical 8-4-4-4-12 form. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks a request body field by field and says exactly what is wrong (the 422 answer lists every problem).
 * Pure: the platform comes from the path, the body from the JSON parser.
 */
export function parseGatewayRequest(platform: PushPlatform, body: unknown): ParseResult {
  const errors: string[] = [];
  if (!isObject(body)) return { ok: false, errors: ['the body must be a JSON object {token, options}'] };
  const { token, options } = body;
  if (typeof token !== 'string' || token.trim() === '') errors.push('token must be a non-empty string');
  else if (token.length > MAX_TOKEN_LENGTH) errors.push(`token must be at most ${MAX_TOKEN_LENGTH} characters`);
  if (!isObject(options)) {
    errors.push('options must be an object');
    return { ok: false, errors };
  }

  const str = (name: string, value: unknown, { required = false, max = MAX_TEXT_LENGTH } = {}): string | undefined => {
    if (value === undefined || value === null) {
      if (required) errors.push(`${name} is required`);
      return undefined;
    }
    if (typeof value !== 'string') {
      errors.push(`${name} must be a string`);
      return undefined;
    }
    if (required && value.trim() === '') errors.push(`${name} must not be empty`);
    if (value.length > max) errors.push(`${name} must be at most ${max} characters`);
    return value;
  };
  const int = (name: string, value: unknown, { min = -(2 ** 53), max = 2 ** 53 } = {}): number | undefined => {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      errors.push(`${name} must be an integer${min === 0 ? ' >= 0' : ''}`);
      return undefined;
    }
    return value;
  };
  const obj = (name: string, value: unknown): Json | undefined => {
    if (value === undefined || value === null) return undefined;
    if (!isObject(value)) {
      errors.push(`${name} must be an object`);
      return undefined;
    }
    return value;
  };

  const uniqueId = str('options.uniqueId', options.uniqueId, { required: true, max: 256 });
  const apn = obj('options.apn', options.apn);
  const gcm = obj('options.gcm', options.gcm);
  const topic = str('options.topic', options.topic, { max: 256 }) ?? str('options.apn.topic', apn?.topic, { max: 256 });
  if (platform === 'apn' && (topic === undefined || topic.trim() === '') && !errors.some((e) => e.includes('topic'))) {
    errors.push('options.topic (the app bundle id) is required for APNs');
  }
  const title = str('options.title', options.title) ?? '';
  const text = str('options.text', options.text) ?? '';
  const badge = int('options.badge', options.badge, { min: 0 }) ?? 0;
  const sound = str('options.sound', options.sound, { max: 256 }) ?? 'default';
  const notId = int('options.notId', options.notId) ?? 0;
  const from = str('options.from', options.from, { max: 256 }) ?? 'push';
  const category = str('options.apn.category', apn?.category, { max: 64 }) ?? '';
  const payload = obj('options.payload', options.payload) ?? {};
  const userId = str('options.userId', options.userId, { max: 256 });
  const apnsId = str('options.apnsId', options.apnsId, { max: 36 });
  if (apnsId !== undefined && !UUID.test(apnsId)) errors.push('options.apnsId must be a UUID (8-4-4-4-12 hex digits)');
  const collapseId = str('options.collapseId', options.collapseId, { max: 1024 });
  if (collapseId !== undefined && Buffer.byteLength(collapseId, 'utf8') > MAX_COLLAPSE_ID_BYTES) {
    errors.push(`options.collapseId must be at most ${MAX_COLLAPSE_ID_BYTES} bytes`);
  }
  const gcmImage = str('options.gcm.image', gcm?.image, { max: 2048 });
  str('options.gcm.style', gcm?.style, { max: 64 });

  if (errors.length > 0) return { ok: false, errors };
  const request: IParsedGatewayRequest = {
    platform,
    token: token as string,
    uniqueId: uniqueId as string,
    title,
    text,
    badge,
    sound,
    notId,
    from,
    category,
    payload,
  };
  if (topic !== undefined && topic !== '') request.topic = topic;
  if (userId !== undefined) request.userId = userId;
  if (apnsId !== undefined) request.apnsId = apnsId.toLowerCase();
  if (collapseId !== undefined && collapseId !== '') request.collapseId = collapseId;
  if (gcmImage !== undefined && gcmImage !== '') request.gcmImage = gcmImage;
  return { ok: true, request };
}
