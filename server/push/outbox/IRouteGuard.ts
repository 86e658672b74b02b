import type { RouteHealth } from '../../../definitions/IPushTransport';

/** The worker's view of the per-route circuit breakers. */
export interface IRouteGuard {
  /** May a push go out on this route now? When not, when to try again. */
  admit(route: string, now: Date): { allowed: true } | { allowed: false; retryAt: Date };
  /** What one answer said about the route. */
  record(route: string, health: RouteHealth, now: Date): void;
}
