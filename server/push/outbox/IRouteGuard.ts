import type { RouteHealth } from '../../../definitions/IPushTransport';

export type RouteAdmission =
  /** `maxDeliveries`: only this many may go now (a half-open circuit lets a probe through, not a flood). */
  | { allowed: true; maxDeliveries?: number }
  | { allowed: false; retryAt: Date };

/** The worker's view of the per-route circuit breakers. */
export interface IRouteGuard {
  /** May pushes go out on this route now? When not, when to try again. */
  admit(route: string, now: Date): RouteAdmission;
  /** What one answer said about the route. */
  record(route: string, health: RouteHealth, now: Date): void;
}
