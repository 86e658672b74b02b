import { CircuitBreakerGuard } from '../../../server/push/outbox/CircuitBreakerGuard';
import { DEFAULT_BREAKER_OPTIONS } from '../../../lib/delivery/circuitBreaker';

describe('CircuitBreakerGuard (one breaker per route)', () => {
  const options = { ...DEFAULT_BREAKER_OPTIONS, failureThreshold: 3, coolDownMs: 10_000 };
  const t0 = new Date('2026-12-04T10:00:00Z');
  const at = (ms: number) => new Date(t0.getTime() + ms);

  it('opens a failing route without touching the others, then lets one probe through after the cool-down', () => {
    const guard = new CircuitBreakerGuard(options);
    for (let i = 0; i < 3; i++) {
      expect(guard.admit('apns:A', at(i))).toEqual({ allowed: true });
      guard.record('apns:A', 'failure', at(i));
      guard.record('fcm:B', 'ok', at(i));
    }
    expect(guard.admit('apns:A', at(5))).toEqual({ allowed: false, retryAt: at(2 + 10_000) });
    expect(guard.admit('fcm:B', at(5))).toEqual({ allowed: true });

    expect(guard.admit('apns:A', at(10_002))).toEqual({ allowed: true, maxDeliveries: 1 });
    // the probe is out: nobody else goes until it answers
    expect(guard.admit('apns:A', at(10_003)).allowed).toBe(false);
    guard.record('apns:A', 'ok', at(10_004));
    expect(guard.admit('apns:A', at(10_005))).toEqual({ allowed: true });
    expect(guard.routes().find((r) => r.route === 'apns:A')?.status).toBe('closed');
  });

  it('opens at once when the route says it cannot work (credentials refused), and reports status changes', () => {
    const guard = new CircuitBreakerGuard(options);
    const changes: string[] = [];
    guard.onStatusChange((route, status) => changes.push(`${route}=${status}`));
    guard.admit('gateway:https://gw', t0);
    guard.record('gateway:https://gw', 'unhealthy', t0);
    expect(guard.admit('gateway:https://gw', at(1)).allowed).toBe(false);
    expect(changes).toEqual(['gateway:https://gw=open']);
    const [status] = guard.routes();
    expect(status).toEqual(expect.objectContaining({ route: 'gateway:https://gw', status: 'open', lastHealth: 'unhealthy', retryAt: at(10_000) }));
  });

  it('behaves as the pure breaker after a long run of successes: a failure ratio over the window still opens it', () => {
    const ratio = { ...DEFAULT_BREAKER_OPTIONS, failureThreshold: 100, windowSize: 10, minimumRequests: 10, failureRatio: 0.5 };
    const guard = new CircuitBreakerGuard(ratio);
    for (let i = 0; i < 200; i++) guard.record('apns:A', 'ok', at(i));
    // Never 100 failures in a row: 4 of the last 10 failed (f o f o f o f) keeps it closed, a 5th opens it.
    for (let i = 0; i < 7; i++) {
      guard.record('apns:A', i % 2 === 0 ? 'failure' : 'ok', at(200 + i));
      expect(guard.routes()[0].status).toBe('closed');
    }
    guard.record('apns:A', 'failure', at(207));
    expect(guard.routes()[0]).toEqual(expect.objectContaining({ status: 'open', lastHealth: 'failure', lastAnswerAt: at(207) }));
  });

  it('forgets past openings after a success once the route is healthy again (short cool-down next time)', () => {
    const guard = new CircuitBreakerGuard(options);
    const openAndRecover = (start: number) => {
      for (let i = 0; i < 3; i++) guard.record('apns:A', 'failure', at(start + i));
      return guard.admit('apns:A', at(start + 3));
    };
    expect(openAndRecover(0)).toEqual({ allowed: false, retryAt: at(2 + 10_000) });
    expect(guard.admit('apns:A', at(10_002))).toEqual({ allowed: true, maxDeliveries: 1 });
    guard.record('apns:A', 'ok', at(10_003));
    for (let i = 0; i < 100; i++) guard.record('apns:A', 'ok', at(10_004 + i));
    expect(openAndRecover(20_000)).toEqual({ allowed: false, retryAt: at(20_002 + 10_000) });
  });
});
