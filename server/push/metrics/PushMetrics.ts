import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { IFanOutResult } from '../notifications/NotificationService';
import type { ISettledDelivery } from '../outbox/OutboxWorker';
import type { IOutboxStats } from '../outbox/OutboxModel';
import type { IRouteStatus } from '../outbox/CircuitBreakerGuard';

const BREAKER_VALUE = { closed: 0, 'half-open': 1, open: 2 } as const;

export interface IPushMetricsSources {
  outboxStats: () => Promise<IOutboxStats>;
  routes: () => IRouteStatus[];
  /** Credential name → when it expires (certificates, where known). */
  credentialExpiry: () => Array<{ credential: string; expiresAt: Date }>;
}

/**
 * The push module's Prometheus metrics, on a registry of its own (a host can merge it into its own). Counters are
 * fed by the service and the worker as things happen; gauges about stored state are read at scrape time.
 */
export class PushMetrics {
  readonly registry: Registry;
  private readonly decisions: Counter<'decision' | 'reason'>;
  private readonly pushes: Counter<'transport' | 'outcome' | 'reason'>;
  private readonly fanOutDuration: Histogram;
  private readonly deliveryLatency: Histogram<'transport'>;

  constructor(sources: IPushMetricsSources, options: { registry?: Registry; defaultMetrics?: boolean } = {}) {
    this.registry = options.registry ?? new Registry();
    if (options.defaultMetrics) collectDefaultMetrics({ register: this.registry });
    this.decisions = new Counter({
      name: 'chatpush_decisions_total',
      help: 'Per-recipient decisions of the notification pipeline, by decision and reason code.',
      labelNames: ['decision', 'reason'],
      registers: [this.registry],
    });
    this.pushes = new Counter({
      name: 'chatpush_pushes_total',
      help: 'Delivery attempts by transport route kind and outcome (delivered, retry, invalid-token, rejected).',
      labelNames: ['transport', 'outcome', 'reason'],
      registers: [this.registry],
    });
    this.fanOutDuration = new Histogram({
      name: 'chatpush_fanout_duration_seconds',
      help: 'Time to load, decide, build and enqueue the pushes of one message.',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
    this.deliveryLatency = new Histogram({
      name: 'chatpush_delivery_latency_seconds',
      help: 'From the message being saved (or the end of an online delay) to the provider accepting the push.',
      labelNames: ['transport'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300],
      registers: [this.registry],
    });
    new Gauge({
      name: 'chatpush_outbox_depth',
      help: 'Outbox entries with work left, by state.',
      labelNames: ['state'],
      registers: [this.registry],
      async collect() {
        const stats = await sources.outboxStats();
        for (const [state, n] of Object.entries(stats.pending)) this.set({ state }, n);
      },
    });
    new Gauge({
      name: 'chatpush_outbox_oldest_age_seconds',
      help: 'Age of the oldest outbox entry with work left.',
      registers: [this.registry],
      async collect() {
        this.set((await sources.outboxStats()).oldestPendingAgeMs / 1000);
      },
    });
    new Gauge({
      name: 'chatpush_circuit_state',
      help: 'Circuit breaker per delivery route: 0 closed, 1 half-open, 2 open.',
      labelNames: ['route'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const route of sources.routes()) this.set({ route: route.route }, BREAKER_VALUE[route.status]);
      },
    });
    new Gauge({
      name: 'chatpush_credential_expiry_timestamp_seconds',
      help: 'When a configured provider credential (e.g. an APNs certificate) expires, as a Unix timestamp.',
      labelNames: ['credential'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const { credential, expiresAt } of sources.credentialExpiry()) this.set({ credential }, expiresAt.getTime() / 1000);
      },
    });
  }

  recordFanOut(result: IFanOutResult, durationMs: number): void {
    this.fanOutDuration.observe(durationMs / 1000);
    for (const [reason, n] of Object.entries(result.notifyReasons)) this.decisions.inc({ decision: 'notify', reason }, n);
    for (const [reason, n] of Object.entries(result.skipReasons)) this.decisions.inc({ decision: 'skip', reason }, n);
  }

  recordDeliveries(settled: ISettledDelivery[], now: Date): void {
    for (const { entry, result } of settled) {
      const transport = result.route.split(':')[0] || 'none';
      this.pushes.inc({ transport, outcome: result.outcome, reason: result.outcome === 'delivered' ? '' : result.reason ?? '' });
      if (result.outcome === 'delivered') {
        this.deliveryLatency.observe({ transport }, Math.max(0, now.getTime() - entry.readyAt.getTime()) / 1000);
      }
    }
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
