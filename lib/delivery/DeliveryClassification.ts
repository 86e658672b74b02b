import type { DeliveryOutcome, RouteHealth } from '../../definitions/IPushTransport';

/**
 * What a provider's answer means for one push, before a transport adds the delivery id and route. The three
 * classifiers (APNs, FCM, gateway) all answer in this shape so the outbox treats every route alike.
 */
export interface IDeliveryClassification {
  outcome: DeliveryOutcome;
  /** A stable, non-secret reason: the provider's own (`Unregistered`, `UNREGISTERED`) or ours (`GATEWAY_UNAUTHORIZED`). */
  reason: string;
  status?: number;
  /** The provider asked us to wait this long (Retry-After), in milliseconds. */
  retryAfterMs?: number;
  /** What the answer says about the route, for the circuit breaker. */
  routeHealth: RouteHealth;
  /** Gateway only: another gateway may give a better answer (network error, 5xx). 4xx are answers, never failovers. */
  failover: boolean;
  /** A sentence for admins; never secret. */
  detail?: string;
}

/** Builds a classification, defaulting the fields most rows leave alone. */
export function classification(
  outcome: DeliveryOutcome,
  reason: string,
  extra: Partial<Omit<IDeliveryClassification, 'outcome' | 'reason'>> = {},
): IDeliveryClassification {
  const result: IDeliveryClassification = { outcome, reason, routeHealth: 'ok', failover: false };
  for (const [key, value] of Object.entries(extra)) {
    if (value !== undefined) (result as unknown as Record<string, unknown>)[key] = value;
  }
  return result;
}
