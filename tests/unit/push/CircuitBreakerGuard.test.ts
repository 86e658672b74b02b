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
});
