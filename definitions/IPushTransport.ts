import type { IPushNotification } from './IPushNotification';
import type { PushPlatform } from './IPushToken';

/**
 * The transport contract. A transport delivers pushes to one kind of route (the gateway, APNs, FCM) and answers
 * with one result per delivery. It throws only when it cannot work at all (missing or broken configuration, as a
 * PushError); a bad token or a provider refusal is a result, never an exception.
 */

/** One push to one device, as handed to a transport. */
export interface IPushDelivery {
  /** The outbox entry id (also the idempotency key). */
  id: string;
  platform: PushPlatform;
  token: string;
  appName: string;
  notification: IPushNotification;
  /** Stable across retries: APNs `apns-id` (a UUID). */
  apnsId: string;
  /** Stable across retries: APNs `apns-collapse-id` / FCM collapse key. */
  collapseId: string;
  /** Seconds since epoch after which the provider should drop the push. */
  expiresAt: number;
  /** The recipient (the gateway protocol carries it as `options.userId`). */
  userId?: string;
}

export type DeliveryOutcome = 'delivered' | 'retry' | 'invalid-token' | 'rejected';

/**
 * What one answer says about the route (for the per-route circuit breaker), independent of the outcome:
 * `ok` the route answered sensibly (even a refusal of this one push); `failure` transient route trouble (5xx,
 * network error, timeout, route-wide quota); `unhealthy` the route cannot work until an admin acts (credentials
 * refused by the provider, gateway refused this workspace).
 */
export type RouteHealth = 'ok' | 'failure' | 'unhealthy';

export interface IDeliveryResult {
  id: string;
  outcome: DeliveryOutcome;
  /** HTTP status when there was one. */
  status?: number;
  /** Provider reason, e.g. `Unregistered`, `UNREGISTERED`, `ECONNRESET`. */
  reason?: string;
  /** Provider-asked wait (Retry-After), in milliseconds. */
  retryAfterMs?: number;
  /** The circuit-breaker route this delivery used, e.g. `gateway:https://gw.example`, `apns:KEYID:sandbox`. */
  route: string;
  /** The provider's id for the accepted push. */
  providerId?: string;
  /** What this answer says about the route; unset means `ok`. */
  routeHealth?: RouteHealth;
  /** A human sentence for admins (push.test, explain), e.g. "the gateway refused this workspace". Never secret. */
  detail?: string;
}

export interface IPushTransport {
  readonly name: string;
  /** The route a delivery would use; the worker keeps one breaker and one concurrency limit per route. */
  routeOf(delivery: IPushDelivery): string;
  send(deliveries: IPushDelivery[]): Promise<IDeliveryResult[]>;
  close(): Promise<void>;
}

export type TransportFactory<Options = unknown> = (options: Options) => IPushTransport;
