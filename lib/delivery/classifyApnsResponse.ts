import { classification, type IDeliveryClassification } from './DeliveryClassification';
import { networkErrorReason } from './networkErrorReason';
import { parseRetryAfter } from './parseRetryAfter';

/** One APNs answer for one device token, as a transport saw it. */
export interface IApnsAnswer {
  /** HTTP status; absent when the request got no answer (connection refused or reset, timeout). */
  status?: number;
  /** The `reason` of Apple's JSON error body (https://developer.apple.com/documentation/usernotifications/handling-notification-responses-from-apns). */
  reason?: string;
  /** The `retry-after` response header, when present. */
  retryAfter?: string | number;
  /** The error for a request without an answer (or a library error carrying only a message). */
  error?: unknown;
}

/** 400 reasons that mean this token will never work for this topic: the device must re-register. */
const DEAD_TOKEN_400 = new Set(['BadDeviceToken', 'DeviceTokenNotForTopic']);

/** 403 reasons that refuse our credentials (not this push): nothing on this route works until an admin acts. */
const CREDENTIAL_403 = new Set([
  'InvalidProviderToken',
  'MissingProviderToken',
  'BadCertificate',
  'BadCertificateEnvironment',
  'Forbidden',
  'BadEnvironmentKeyInToken',
  'UnrelatedKeyIdInToken',
]);

const CREDENTIAL_DETAIL =
  'APNs refused our credentials: check the .p8 key, key id and team id (or the certificate) and the production/sandbox setting';

/**
 * Classifies an APNs answer:
 *
 * | answer | outcome | route |
 * |---|---|---|
 * | 200 | delivered | ok |
 * | 410 (`Unregistered`, `ExpiredToken`) | invalid-token | ok |
 * | 400 `BadDeviceToken`, `DeviceTokenNotForTopic` | invalid-token | ok |
 * | 403 `ExpiredProviderToken` | retry (the JWT is re-signed before the next attempt) | failure |
 * | 403 `InvalidProviderToken`, `BadCertificate`, … | rejected | unhealthy |
 * | 429 `TooManyProviderTokenUpdates` | retry | failure |
 * | 429 `TooManyRequests` (one device token, too fast) | retry, Retry-After honoured | ok |
 * | other 400, 403, 404, 405, 413 | rejected | ok |
 * | 5xx | retry, Retry-After honoured | failure |
 * | no answer (refused, reset, timeout) | retry | failure |
 *
 * `BadDeviceToken` is also what a sandbox token gets from the production service (and the reverse), so a
 * transport should log the environment alongside it.
 */
export function classifyApnsResponse(answer: IApnsAnswer, now: Date): IDeliveryClassification {
  const { status } = answer;
  if (status === undefined) {
    return classification('retry', networkErrorReason(answer.error), {
      routeHealth: 'failure',
      detail: 'APNs could not be reached',
    });
  }
  const reason = answer.reason ?? reasonFromError(answer.error) ?? `HTTP_${status}`;
  const retryAfterMs = parseRetryAfter(answer.retryAfter, now);
  if (status >= 200 && status < 300) return classification('delivered', 'OK', { status });
  if (status === 410) return classification('invalid-token', reason, { status });
  if (status === 400 && DEAD_TOKEN_400.has(reason)) return classification('invalid-token', reason, { status });
  if (status === 403 && reason === 'ExpiredProviderToken') {
    // node-apn re-signs its JWT when it sees this answer, so the next attempt carries a fresh one: dropping the
    // push would lose it for nothing. Many of these in a row (a clock far off) still open the breaker.
    return classification('retry', reason, { status, routeHealth: 'failure', detail: 'the APNs JWT had expired' });
  }
  if (status === 403 && CREDENTIAL_403.has(reason)) {
    return classification('rejected', reason, { status, routeHealth: 'unhealthy', detail: CREDENTIAL_DETAIL });
  }
  if (status === 429) {
    const routeWide = reason === 'TooManyProviderTokenUpdates';
    return classification('retry', reason, { status, retryAfterMs, routeHealth: routeWide ? 'failure' : 'ok' });
  }
  if (status >= 500) return classification('retry', reason, { status, retryAfterMs, routeHealth: 'failure' });
  if (status === 408) return classification('retry', reason, { status, retryAfterMs, routeHealth: 'failure' });
  return classification('rejected', reason, { status });
}

/** node-apn reports some answers (403 ExpiredProviderToken, 500) as an error whose message is the reason. */
function reasonFromError(error: unknown): string | undefined {
  const message = (error as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' && /^[A-Za-z]+$/.test(message) ? message : undefined;
}
