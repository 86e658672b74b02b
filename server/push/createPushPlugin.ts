import { EventEmitter } from 'node:events';
import type { IHost, IHostPlugin } from '../../definitions/IHost';
import type { INotificationFilter } from '../../definitions/INotificationDecision';
import type { IPushTransport } from '../../definitions/IPushTransport';
import type { IPushTransportEnv } from '../../definitions/IPushTransportFactory';
import { diagnosePushConfiguration } from '../../lib/delivery/diagnosePushConfiguration';
import { DELIVERY_SETTING_IDS } from '../../lib/delivery/deliverySettingIds';
import { explainSimulatorOverrides } from '../../lib/delivery/explainSimulatorOverrides';
import { describeCredentials } from '../../lib/delivery/describeCredentials';
import { defaultFilters } from '../../lib/filters/defaultFilters';
import { orderFilters } from '../../lib/filters/evaluateFilters';
import { PushCron } from './cron/PushCron';
import { registerPushRoutes } from './api/registerPushRoutes';
import { PushMetrics } from './metrics/PushMetrics';
import { DecisionLogModel } from './notifications/DecisionLogModel';
import { MongoRecipientSource } from './notifications/MongoRecipientSource';
import { NotificationService } from './notifications/NotificationService';
import { PushExplainer } from './notifications/PushExplainer';
import { PushTester } from './notifications/PushTester';
import { CircuitBreakerGuard } from './outbox/CircuitBreakerGuard';
import { OutboxModel } from './outbox/OutboxModel';
import { OutboxWorker, type IOutboxWorkerOptions, type ISettledDelivery } from './outbox/OutboxWorker';
import { PushTokenService } from './tokens/PushTokenService';

/** Where the worker gets the transport for the current settings (rebuilt when they change). */
export interface ITransportSource {
  current(): IPushTransport;
  close(): Promise<void>;
}

export interface IPushPluginOptions {
  /** Provider endpoint overrides (`PUSH_APN_ENDPOINT`, `PUSH_APN_CA`, `PUSH_FCM_ENDPOINT`). */
  env: IPushTransportEnv;
  transports: ITransportSource;
  /** Worker tuning (tests and benchmarks). */
  worker?: Partial<Omit<IOutboxWorkerOptions, 'outbox' | 'transport' | 'guard' | 'policy' | 'onInvalidToken' | 'logger'>>;
  /** Whether this instance delivers (a deployment may run deciders and senders apart). @defaultValue true */
  deliver?: boolean;
  /** Scheduled jobs (purge, token pruning, statistics). @defaultValue true */
  cron?: boolean;
  /** Self-configured pushes go to the local simulators (changes the advice given about endpoint overrides). */
  simulated?: () => boolean;
  /** Extra facts for `push.info` and the admin page (e.g. that the simulators are in use). */
  info?: () => Record<string, unknown>;
  clock?: () => Date;
}

/** Finished outbox entries are kept this long for explain and the delivery log. */
const OUTBOX_RETENTION_MS = 24 * 3600_000;
/** Devices whose app has not re-registered for this long are considered gone (FCM's own staleness horizon). */
const STALE_TOKEN_DAYS = 270;

/** What the plugin exposes once registered: for the admin page, tests, benchmarks and other plugins. */
export interface IPushModule {
  service: NotificationService;
  explainer: PushExplainer;
  tester: PushTester;
  tokens: PushTokenService;
  outbox: OutboxModel;
  worker: OutboxWorker;
  guard: CircuitBreakerGuard;
  metrics: PushMetrics;
  cron: PushCron;
  /** Every delivery outcome as it is recorded (the admin page's live log). */
  events: EventEmitter<{ settled: [ISettledDelivery[]] }>;
  /** The filter pipeline as it runs now (defaults plus `pushFilter` hooks), in order. */
  filters(): readonly INotificationFilter[];
}

/**
 * The push module as a host plugin: it hooks `afterSaveMessage` (low priority, id `sendNotificationsOnMessage`),
 * cancels delayed pushes on `afterReadMessages`, drops devices whose session ended on `afterLoginTokensChanged`,
 * adds the push endpoints, a health check and metrics, and runs the outbox worker and the scheduled jobs.
 */
export function createPushPlugin(options: IPushPluginOptions): IHostPlugin & { readonly module?: IPushModule } {
  const plugin: IHostPlugin & { module?: IPushModule } = {
    name: 'push',
    async register(host: IHost) {
      const { module, dispose } = await buildModule(host, options);
      plugin.module = module;
      return {
        close: async () => {
          dispose();
          await closeModule(host, module, options);
        },
      };
    },
  };
  return plugin;
}

async function buildModule(host: IHost, options: IPushPluginOptions): Promise<{ module: IPushModule; dispose: () => void }> {
  const clock = options.clock ?? (() => new Date());
  const settings = () => host.settings.pushSettings();
  const outbox = new OutboxModel(host.db);
  const decisions = new DecisionLogModel(host.db);
  await Promise.all([outbox.ensureIndexes(), decisions.ensureIndexes()]);
  const tokens = new PushTokenService(host.models.pushAppTokens.col as never);
  const source = new MongoRecipientSource(host.db);
  const guard = new CircuitBreakerGuard();
  const events = new EventEmitter<{ settled: [ISettledDelivery[]] }>();
  const log = host.logger.child({ module: 'push' });

  const filters = (): readonly INotificationFilter[] => {
    const custom = host.callbacks.list('pushFilter').map((entry) => ({ id: entry.id, priority: entry.priority, apply: entry.fn }));
    return orderFilters([...defaultFilters, ...custom]);
  };

  const metrics = new PushMetrics({
    outboxStats: () => outbox.stats(clock()),
    routes: () => guard.routes(),
    credentialExpiry: () => credentialExpiry(settings(), clock()),
  });

  const worker = new OutboxWorker({
    outbox,
    transport: () => options.transports.current(),
    guard,
    policy: () => ({ maxAttempts: settings().Push_max_attempts, maxAgeMs: settings().Push_max_age_seconds * 1000 }),
    onInvalidToken: async (entry) => {
      const removed = await tokens.removeDead(entry.platform, entry.token, entry.createdAt);
      await outbox.failPendingForToken(entry.token, 'TOKEN_REMOVED', clock());
      log.info({ tokenId: entry.tokenId, removed }, 'removed a device the provider reported as no longer valid');
    },
    onSettled: async (settled) => {
      metrics.recordDeliveries(settled, clock());
      events.emit('settled', settled);
      if (host.callbacks.list('afterPushDelivered').length > 0) {
        for (const { result, entry } of settled) await host.callbacks.run('afterPushDelivered', result, entry);
      }
    },
    logger: log,
    clock,
    ...options.worker,
  });
  guard.onStatusChange((route, status) => log.warn({ route, status }, `delivery route circuit is now ${status}`));
  // A circuit opened by answers about the old configuration (a refused gateway token, revoked credentials) must not
  // hold back the first pushes with the new one.
  const unwatchDelivery = host.settings.watch([...DELIVERY_SETTING_IDS], () => guard.reset());

  const service = new NotificationService({
    source, outbox, decisions, callbacks: host.callbacks, settings, filters, wake: () => worker.wake(), clock,
    observer: { onFanOut: (result, ms) => metrics.recordFanOut(result, ms) },
  });
  const explainer = new PushExplainer({ source, outbox, decisions, settings, filters, clock });
  const problems = () =>
    explainSimulatorOverrides(diagnosePushConfiguration(settings(), options.env, clock()), (options.simulated?.() ?? false) && !settings().Push_enable_gateway);
  const tester = new PushTester({ outbox, tokens, settings, problems, wake: () => worker.wake(), clock });

  const cron = new PushCron(
    [
      { name: 'push-outbox-purge', schedule: '*/10 * * * *', run: async () => ({ purged: await outbox.purgeFinished(new Date(clock().getTime() - OUTBOX_RETENTION_MS)) }) },
      { name: 'push-token-prune', schedule: '30 3 * * *', run: async () => ({ pruned: await tokens.pruneStale(clock(), STALE_TOKEN_DAYS) }) },
      { name: 'push-statistics', schedule: '* * * * *', run: async () => outbox.stats(clock()) },
    ],
    log,
  );

  const module: IPushModule = { service, explainer, tester, tokens, outbox, worker, guard, metrics, cron, events, filters };

  registerHooks(host, module, clock);
  registerPushRoutes({
    host, tokens, explainer, tester, metrics, clock,
    info: () => ({ mode: settings().Push_enable_gateway ? 'gateway' : 'direct', ...options.info?.() }),
  });
  host.health.register('push', async () => {
    const now = clock();
    const current = problems();
    const routes = guard.routes();
    const stats = await outbox.stats(now);
    const ok = !current.some((p) => p.severity === 'error') && !routes.some((r) => r.status === 'open');
    return {
      ok,
      detail: ok ? 'push delivery is configured and its routes answer' : describeTrouble(current, routes),
      mode: settings().Push_enable_gateway ? 'gateway' : 'direct',
      problems: current,
      routes,
      outbox: { pending: stats.pending, oldestPendingAgeSeconds: Math.round(stats.oldestPendingAgeMs / 1000) },
      delivering: worker.isRunning,
    };
  });

  if (options.deliver !== false) worker.start();
  if (options.cron !== false) cron.start();
  return { module, dispose: unwatchDelivery };
}

function registerHooks(host: IHost, module: IPushModule, clock: () => Date): void {
  const onMessage = async (message: Parameters<IPushModule['service']['notifyMessage']>[0], room: Parameters<IPushModule['service']['notifyMessage']>[1]) => {
    await module.service.notifyMessage(message, room);
  };
  // Rocket.Chat removes the hook while Troubleshoot_Disable_Notifications is on; the service checks it too, so
  // explain and the decision log say why nothing happened.
  const sync = () => {
    if (host.settings.get('Troubleshoot_Disable_Notifications') === true) host.callbacks.remove('afterSaveMessage', 'sendNotificationsOnMessage');
    else host.callbacks.add('afterSaveMessage', onMessage, host.callbacks.priority.LOW, 'sendNotificationsOnMessage');
  };
  sync();
  host.settings.watch('Troubleshoot_Disable_Notifications', sync);
  host.callbacks.add(
    'afterReadMessages',
    async (rid, uid) => {
      await module.outbox.cancelDelayed(uid, rid, clock());
    },
    host.callbacks.priority.MEDIUM,
    'cancelDelayedPushesOnRead',
  );
  host.callbacks.add(
    'afterLoginTokensChanged',
    async (uid, hashedTokens) => {
      await host.models.pushAppTokens.removeByUserIdExceptAuthTokens(uid, hashedTokens);
    },
    host.callbacks.priority.MEDIUM,
    'removeDevicesOfEndedSessions',
  );
}

async function closeModule(host: IHost, module: IPushModule, options: IPushPluginOptions): Promise<void> {
  host.callbacks.remove('afterSaveMessage', 'sendNotificationsOnMessage');
  host.callbacks.remove('afterReadMessages', 'cancelDelayedPushesOnRead');
  host.callbacks.remove('afterLoginTokensChanged', 'removeDevicesOfEndedSessions');
  host.health.unregister('push');
  await module.cron.stop();
  await module.worker.stop();
  await options.transports.close();
}

function credentialExpiry(settings: ReturnType<IHost['settings']['pushSettings']>, now: Date) {
  const { apns } = describeCredentials(settings, now);
  return apns.expiresAt ? [{ credential: `apns-${apns.environment}`, expiresAt: new Date(apns.expiresAt) }] : [];
}

function describeTrouble(problems: Array<{ severity: string; message: string }>, routes: Array<{ route: string; status: string }>): string {
  const parts = problems.filter((p) => p.severity === 'error').map((p) => p.message);
  for (const route of routes) if (route.status === 'open') parts.push(`delivery route ${route.route} is failing (circuit open)`);
  return parts.join(' ');
}

