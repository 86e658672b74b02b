import type { RouteHealth } from '../../../definitions/IPushTransport';
import {
  CLOSED_BREAKER,
  DEFAULT_BREAKER_OPTIONS,
  breakerAllows,
  breakerEventFor,
  coolDownFor,
  nextBreakerState,
  type BreakerStatus,
  type IBreakerOptions,
  type IBreakerState,
} from '../../../lib/delivery/circuitBreaker';
import type { IRouteGuard, RouteAdmission } from './IRouteGuard';

export interface IRouteStatus {
  route: string;
  status: BreakerStatus;
  consecutiveFailures: number;
  /** When an open circuit lets the next probe through. */
  retryAt?: Date;
  /** The last health an answer reported, and when. */
  lastHealth?: RouteHealth;
  lastAnswerAt?: Date;
}

/**
 * One circuit breaker per route (gateway URL, APNs credential, FCM project), so a failing route cannot starve the
 * others: while its circuit is open, its pushes wait in the outbox without being sent or counted as attempts.
 * The state machine is the pure `lib/delivery/circuitBreaker`; this class only keeps one state per route.
 */
export class CircuitBreakerGuard implements IRouteGuard {
  private readonly states = new Map<string, IRouteEntry>();
  private readonly listeners = new Set<(route: string, status: BreakerStatus) => void>();

  constructor(private readonly options: IBreakerOptions = DEFAULT_BREAKER_OPTIONS) {}

  admit(route: string, now: Date): RouteAdmission {
    const entry = this.entry(route);
    const at = now.getTime();
    if (!breakerAllows(entry.state, at, this.options)) {
      const retryAt =
        entry.state.status === 'open'
          ? (entry.state.openedAt ?? at) + coolDownFor(entry.state, this.options)
          : at + 1000; // half-open with its probe still out: look again shortly
      return { allowed: false, retryAt: new Date(Math.max(retryAt, at + 1)) };
    }
    const before = entry.state.status;
    this.update(route, entry, nextBreakerState(entry.state, 'attempt', at, this.options));
    if (before === 'closed') return { allowed: true };
    return { allowed: true, maxDeliveries: this.options.halfOpenMaxProbes };
  }

  record(route: string, health: RouteHealth, now: Date): void {
    const entry = this.entry(route);
    entry.lastHealth = health;
    entry.lastAnswerAt = now;
    const event = breakerEventFor(health);
    // A success on a steady route (closed, a full window of successes, nothing to forget) leaves a state equal to
    // the current one: keep it rather than copy the window for every answer.
    if (event === 'success' && entry.steady) return;
    this.update(route, entry, nextBreakerState(entry.state, event, now.getTime(), this.options));
  }

  /** Every route seen so far, for health, metrics and the admin page. */
  routes(): IRouteStatus[] {
    return [...this.states].map(([route, { state, lastHealth, lastAnswerAt }]) => ({
      route,
      status: state.status,
      consecutiveFailures: state.consecutiveFailures,
      retryAt: state.status === 'open' ? new Date((state.openedAt ?? 0) + coolDownFor(state, this.options)) : undefined,
      lastHealth,
      lastAnswerAt,
    }));
  }

  /**
   * Forgets what the routes' answers said: every circuit closes. For when the configuration those answers were
   * about changed (a new gateway token, new credentials): the next push must try the route, not wait out a
   * cool-down earned by the old configuration.
   */
  reset(): void {
    for (const [route, entry] of this.states) {
      entry.lastHealth = undefined;
      entry.lastAnswerAt = undefined;
      this.update(route, entry, CLOSED_BREAKER);
    }
  }

  /** Called whenever a route's circuit changes status (metrics, logs). */
  onStatusChange(listener: (route: string, status: BreakerStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private entry(route: string): IRouteEntry {
    let entry = this.states.get(route);
    if (!entry) {
      entry = { state: CLOSED_BREAKER, steady: false };
      this.states.set(route, entry);
    }
    return entry;
  }

  private update(route: string, entry: IRouteEntry, next: IBreakerState): void {
    if (next === entry.state) return;
    const changed = next.status !== entry.state.status;
    entry.state = next;
    entry.steady = isSteady(next, this.options);
    if (changed) for (const listener of this.listeners) listener(route, next.status);
  }
}

interface IRouteEntry {
  state: IBreakerState;
  /** `isSteady(state)`, computed once per state. */
  steady: boolean;
  lastHealth?: RouteHealth;
  lastAnswerAt?: Date;
}

/**
 * Whether one more success changes nothing in the state's content: closed, no failure in a full window, no
 * failure streak, no past openings to forget.
 */
function isSteady(state: IBreakerState, options: IBreakerOptions): boolean {
  return (
    state.status === 'closed' &&
    state.consecutiveFailures === 0 &&
    state.openings === 0 &&
    state.recent.length === options.windowSize &&
    !state.recent.includes(true)
  );
}
