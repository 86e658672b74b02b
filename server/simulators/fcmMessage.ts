/**
 * FCM HTTP v1 request validation (`POST /v1/projects/<p>/messages:send`, body `{message, validate_only?}`) and
 * the FCM v1 error shape. Google parses the body as proto3 JSON: unknown fields and wrongly typed values are
 * INVALID_ARGUMENT, field names may be snake_case or lowerCamelCase, enum names are matched as the SDK sends them
 * (firebase-admin 13 puts `android.priority` on the wire as lower-case `high`/`normal`).
 */

export const FCM_ERROR_TYPE = 'type.googleapis.com/google.firebase.fcm.v1.FcmError';
/** FCM's payload limit for a message's data and notification. */
export const FCM_MAX_MESSAGE_BYTES = 4096;

export interface FcmErrorBody {
  error: {
    code: number;
    message: string;
    status: string;
    details?: Array<Record<string, unknown>>;
  };
}

/** FCM v1 error codes (FcmError.errorCode) with the HTTP status, canonical status and message Google sends. */
export const FCM_ERRORS: Record<string, { code: number; status: string; message: string }> = {
  UNREGISTERED: { code: 404, status: 'NOT_FOUND', message: 'Requested entity was not found.' },
  SENDER_ID_MISMATCH: { code: 403, status: 'PERMISSION_DENIED', message: 'SenderId mismatch' },
  QUOTA_EXCEEDED: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'Quota exceeded for sending messages.' },
  UNAVAILABLE: { code: 503, status: 'UNAVAILABLE', message: 'The service is currently unavailable.' },
  INTERNAL: { code: 500, status: 'INTERNAL', message: 'Internal error encountered.' },
  INVALID_ARGUMENT: { code: 400, status: 'INVALID_ARGUMENT', message: 'Request contains an invalid argument.' },
  THIRD_PARTY_AUTH_ERROR: { code: 401, status: 'UNAUTHENTICATED', message: 'Auth error from APNS or Web Push Service' },
};

/** The error code a status stands for when a fault names none. */
export const FCM_DEFAULT_ERROR_BY_STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'THIRD_PARTY_AUTH_ERROR',
  403: 'SENDER_ID_MISMATCH',
  404: 'UNREGISTERED',
  429: 'QUOTA_EXCEEDED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

const CANONICAL_STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  501: 'NOT_IMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

/** A Google API error; `errorCode` adds the FcmError detail firebase-admin maps to its error codes. */
export function fcmError(code: number, message: string, errorCode?: string, extraDetails: Array<Record<string, unknown>> = []): FcmErrorBody {
  const details = [...(errorCode ? [{ '@type': FCM_ERROR_TYPE, errorCode }] : []), ...extraDetails];
  return { error: { code, message, status: CANONICAL_STATUS[code] ?? 'UNKNOWN', ...(details.length ? { details } : {}) } };
}

/** The error an injected fault answers with: the status given, the error code given or the status's usual one. */
export function fcmFaultError(status: number, errorCode?: string): FcmErrorBody {
  const code = errorCode ?? FCM_DEFAULT_ERROR_BY_STATUS[status];
  const known = code ? FCM_ERRORS[code] : undefined;
  const body = fcmError(status, known?.message ?? 'Simulated failure.', code);
  if (known && known.code === status) body.error.status = known.status;
  return body;
}

export type FcmTarget = { token: string } | { topic: string } | { condition: string };

export type FcmValidation =
  | { ok: true; message: Record<string, unknown>; target: FcmTarget; validateOnly: boolean }
  | { ok: false; body: FcmErrorBody };

class Invalid extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

const snake = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
const show = (value: unknown): string => (typeof value === 'string' ? `"${value}"` : JSON.stringify(value));

function checkFields(object: Record<string, unknown>, allowed: ReadonlySet<string>, at: string): void {
  for (const key of Object.keys(object)) {
    if (!allowed.has(snake(key))) throw new Invalid(`Invalid JSON payload received. Unknown name "${key}" at '${at}': Cannot find field.`, `${at}.${key}`);
  }
}

function field(object: Record<string, unknown>, name: string): unknown {
  const camel = name.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
  return object[name] !== undefined ? object[name] : object[camel];
}

function checkObject(value: unknown, at: string): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw new Invalid(`Invalid value at '${at}' (type.googleapis.com/google.protobuf.Struct), ${show(value)}`, at);
  return value;
}

function checkString(value: unknown, at: string): void {
  if (value !== undefined && value !== null && typeof value !== 'string') {
    throw new Invalid(`Invalid value at '${at}' (TYPE_STRING), ${show(value)}`, at);
  }
}

const RESERVED_DATA_KEY = /^(from|message_type|google\..*|gcm\..*)$/;

function checkStringMap(value: unknown, at: string, isData: boolean): void {
  const map = checkObject(value, at);
  if (!map) return;
  Object.entries(map).forEach(([key, entry], index) => {
    if (typeof entry !== 'string') throw new Invalid(`Invalid value at '${at}[${index}].value' (TYPE_STRING), ${show(entry)}`, `${at}.${key}`);
    if (isData && RESERVED_DATA_KEY.test(key)) throw new Invalid(`Invalid data payload key: ${key}`, `${at}.${key}`);
  });
}

const MESSAGE_FIELDS = new Set(['name', 'data', 'notification', 'android', 'webpush', 'apns', 'fcm_options', 'token', 'topic', 'condition']);
const NOTIFICATION_FIELDS = new Set(['title', 'body', 'image']);
const ANDROID_FIELDS = new Set([
  'collapse_key',
  'priority',
  'ttl',
  'restricted_package_name',
  'data',
  'notification',
  'fcm_options',
  'direct_boot_ok',
  'bandwidth_constrained_ok',
  'restricted_satellite_ok',
]);
const APNS_FIELDS = new Set(['headers', 'payload', 'fcm_options', 'live_activity_token']);
const REQUEST_FIELDS = new Set(['message', 'validate_only']);
const ANDROID_PRIORITIES = new Set(['normal', 'high', '0', '1', '2']);
const DURATION = /^-?\d{1,12}(\.\d{1,9})?s$/;
const TOPIC = /^[a-zA-Z0-9-_.~%]{1,900}$/;
/** Registration tokens are long base64url-ish strings with a colon; we accept that alphabet at any length. */
const REGISTRATION_TOKEN = /^[A-Za-z0-9_\-:.]{1,4096}$/;

function checkMessage(message: Record<string, unknown>): FcmTarget {
  checkFields(message, MESSAGE_FIELDS, 'message');
  const token = field(message, 'token');
  const topic = field(message, 'topic');
  const condition = field(message, 'condition');
  checkString(token, 'message.token');
  checkString(topic, 'message.topic');
  checkString(condition, 'message.condition');
  const targets = [token, topic, condition].filter((t) => typeof t === 'string' && t !== '');
  if (targets.length === 0) throw new Invalid('Recipient of the message is not set.', 'message');
  if (targets.length > 1) throw new Invalid("Invalid value at 'message' (oneof), oneof field 'target' is already set.", 'message');

  checkStringMap(field(message, 'data'), 'message.data', true);
  const notification = checkObject(field(message, 'notification'), 'message.notification');
  if (notification) {
    checkFields(notification, NOTIFICATION_FIELDS, 'message.notification');
    for (const name of NOTIFICATION_FIELDS) checkString(notification[name], `message.notification.${name}`);
  }
  const android = checkObject(field(message, 'android'), 'message.android');
  if (android) {
    checkFields(android, ANDROID_FIELDS, 'message.android');
    checkString(field(android, 'collapse_key'), 'message.android.collapse_key');
    checkString(field(android, 'restricted_package_name'), 'message.android.restricted_package_name');
    const priority = field(android, 'priority');
    if (priority !== undefined && priority !== null && !ANDROID_PRIORITIES.has(String(priority).toLowerCase())) {
      throw new Invalid(
        `Invalid value at 'message.android.priority' (type.googleapis.com/google.firebase.fcm.v1.AndroidMessagePriority), ${show(priority)}`,
        'message.android.priority',
      );
    }
    const ttl = field(android, 'ttl');
    if (ttl !== undefined && ttl !== null && (typeof ttl !== 'string' || !DURATION.test(ttl) || ttl.startsWith('-'))) {
      throw new Invalid(`Invalid value at 'message.android.ttl' (type.googleapis.com/google.protobuf.Duration), ${show(ttl)}`, 'message.android.ttl');
    }
    checkStringMap(field(android, 'data'), 'message.android.data', true);
    checkObject(field(android, 'notification'), 'message.android.notification');
  }
  const apns = checkObject(field(message, 'apns'), 'message.apns');
  if (apns) {
    checkFields(apns, APNS_FIELDS, 'message.apns');
    checkStringMap(field(apns, 'headers'), 'message.apns.headers', false);
    checkObject(field(apns, 'payload'), 'message.apns.payload');
  }
  checkObject(field(message, 'webpush'), 'message.webpush');
  checkObject(field(message, 'fcm_options'), 'message.fcm_options');

  if (typeof topic === 'string' && topic !== '' && !TOPIC.test(topic.replace(/^\/topics\//, ''))) {
    throw new Invalid('Invalid topic name', 'message.topic');
  }
  if (typeof token === 'string' && token !== '') {
    if (!REGISTRATION_TOKEN.test(token)) throw new Invalid('The registration token is not a valid FCM registration token', 'message.token');
    return { token };
  }
  return typeof topic === 'string' && topic !== '' ? { topic: topic.replace(/^\/topics\//, '') } : { condition: condition as string };
}

/** Byte size FCM's 4 KB limit applies to: the message without its target and name. */
function payloadBytes(message: Record<string, unknown>): number {
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(message)) {
    if (!['token', 'topic', 'condition', 'name'].includes(key)) rest[key] = value;
  }
  return Buffer.byteLength(JSON.stringify(rest));
}

/** Validates a parsed request body. */
export function validateFcmSendRequest(body: unknown): FcmValidation {
  try {
    if (!isObject(body)) throw new Invalid('Invalid JSON payload received. Expected an object.');
    checkFields(body, REQUEST_FIELDS, '');
    const message = field(body, 'message');
    if (!isObject(message)) throw new Invalid('Request contains an invalid argument.', 'message');
    const validateOnly = field(body, 'validate_only');
    if (validateOnly !== undefined && typeof validateOnly !== 'boolean') {
      throw new Invalid(`Invalid value at 'validate_only' (TYPE_BOOL), ${show(validateOnly)}`, 'validate_only');
    }
    const target = checkMessage(message);
    if (payloadBytes(message) > FCM_MAX_MESSAGE_BYTES) {
      throw new Invalid(`Message is too big: the payload exceeds ${FCM_MAX_MESSAGE_BYTES} bytes.`, 'message');
    }
    return { ok: true, message, target, validateOnly: validateOnly === true };
  } catch (error) {
    if (!(error instanceof Invalid)) throw error;
    const violations = error.field ? [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: error.field, description: error.message }] }] : [];
    return { ok: false, body: fcmError(400, error.message, 'INVALID_ARGUMENT', violations) };
  }
}
