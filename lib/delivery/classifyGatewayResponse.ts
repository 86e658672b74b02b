import { classification, type IDeliveryClassification } from './DeliveryClassification';
import { networkErrorReason } from './networkErrorReason';
import { parseRetryAfter } from './parseRetryAfter';

export type HeaderBag = Record<string, string | string[] | number | undefined>;

/**
 * Classifies a push gateway's answer (Rocket.Chat gateway protocol, `POST {gw}/push/{apn|gcm}/send`):
 *
 * | answer | outcome | reason | route | failover |
 * |---|---|---|---|---|
 * | 2xx | delivered | `OK` | ok | |
 * | 406 | invalid-token | `GATEWAY_TOKEN_INVALID` | ok | |
 * | 401 | rejected | `GATEWAY_UNAUTHORIZED` | unhealthy | |
 * | 403 | rejected | `GATEWAY_FORBIDDEN` | unhealthy | |
 * | 422 | rejected | `GATEWAY_REJECTED` | ok | |
 * | 429 | retry, Retry-After honoured | `GATEWAY_QUOTA_EXCEEDED` | failure | |
 * | 408 | retry | `GATEWAY_TIMEOUT` | failure | yes |
 * | other 4xx | rejected | `GATEWAY_HTTP_<status>` | ok | |
 * | 5xx | retry, Retry-After honoured | `GATEWAY_HTTP_<status>` | failure | yes |
 * | no answer | retry | `ECONNREFUSED`, `TIMEOUT`, … | failure | yes |
 *
 * 4xx are the gateway's answer about this workspace or push, so another gateway is not asked.
 */
export function classifyGatewayResponse(
  status: number | undefined,
  headers: HeaderBag,
  now: Date,
  error?: unknown,
): IDeliveryClassification {
  if (status === undefined) {
    return classification('retry', networkErrorReason(error), {
      routeHealth: 'failure',
      failover: true,
      detail: 'the push gateway is unreachable',
    });
  }
  const retryAfterMs = parseRetryAfter(headerValue(headers, 'retry-after'), now);
  if (status >= 200 && status < 300) return classification('delivered', 'OK', { status });
  switch (status) {
    case 406:
      return classification('invalid-token', 'GATEWAY_TOKEN_INVALID', { status });
    case 401:
      return classification('rejected', 'GATEWAY_UNAUTHORIZED', {
        status,
        routeHealth: 'unhealthy',
        detail: 'the gateway refused this workspace: check Push_gateway_token and the workspace registration',
      });
    case 403:
      return classification('rejected', 'GATEWAY_FORBIDDEN', {
        status,
        routeHealth: 'unhealthy',
        detail: 'the gateway does not allow this workspace to send pushes',
      });
    case 422:
      return classification('rejected', 'GATEWAY_REJECTED', { status, detail: 'the gateway rejected this push' });
    case 429:
      return classification('retry', 'GATEWAY_QUOTA_EXCEEDED', {
        status,
        retryAfterMs,
        routeHealth: 'failure',
        detail: 'this workspace is over its push quota at the gateway',
      });
    case 408:
      return classification('retry', 'GATEWAY_TIMEOUT', { status, retryAfterMs, routeHealth: 'failure', failover: true });
  }
  if (status >= 500) {
    return classification('retry', `GATEWAY_HTTP_${status}`, {
      status,
      retryAfterMs,
      routeHealth: 'failure',
      failover: true,
      detail: 'the push gateway failed',
    });
  }
  return classification('rejected', `GATEWAY_HTTP_${status}`, { status });
}

function headerValue(headers: HeaderBag, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    if (Array.isArray(value)) return value[0];
    return value === undefined ? undefined : String(value);
  }
  return undefined;
}
