import type { Db } from 'mongodb';
import type { IDeliveryResult, IPushTransport } from '../../definitions/IPushTransport';
import type { IOutboxEntry } from '../../definitions/IOutboxEntry';
import type { IBreakerOptions } from '../../lib/delivery/circuitBreaker';
import { CircuitBreakerGuard } from '../push/outbox/CircuitBreakerGuard';
import { OutboxModel, PENDING_STATES } from '../push/outbox/OutboxModel';
import { OutboxWorker, type ISettledDelivery } from '../push/outbox/OutboxWorker';
import { failPendingForDeadToken } from './failPendingForToken';
import { GatewayMetrics } from './GatewayMetrics';
import { DeadTokensModel } from './models/DeadTokensModel';
import { UsageModel } from './models/UsageModel';
import { WorkspacesModel } from './models/WorkspacesModel';
import { PushIntake } from './PushIntake';
import { monthKey } from './quotaPeriod';
import { RateLimiter } from './RateLimiter';
import { DEFAULT_GATEWAY_SETTINGS, type IGatewaySettings } from './settings';
import type { IGatewayOutboxEntry } from './types';
import { WorkspaceAdmin } from './WorkspaceAdmin';

export interface IGatewayLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

/** Which providers the gateway can deliver to (shown on /healthz and the admin page; never the credentials). */
export interface IGatewayProviders {
  apn: { configured: boolean; description?: string };
  gcm: { configured: boolean; description?: string };
  /** Deliveries go to the local simulators, not Apple and Google. */
  simulated: boolean;
}

export interface IGatewayCoreOptions {
  /** The gateway's own database (its collections: gateway_workspaces, gateway_usage, gateway_dead_tokens, push_outbox). */
  db: Db;
  /** The gateway's own DirectTransport (APNs + FCM with the gateway's credentials). */
  transport: IPushTransport;
  providers?: IGatewayProviders;
  logger: IGatewayLogger;
  settings?: Partial<IGatewaySettings>;
  clock?: () => Date;
  random?: () => number;
  /** Circuit breaker tuning for the provider routes. */
  breaker?: IBreakerOptions;
  /** Worker tuning (poll interval, lease, concurrency, …). */
  worker?: Partial<Pick<ConstructorParameters<typeof OutboxWorker>[0], 'pollIntervalMs' | 'leaseMs' | 'batchSize' | 'maxInFlight' | 'routeConcurrency' | 'chunkSize' | 'errorBackoffMs' | 'workerId'>>;
}

export interface IGatewayHealth {
  ok: boolean;
  database: { ok: boolean; latencyMs?: number; detail?: string };
  providers: IGatewayProviders;
  routes: Array<{ route: string; status: string; consecutiveFailures: number; retryAt?: string; lastHealth?: string }>;
  outbox?: { pending: Record<string, number>; oldestPendingAgeMs: number };
  worker: { running: boolean; inFlight: number };
}

/**
 * Everything of the gateway except HTTP: the models, the intake that decides push requests, workspace
 * administration, the outbox worker that delivers with the gateway's own credentials, metrics and health. The
 * stand-alone gateway (`createGateway`) and the host mount (`gatewayHostPlugin`) both serve it over fastify.
 */
export class GatewayCore {
  readonly workspacesModel: WorkspacesModel;
  readonly usage: UsageModel;
  readonly deadTokens: DeadTokensModel;
  readonly outbox: OutboxModel;
  readonly workspaces: WorkspaceAdmin;
  readonly intake: PushIntake;
  readonly worker: OutboxWorker;
  readonly guard: CircuitBreakerGuard;
  readonly metrics: GatewayMetrics;
  readonly rateLimiter = new RateLimiter();
  readonly settings: IGatewaySettings;
  readonly providers: IGatewayProviders;
  readonly logger: IGatewayLogger;
  private readonly clock: () => Date;
  private maintenanceTimer: NodeJS.Timeout | undefined;
  private maintenanceRun: Promise<void> | undefined;
  private started = false;
  private closed = false;

  constructor(private readonly options: IGatewayCoreOptions) {
    const settings = { ...DEFAULT_GATEWAY_SETTINGS, ...options.settings };
    this.settings = settings;
    this.clock = options.clock ?? (() => new Date());
    this.logger = options.logger;
    this.providers = options.providers ?? { apn: { configured: true }, gcm: { configured: true }, simulated: false };
    this.workspacesModel = new WorkspacesModel(options.db);
    this.usage = new UsageModel(options.db);
    this.deadTokens = new DeadTokensModel(options.db, settings.deadTokenTtlSeconds);
    this.outbox = new OutboxModel(options.db);
    this.workspaces = new WorkspaceAdmin({
      workspaces: this.workspacesModel,
      usage: this.usage,
      defaultMonthlyQuota: () => settings.defaultMonthlyQuota,
      clock: this.clock,
      onChange: (id) => this.rateLimiter.reset(id),
    });
    this.metrics = new GatewayMetrics({
      quotas: () => this.quotaSnapshot(),
      outbox: async () => (await this.outbox.stats(this.clock())).pending,
      deadTokens: () => this.deadTokens.count(),
    });
    this.guard = new CircuitBreakerGuard(options.breaker);
    this.worker = new OutboxWorker({
      ...options.worker,
      outbox: this.outbox,
      transport: () => options.transport,
      guard: this.guard,
      policy: () => ({ maxAttempts: settings.maxAttempts, maxAgeMs: settings.maxPushAgeSeconds * 1000 }),
      onInvalidToken: (entry, result) => this.onInvalidToken(entry, result),
      onSettled: (settled) => this.onSettled(settled),
      logger: options.logger,
      clock: this.clock,
      random: options.random,
    });
    this.intake = new PushIntake({
      workspaces: this.workspacesModel,
      usage: this.usage,
      deadTokens: this.deadTokens,
      outbox: this.outbox,
      rateLimiter: this.rateLimiter,
      quotaOf: (w) => this.workspaces.effectiveQuota(w),
      defaultRateLimit: () => settings.rateLimit,
      quotaRetryAfterCapSeconds: settings.quotaRetryAfterCapSeconds,
      maxPushAgeMs: settings.maxPushAgeSeconds * 1000,
      clock: this.clock,
      onAccepted: () => this.worker.wake(),
      metrics: this.metrics,
      logger: options.logger,
    });
  }

  /** Creates the indexes, then starts delivering (pushes left queued by an earlier run go out now). */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await Promise.all([
      this.workspacesModel.ensureIndexes(),
      this.usage.ensureIndexes(),
      this.deadTokens.ensureIndexes(),
      this.outbox.ensureIndexes(),
    ]);
    this.worker.start();
    const everyMs = this.settings.maintenanceIntervalSeconds * 1000;
    this.maintenanceTimer = setInterval(() => void this.maintain(), everyMs);
    this.maintenanceTimer.unref();
  }

  /** Stops claiming, waits for the deliveries in flight to be recorded, closes the transport. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.maintenanceTimer) clearInterval(this.maintenanceTimer);
    await this.maintenanceRun;
    await this.worker.stop();
    await this.options.transport.close();
  }

  /** Purges finished entries past the retention, and blanks the content of the others. */
  maintain(): Promise<void> {
    this.maintenanceRun ??= (async () => {
      try {
        const now = this.clock();
        const purged = await this.outbox.purgeFinished(new Date(now.getTime() - this.settings.finishedRetentionSeconds * 1000));
        let redacted = 0;
        if (this.settings.redactFinished) {
          const result = await this.outbox.collection.updateMany(
            { state: { $nin: [...PENDING_STATES] }, redacted: { $ne: true } } as Record<string, unknown>,
            { $set: { 'notification.title': '', 'notification.body': '', 'notification.payload': {}, redacted: true } as Record<string, unknown> },
          );
          redacted = result.modifiedCount;
        }
        if (purged + redacted > 0) this.logger.debug({ purged, redacted }, 'gateway outbox maintenance');
      } catch (error) {
        this.logger.warn({ err: (error as Error).message }, 'gateway outbox maintenance failed; will try again');
      } finally {
        this.maintenanceRun = undefined;
      }
    })();
    return this.maintenanceRun;
  }

  async health(): Promise<IGatewayHealth> {
    const started = Date.now();
    let database: IGatewayHealth['database'];
    let outbox: IGatewayHealth['outbox'];
    try {
      await this.options.db.command({ ping: 1 });
      database = { ok: true, latencyMs: Date.now() - started };
      outbox = await this.outbox.stats(this.clock());
    } catch (error) {
      database = { ok: false, detail: `database unreachable: ${(error as Error).message}` };
    }
    const routes = this.guard.routes().map((r) => ({
      route: r.route,
      status: r.status,
      consecutiveFailures: r.consecutiveFailures,
      retryAt: r.retryAt?.toISOString(),
      lastHealth: r.lastHealth,
    }));
    const anyProvider = this.providers.apn.configured || this.providers.gcm.configured;
    return {
      ok: database.ok && anyProvider,
      database,
      providers: this.providers,
      routes,
      outbox,
      worker: { running: this.worker.isRunning, inFlight: this.worker.deliveriesInFlight },
    };
  }

  /** Usage and quota of every workspace this month (metrics, admin page). */
  async quotaSnapshot(): Promise<Array<{ workspaceId: string; name: string; usage: number; quota: number | null }>> {
    const month = monthKey(this.clock());
    const [all, usage] = await Promise.all([this.workspacesModel.list(), this.usage.usageByWorkspace(month)]);
    return all.map((w) => ({ workspaceId: w._id, name: w.name, usage: usage.get(w._id) ?? 0, quota: this.workspaces.effectiveQuota(w) }));
  }

  private async onInvalidToken(entry: IOutboxEntry, result: IDeliveryResult): Promise<void> {
    const workspaceId = (entry as IGatewayOutboxEntry).workspaceId ?? '';
    const now = this.clock();
    const dead = await this.deadTokens.record({
      token: entry.token,
      platform: entry.platform,
      workspaceId,
      reason: result.reason ?? 'INVALID_TOKEN',
      at: now,
    });
    const failed = await failPendingForDeadToken(this.outbox, dead, now);
    this.logger.info(
      { workspaceId, platform: entry.platform, reason: dead.reason, scope: dead.workspaceId === null ? 'all-workspaces' : 'workspace', pendingFailed: failed },
      'device token declared dead by the provider; later pushes to it get 406',
    );
  }

  private onSettled(settled: ISettledDelivery[]): void {
    for (const { entry, result, state } of settled) {
      this.metrics.delivery(entry.platform, result.outcome, result.reason);
      const workspaceId = (entry as IGatewayOutboxEntry).workspaceId;
      if (state === 'rejected' || state === 'expired') {
        this.logger.warn({ workspaceId, id: entry._id, platform: entry.platform, state, status: result.status, reason: result.reason, detail: result.detail }, 'gateway push not delivered');
      } else {
        this.logger.debug({ workspaceId, id: entry._id, platform: entry.platform, state, reason: result.reason }, 'gateway push settled');
      }
    }
  }
}
