import {
  breakerAllows,
  breakerEventFor,
  CLOSED_BREAKER,
  coolDownFor,
  DEFAULT_BREAKER_OPTIONS,
  nextBreakerState,
  type BreakerEvent,
  type IBreakerOptions,
  type IBreakerState,
} from '../../../lib/delivery/circuitBreaker';

const OPTIONS: IBreakerOptions = { ...DEFAULT_BREAKER_OPTIONS, failureThreshold: 3, minimumRequests: 10, windowSize: 10, coolDownMs: 1_000, maxCoolDownMs: 8_000 };

function run(events: BreakerEvent[], start: IBreakerState = CLOSED_BREAKER, now = 0, options = OPTIONS): IBreakerState {
  return events.reduce((state, event) => nextBreakerState(state, event, now, options), start);
}

describe('circuit breaker', () => {
  it('stays closed below the consecutive-failure threshold', () => {
    const state = run(['failure', 'failure']);
    expect(state.status).toBe('closed');
    expect(breakerAllows(state, 0, OPTIONS)).toBe(true);
  });

  it('opens after N consecutive failures', () => {
    const state = run(['failure', 'failure', 'failure'], CLOSED_BREAKER, 500);
    expect(state).toMatchObject({ status: 'open', openedAt: 500, openings: 1 });
    expect(breakerAllows(state, 500, OPTIONS)).toBe(false);
  });

  it('a success resets the consecutive count', () => {
    expect(run(['failure', 'failure', 'success', 'failure', 'failure']).status).toBe('closed');
  });

  it('opens on a failure ratio over the window once it holds enough requests', () => {
    const alternating: BreakerEvent[] = [];
    for (let i = 0; i < 4; i++) alternating.push('failure', 'success');
    const before = run(alternating); // 8 outcomes, 50 %: below minimumRequests
    expect(before.status).toBe('closed');
    const after = run(['failure', 'success'], before); // 10 outcomes, 50 %
    expect(after.status).toBe('closed'); // a success never opens
    const opened = run(['failure'], after); // the last 10 outcomes: 5 failures, and only 1 in a row
    expect(opened.status).toBe('open');
  });

  it('a trip opens at once', () => {
    expect(run(['trip'], CLOSED_BREAKER, 42)).toMatchObject({ status: 'open', openedAt: 42 });
  });

  it('lets a probe through only after the cool-down, as half-open', () => {
    const open = run(['trip'], CLOSED_BREAKER, 0);
    expect(nextBreakerState(open, 'attempt', 999, OPTIONS).status).toBe('open');
    const halfOpen = nextBreakerState(open, 'attempt', 1_000, OPTIONS);
    expect(halfOpen).toMatchObject({ status: 'half-open', probesInFlight: 1 });
    expect(breakerAllows(halfOpen, 1_000, OPTIONS)).toBe(false); // one probe at a time
  });

  it('allows a limited number of probes while half-open', () => {
    const options = { ...OPTIONS, halfOpenMaxProbes: 2 };
    const open = run(['trip'], CLOSED_BREAKER, 0, options);
    let state = nextBreakerState(open, 'attempt', 1_000, options);
    expect(breakerAllows(state, 1_000, options)).toBe(true);
    state = nextBreakerState(state, 'attempt', 1_000, options);
    expect(state.probesInFlight).toBe(2);
    expect(breakerAllows(state, 1_000, options)).toBe(false);
    expect(nextBreakerState(state, 'attempt', 1_000, options).probesInFlight).toBe(2);
  });

  it('closes after a successful probe', () => {
    const halfOpen = nextBreakerState(run(['trip']), 'attempt', 1_000, OPTIONS);
    const closed = nextBreakerState(halfOpen, 'success', 1_001, OPTIONS);
    expect(closed.status).toBe('closed');
    expect(breakerAllows(closed, 1_001, OPTIONS)).toBe(true);
  });

  it('needs several successful probes when configured so', () => {
    const options = { ...OPTIONS, halfOpenMaxProbes: 2, halfOpenSuccessesToClose: 2 };
    let state = nextBreakerState(run(['trip'], CLOSED_BREAKER, 0, options), 'attempt', 1_000, options);
    state = nextBreakerState(state, 'success', 1_000, options);
    expect(state.status).toBe('half-open');
    state = nextBreakerState(state, 'attempt', 1_000, options);
    state = nextBreakerState(state, 'success', 1_000, options);
    expect(state.status).toBe('closed');
  });

  it('re-opens on a failed probe with a doubled cool-down, up to the maximum', () => {
    let state = run(['trip'], CLOSED_BREAKER, 0);
    const coolDowns: number[] = [];
    let now = 0;
    for (let i = 0; i < 6; i++) {
      coolDowns.push(coolDownFor(state, OPTIONS));
      now += coolDownFor(state, OPTIONS);
      state = nextBreakerState(state, 'attempt', now, OPTIONS);
      expect(state.status).toBe('half-open');
      state = nextBreakerState(state, 'failure', now, OPTIONS);
      expect(state).toMatchObject({ status: 'open', openedAt: now });
    }
    expect(coolDowns).toEqual([1_000, 2_000, 4_000, 8_000, 8_000, 8_000]);
  });

  it('forgets past openings after healthy operation', () => {
    let state = nextBreakerState(run(['trip', 'trip']), 'attempt', 10_000, OPTIONS);
    state = nextBreakerState(state, 'success', 10_000, OPTIONS);
    expect(state.openings).toBe(1);
    state = nextBreakerState(state, 'success', 10_001, OPTIONS);
    expect(state.openings).toBe(0);
    expect(coolDownFor(run(['trip'], state), OPTIONS)).toBe(1_000);
  });

  it('ignores late answers while open', () => {
    const open = run(['trip'], CLOSED_BREAKER, 0);
    expect(nextBreakerState(open, 'success', 10, OPTIONS)).toBe(open);
    expect(nextBreakerState(open, 'failure', 10, OPTIONS)).toBe(open);
  });

  it('never mutates the state it is given', () => {
    const state = run(['failure']);
    const copy = JSON.parse(JSON.stringify(state));
    nextBreakerState(state, 'failure', 0, OPTIONS);
    nextBreakerState(state, 'trip', 0, OPTIONS);
    expect(JSON.parse(JSON.stringify(state))).toEqual(copy);
  });

  it('maps route health to breaker events', () => {
    expect([breakerEventFor(undefined), breakerEventFor('ok'), breakerEventFor('failure'), breakerEventFor('unhealthy')]).toEqual([
      'success',
      'success',
      'failure',
      'trip',
    ]);
  });
});
