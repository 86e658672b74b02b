import type { RouteHealth } from '../../definitions/IPushTransport';

export type BreakerStatus = 'closed' | 'open' | 'half-open';

/**
 * `attempt`: a request is about to go out; `success` / `failure`: a request's route answered well / badly;
 * `trip`: an answer says the route cannot work at all (credentials refused), so it opens at once.
 */
export type BreakerEvent = 'attempt' | 'success' | 'failure' | 'trip';

/** Immutable; every transition returns a new object. Times are epoch milliseconds. */
export interface IBreakerState {
  readonly status: BreakerStatus;
  readonly consecutiveFailures: number;
  /** The latest outcomes while closed, oldest first, `true` = failure; at most `windowSize`. */
  readonly recent: readonly boolean[];
  /** When the breaker last opened. */
  readonly openedAt?: number;
  /** Openings since the route was last healthy: each one doubles the cool-down. */
  readonly openings: number;
  readonly probesInFlight: number;
  readonly probeSuccesses: number;
}

export interface IBreakerOptions {
  /** Open after this many failures in a row. @defaultValue 5 */
  failureThreshold: number;
  /** Or open when at least this share of the recent window failed… @defaultValue 0.5 */
  failureRatio: number;
  /** …once the window holds at least this many outcomes. @defaultValue 20 */
  minimumRequests: number;
  /** @defaultValue 50 */
  windowSize: number;
  /** Wait this long after opening before letting a probe through. @defaultValue 30 s */
  coolDownMs: number;
  /** The cool-down doubles on every re-opening up to this. @defaultValue 10 min */
  maxCoolDownMs: number;
  /** Requests allowed at once while half-open. @defaultValue 1 */
  halfOpenMaxProbes: number;
  /** Successful probes needed to close again. @defaultValue 1 */
  halfOpenSuccessesToClose: number;
}

export const DEFAULT_BREAKER_OPTIONS: Readonly<IBreakerOptions> = Object.freeze({
  failureThreshold: 5,
  failureRatio: 0.5,
  minimumRequests: 20,
  windowSize: 50,
  coolDownMs: 30_000,
  maxCoolDownMs: 10 * 60_000,
  halfOpenMaxProbes: 1,
  halfOpenSuccessesToClose: 1,
});

export const CLOSED_BREAKER: IBreakerState = Object.freeze({
  status: 'closed',
  consecutiveFailures: 0,
  recent: Object.freeze([]) as readonly boolean[],
  openings: 0,
  probesInFlight: 0,
  probeSuccesses: 0,
});

/** The breaker event an answer's route health stands for. */
export function breakerEventFor(health: RouteHealth | undefined): BreakerEvent {
  if (health === 'unhealthy') return 'trip';
  return health === 'failure' ? 'failure' : 'success';
}

/** The current cool-down: doubled on every re-opening since the route was last healthy. */
export function coolDownFor(state: IBreakerState, options: IBreakerOptions = DEFAULT_BREAKER_OPTIONS): number {
  const doublings = Math.max(0, state.openings - 1);
  return Math.min(options.maxCoolDownMs, options.coolDownMs * 2 ** Math.min(doublings, 30));
}

/** May a request go out now? (Closed: yes. Open: once the cool-down passed. Half-open: while probes are free.) */
export function breakerAllows(state: IBreakerState, now: number, options: IBreakerOptions = DEFAULT_BREAKER_OPTIONS): boolean {
  switch (state.status) {
    case 'closed':
      return true;
    case 'open':
      return now >= (state.openedAt ?? 0) + coolDownFor(state, options);
    case 'half-open':
      return state.probesInFlight < options.halfOpenMaxProbes;
  }
}

/**
 * The breaker's state machine (https://martinfowler.com/bliki/CircuitBreaker.html):
 * closed → open after `failureThreshold` failures in a row, a failure ratio over the window, or a `trip`;
 * open → half-open when an `attempt` comes after the cool-down; half-open → closed after enough successful
 * probes, → open again on any failure (with a doubled cool-down). Answers that arrive while open are from
 * requests sent before it opened and change nothing.
 */
export function nextBreakerState(
  state: IBreakerState,
  event: BreakerEvent,
  now: number,
  options: IBreakerOptions = DEFAULT_BREAKER_OPTIONS,
): IBreakerState {
  switch (state.status) {
    case 'closed':
      return fromClosed(state, event, now, options);
    case 'open':
      if (event === 'attempt' && breakerAllows(state, now, options)) {
        return { ...state, status: 'half-open', probesInFlight: 1, probeSuccesses: 0 };
      }
      return state;
    case 'half-open':
      return fromHalfOpen(state, event, now, options);
  }
}

function fromClosed(state: IBreakerState, event: BreakerEvent, now: number, options: IBreakerOptions): IBreakerState {
  if (event === 'attempt') return state;
  if (event === 'trip') return open(state, now);
  const failed = event === 'failure';
  const recent = [...state.recent, failed].slice(-options.windowSize);
  const consecutiveFailures = failed ? state.consecutiveFailures + 1 : 0;
  const failures = recent.filter(Boolean).length;
  const ratioExceeded = recent.length >= options.minimumRequests && failures / recent.length >= options.failureRatio;
  if (failed && (consecutiveFailures >= options.failureThreshold || ratioExceeded)) return open(state, now);
  // A success after healthy operation forgets past openings, so the next outage starts with the short cool-down.
  const openings = failed ? state.openings : 0;
  return { ...state, recent, consecutiveFailures, openings };
}

function fromHalfOpen(state: IBreakerState, event: BreakerEvent, now: number, options: IBreakerOptions): IBreakerState {
  switch (event) {
    case 'attempt':
      return state.probesInFlight < options.halfOpenMaxProbes
        ? { ...state, probesInFlight: state.probesInFlight + 1 }
        : state;
    case 'success': {
      const probeSuccesses = state.probeSuccesses + 1;
      if (probeSuccesses >= options.halfOpenSuccessesToClose) return { ...CLOSED_BREAKER, openings: state.openings };
      return { ...state, probeSuccesses, probesInFlight: Math.max(0, state.probesInFlight - 1) };
    }
    case 'failure':
    case 'trip':
      return open(state, now);
  }
}

function open(state: IBreakerState, now: number): IBreakerState {
  return {
    status: 'open',
    consecutiveFailures: 0,
    recent: [],
    openedAt: now,
    openings: state.openings + 1,
    probesInFlight: 0,
    probeSuccesses: 0,
  };
}
