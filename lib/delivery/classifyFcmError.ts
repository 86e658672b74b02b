import { classification, type IDeliveryClassification } from './DeliveryClassification';
import { networkErrorReason } from './networkErrorReason';

/** What a transport may know about a failed FCM send beyond firebase-admin's error code. */
export interface IFcmErrorDetails {
  /** The error's message (used to tell a malformed token from other `invalid-argument`s). */
  message?: string;
  /** HTTP status of FCM's answer, when the transport saw it. */
  status?: number;
  /** FCM v1's own code (`UNREGISTERED`, `SENDER_ID_MISMATCH`, `PERMISSION_DENIED`, …), when the transport saw the body. */
  providerCode?: string;
  /** Retry-After of FCM's answer, in milliseconds, when the transport saw it. */
  retryAfterMs?: number;
  /** The underlying error for network failures (to name ECONNRESET and friends). */
  error?: unknown;
}

const AUTH_DETAIL =
  'FCM refused our service account: check Push_google_api_credentials (project, key, Firebase Cloud Messaging API enabled)';

/** firebase-admin codes whose push must not be retried, but that say nothing bad about the token or the route. */
const REJECTED_CODES = new Set([
  'messaging/invalid-argument',
  'messaging/invalid-recipient',
  'messaging/invalid-payload',
  'messaging/invalid-data-payload-key',
  'messaging/payload-size-limit-exceeded',
  'messaging/invalid-options',
  'messaging/invalid-package-name',
]);

/** Codes that refuse the route's credentials: nothing sent with them works until an admin acts. */
const AUTH_CODES = new Set([
  'messaging/authentication-error',
  'messaging/third-party-auth-error',
  'app/invalid-credential',
  'messaging/invalid-apns-credentials',
]);

const NETWORK_CODES = new Set(['app/network-error', 'app/network-timeout']);

/**
 * Classifies a firebase-admin messaging error code (see firebase-admin's `MESSAGING_SERVER_TO_CLIENT_CODE`):
 *
 * | code (FCM v1 code) | outcome | route |
 * |---|---|---|
 * | `messaging/registration-token-not-registered` (UNREGISTERED, NOT_FOUND) | invalid-token | ok |
 * | `messaging/mismatched-credential` (SENDER_ID_MISMATCH) | invalid-token | ok |
 * | `messaging/mismatched-credential` with FCM code PERMISSION_DENIED | rejected | unhealthy |
 * | `messaging/invalid-registration-token`; `invalid-argument` about the token | invalid-token | ok |
 * | other `invalid-argument`, `invalid-payload`, `payload-size-limit-exceeded`, … | rejected | ok |
 * | `messaging/message-rate-exceeded` (QUOTA_EXCEEDED, project quota) | retry | failure |
 * | `messaging/device-message-rate-exceeded` (one device, too fast) | retry | ok |
 * | `messaging/server-unavailable` (UNAVAILABLE), `internal-error` (INTERNAL), `unknown-error` | retry | failure |
 * | `app/network-error`, `app/network-timeout` | retry | failure |
 * | any code with FCM code UNAUTHENTICATED or HTTP 401 (our access token was refused) | retry (with a new token) | failure |
 * | `messaging/authentication-error`, `third-party-auth-error`, `app/invalid-credential` | rejected | unhealthy |
 * | anything else | retry (bounded by the outbox) | failure |
 */
export function classifyFcmError(code: string, details: IFcmErrorDetails = {}): IDeliveryClassification {
  const { status, retryAfterMs, providerCode } = details;
  const reason = providerCode ?? code;
  if (providerCode === 'UNAUTHENTICATED' || status === 401) {
    // Our OAuth access token was refused (expired early, revoked): the transport fetches a new one, so the push
    // is worth another attempt. firebase-admin reports this as `third-party-auth-error`, which it is not.
    return classification('retry', 'UNAUTHENTICATED', { status, routeHealth: 'failure', detail: 'FCM refused the access token; a new one is fetched' });
  }
  switch (code) {
    case 'messaging/registration-token-not-registered':
      return classification('invalid-token', providerCode ?? 'UNREGISTERED', { status });
    case 'messaging/mismatched-credential':
      // firebase-admin maps both SENDER_ID_MISMATCH (this token belongs to another project) and PERMISSION_DENIED
      // (our service account may not send at all) to this code. Only the first says anything about the token.
      if (providerCode !== undefined && providerCode !== 'SENDER_ID_MISMATCH') {
        return classification('rejected', providerCode, { status, routeHealth: 'unhealthy', detail: AUTH_DETAIL });
      }
      return classification('invalid-token', 'SENDER_ID_MISMATCH', { status });
    case 'messaging/invalid-registration-token':
      return classification('invalid-token', reason, { status });
    case 'messaging/message-rate-exceeded':
    case 'messaging/topics-message-rate-exceeded':
      return classification('retry', providerCode ?? 'QUOTA_EXCEEDED', { status, retryAfterMs, routeHealth: 'failure' });
    case 'messaging/device-message-rate-exceeded':
      return classification('retry', reason, { status, retryAfterMs });
    case 'messaging/server-unavailable':
      return classification('retry', providerCode ?? 'UNAVAILABLE', { status, retryAfterMs, routeHealth: 'failure' });
    case 'messaging/internal-error':
      return classification('retry', providerCode ?? 'INTERNAL', { status, retryAfterMs, routeHealth: 'failure' });
  }
  if (code === 'messaging/invalid-argument' && isAboutTheToken(details.message)) {
    return classification('invalid-token', 'INVALID_REGISTRATION_TOKEN', { status });
  }
  if (REJECTED_CODES.has(code)) return classification('rejected', reason, { status });
  if (AUTH_CODES.has(code)) {
    return classification('rejected', reason, { status, routeHealth: 'unhealthy', detail: AUTH_DETAIL });
  }
  if (NETWORK_CODES.has(code)) {
    return classification('retry', networkErrorReason(details.error ?? { message: details.message }), {
      routeHealth: 'failure',
      detail: 'FCM could not be reached',
    });
  }
  return classification('retry', reason, { status, retryAfterMs, routeHealth: 'failure' });
}

/** FCM v1 answers INVALID_ARGUMENT "The registration token is not a valid FCM registration token" for malformed tokens. */
function isAboutTheToken(message: string | undefined): boolean {
  return message !== undefined && /registration token/i.test(message);
}

/**
 * FCM v1's own error code from an error body: the `errorCode` of the `google.firebase.fcm.v1.FcmError` detail
 * (`UNREGISTERED`, `SENDER_ID_MISMATCH`, `QUOTA_EXCEEDED`, …), else the canonical `status` (`PERMISSION_DENIED`).
 */
export function fcmProviderCode(body: unknown): string | undefined {
  const error = (body as { error?: unknown } | undefined)?.error;
  if (typeof error === 'string') return error;
  if (typeof error !== 'object' || error === null) return undefined;
  const { details, status } = error as { details?: unknown; status?: unknown };
  if (Array.isArray(details)) {
    for (const detail of details) {
      const d = detail as { '@type'?: unknown; errorCode?: unknown };
      if (d?.['@type'] === 'type.googleapis.com/google.firebase.fcm.v1.FcmError' && typeof d.errorCode === 'string') return d.errorCode;
    }
  }
  return typeof status === 'string' ? status : undefined;
}
