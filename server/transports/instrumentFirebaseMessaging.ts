import type { Messaging } from 'firebase-admin/messaging';
import { fcmProviderCode } from '../../lib/delivery/classifyFcmError';

/** What FCM's HTTP answer said, beyond firebase-admin's error code. */
export interface IFcmAnswer {
  status?: number;
  retryAfter?: string;
  providerCode?: string;
}

export interface IFcmAnswerLog {
  /** The last failed answer for this device token, removed once read. */
  take(token: string): IFcmAnswer | undefined;
  /** Whether firebase-admin's own retries could be switched off. */
  readonly retriesDisabled: boolean;
}

interface HttpClientLike {
  retry?: unknown;
  send: (request: { data?: unknown }) => Promise<unknown>;
}

const MAX_KEPT = 10_000;

/**
 * Two adjustments to firebase-admin 13.10's messaging client (`messagingRequestHandler.httpClient`, an
 * `AuthorizedHttpClient`), both degrading to nothing if a later version moves things:
 *
 * 1. Its default RetryConfig retries 503 and ECONNRESET/ETIMEDOUT up to four times with up to 60 s waits inside
 *    one `send()`, honouring Retry-After only up to 60 s. That blocks a worker slot for a minute and doubles up
 *    with the outbox's own backoff, so `retry` is set to null (its `isRetryEligible` then answers false).
 * 2. Its errors drop the HTTP status, FCM's own error code and the Retry-After header. The client's `send` is
 *    wrapped to file them under the message's token before firebase-admin turns the answer into an error.
 */
export function instrumentFirebaseMessaging(messaging: Messaging): IFcmAnswerLog {
  const client = (messaging as unknown as { messagingRequestHandler?: { httpClient?: HttpClientLike } }).messagingRequestHandler?.httpClient;
  const answers = new Map<string, IFcmAnswer>();
  let retriesDisabled = false;
  if (client && typeof client.send === 'function') {
    if ('retry' in client) {
      client.retry = null;
      retriesDisabled = true;
    }
    const original = client.send;
    client.send = function (this: HttpClientLike, request) {
      return original.call(this, request).catch((error: unknown) => {
        const token = (request.data as { message?: { token?: unknown } } | undefined)?.message?.token;
        const response = (error as { response?: ResponseLike } | undefined)?.response;
        if (typeof token === 'string' && response) {
          if (answers.size >= MAX_KEPT) answers.delete(answers.keys().next().value as string);
          answers.set(token, describe(response));
        }
        throw error;
      });
    };
  }
  return {
    retriesDisabled,
    take(token) {
      const answer = answers.get(token);
      answers.delete(token);
      return answer;
    },
  };
}

interface ResponseLike {
  status?: number;
  headers?: Record<string, unknown>;
  isJson?: () => boolean;
  data?: unknown;
}

function describe(response: ResponseLike): IFcmAnswer {
  const answer: IFcmAnswer = {};
  if (typeof response.status === 'number') answer.status = response.status;
  const retryAfter = response.headers?.['retry-after'];
  if (retryAfter !== undefined) answer.retryAfter = String(retryAfter);
  try {
    if (response.isJson?.()) answer.providerCode = fcmProviderCode(response.data);
  } catch {
    // not JSON: firebase-admin maps the status alone
  }
  return answer;
}
