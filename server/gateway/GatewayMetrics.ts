import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { PushPlatform } from '../../definitions/IPushToken';

/** Why a push request was refused, as counted and answered. */
export type RefusalReason =
  | 'unauthorized'
  | 'revoked'
  | 'unique-id-mismatch'
  | 'invalid-request'
  | 'topic-not-allowed'
  | 'rate-limited'
  | 'quota-exceeded'
  | 'token-invalid'
  | 'unavailable';

export interface IQuotaSnapshot {
  workspaceId: string;
  name: string;
  usage: number;
  quota: number | null;
}

/**
 * The gateway's Prometheus metrics, in their own registry (so a host that mounts the gateway keeps its own
 * `/metrics` unchanged). Quota and outbox gauges are read from the database when scraped.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<'platform' | 'result' | 'reason'>;
  readonly deliveries: Counter<'platform' | 'outcome' | 'reason'>;
  readonly requestSeconds: Histogram<'platform' | 'result'>;

  constructor(sources: {
    quotas: () => Promise<IQuotaSnapshot[]>;
    outbox: () => Promise<Record<string, number>>;
    deadTokens: () => Promise<number>;
  }) {
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'gateway_push_requests_total',
      help: 'Push requests by platform and result (accepted, duplicate, refused) with the refusal reason',
      labelNames: ['platform', 'result', 'reason'],
      registers,
    });
    this.deliveries = new Counter({
      name: 'gateway_deliveries_total',
      help: 'Delivery attempts to APNs/FCM by outcome (delivered, retry, invalid-token, rejected) and provider reason',
      labelNames: ['platform', 'outcome', 'reason'],
      registers,
    });
    this.requestSeconds = new Histogram({
      name: 'gateway_push_request_duration_seconds',
      help: 'Time to answer a push request',
      labelNames: ['platform', 'result'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    new Gauge({
      name: 'gateway_quota_usage',
      help: 'Pushes accepted this calendar month (UTC), per workspace',
      labelNames: ['workspace', 'name'],
      registers,
      async collect() {
        this.reset();
        for (const q of await sources.quotas()) this.set({ workspace: q.workspaceId, name: q.name }, q.usage);
      },
    });
    new Gauge({
      name: 'gateway_quota_limit',
      help: 'Monthly quota per workspace (absent: unlimited)',
      labelNames: ['workspace', 'name'],
      registers,
      async collect() {
        this.reset();
        for (const q of await sources.quotas()) {
          if (q.quota !== null) this.set({ workspace: q.workspaceId, name: q.name }, q.quota);
        }
      },
    });
    new Gauge({
      name: 'gateway_outbox_pending',
      help: 'Accepted pushes not delivered yet, by outbox state',
      labelNames: ['state'],
      registers,
      async collect() {
        this.reset();
        for (const [state, n] of Object.entries(await sources.outbox())) this.set({ state }, n);
      },
    });
    new Gauge({
      name: 'gateway_dead_tokens',
      help: 'Device tokens known to be dead (answered 406)',
      registers,
      async collect() {
        this.set(await sources.deadTokens());
      },
    });
  }

  request(platform: PushPlatform, result: 'accepted' | 'duplicate' | 'refused', reason: RefusalReason | 'none', seconds: number): void {
    this.requests.inc({ platform, result, reason });
    this.requestSeconds.observe({ platform, result }, seconds);
  }

  delivery(platform: PushPlatform, outcome: string, reason: string | undefined): void {
    this.deliveries.inc({ platform, outcome, reason: reason ?? 'none' });
  }
}
