import { DELIVERY_SETTING_IDS } from '../../../lib/delivery/deliverySettingIds';
import { explainSimulatorOverrides } from '../../../lib/delivery/explainSimulatorOverrides';
import type { IOutboxEntry } from '../../../definitions/IOutboxEntry';
import { describeCredentials, type ICredentialsDescription } from '../../../lib/delivery/describeCredentials';
import { diagnosePushConfiguration } from '../../../lib/delivery/diagnosePushConfiguration';
import { PUSH_SETTING_IDS } from '../../../lib/settings';
import type { IRouteStatus } from '../../push/outbox/CircuitBreakerGuard';
import type { AdminContext } from '../AdminContext';
import { describeRoute, diagnoseDeliveries, type IAdminProblem, type IRecentAttempt } from './diagnoseDeliveries';
import { diagnoseDeviceTopics } from './diagnoseDeviceTopics';

/** Settings whose change starts a new chapter: answers received before it say nothing about the new configuration. */


/** How far back provider answers are read for the problems list. */
export const RECENT_WINDOW_MS = 15 * 60_000;
const RECENT_ENTRIES_LIMIT = 500;

export interface IAdminStatus {
  mode: 'gateway' | 'direct';
  modeLabel: 'Push gateway' | 'Self-configured';
  pushEnabled: boolean;
  /** No error-level problem and no paused route. */
  healthy: boolean;
  /** One sentence for the banner. */
  summary: string;
  credentials: ICredentialsDescription;
  problems: IAdminProblem[];
  routes: Array<IRouteStatus & { label: string }>;
  outbox: { pending: Record<'queued' | 'retry' | 'sending', number>; total: number; oldestPendingAgeSeconds: number };
  recent: { since: Date; attempts: number; byOutcome: Record<string, number> };
  simulators: { apns: string; fcm: string; note: string } | null;
  cron: Array<{ name: string; at: Date; ok: boolean; result?: unknown; error?: string }>;
  /** Settings forced by OVERWRITE_SETTING_* (the page cannot change them). */
  forcedByEnvironment: string[];
  workspaceId: string;
  checkedAt: Date;
}

/**
 * Everything the admin page's banner needs, in one answer: the configuration's own problems
 * (`diagnosePushConfiguration`), what the providers answered lately (the gateway refused this workspace, over
 * quota, unreachable…), devices the credentials cannot reach, each route's circuit, the outbox backlog, the
 * simulators and the scheduled jobs. Never a secret: credentials are described by `describeCredentials`.
 */
export async function buildAdminStatus(ctx: AdminContext): Promise<IAdminStatus> {
  const { host, push, plugin } = ctx;
  const now = ctx.clock();
  const settings = host.settings.pushSettings();
  const credentials = describeCredentials(settings, now);
  const mode = credentials.mode;
  const simulators = plugin.simulators;
  const since = await chapterStart(ctx, now);
  const [stats, entries, iosApps] = await Promise.all([
    push.outbox.stats(now),
    push.outbox.collection
      .find({ _updatedAt: { $gte: since } }, { sort: { _updatedAt: -1 }, limit: RECENT_ENTRIES_LIMIT, projection: { history: 1, appName: 1 } })
      .toArray() as Promise<Array<Pick<IOutboxEntry, 'history' | 'appName'>>>,
    host.models.pushAppTokens.col.distinct('appName', { 'token.apn': { $exists: true }, enabled: true }) as Promise<string[]>,
  ]);
  const attempts: IRecentAttempt[] = entries.flatMap((entry) =>
    entry.history.filter((attempt) => new Date(attempt.at).getTime() >= since.getTime()).map((attempt) => ({ ...attempt, appName: entry.appName })),
  );
  const routes = push.guard.routes();

  const configuration = diagnosePushConfiguration(settings, plugin.transportEnv, now);
  const simulated = simulators !== undefined && mode === 'direct';
  const problems: IAdminProblem[] = uniqueByCode([
    ...explainSimulatorOverrides(configuration, simulated).map((p): IAdminProblem => ({ ...p, source: 'configuration' })),
    // What the providers answered comes before what the devices suggest: evidence over inference.
    ...diagnoseDeliveries({ attempts, routes, mode, workspaceId: settings.uniqueID }),
    ...diagnoseDeviceTopics(credentials, iosApps),
  ]);
  problems.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));

  const byOutcome: Record<string, number> = {};
  for (const attempt of attempts) byOutcome[attempt.outcome] = (byOutcome[attempt.outcome] ?? 0) + 1;
  const errors = problems.filter((p) => p.severity === 'error');
  const paused = routes.some((r) => r.status === 'open');
  const healthy = settings.Push_enable && errors.length === 0 && !paused;
  const total = stats.pending.queued + stats.pending.retry + stats.pending.sending;

  return {
    mode,
    modeLabel: mode === 'gateway' ? 'Push gateway' : 'Self-configured',
    pushEnabled: settings.Push_enable,
    healthy,
    summary: summarize(healthy, errors, settings.Push_enable, mode, simulated),
    credentials,
    problems,
    routes: routes.map((route) => ({ ...route, label: describeRoute(route.route) })),
    outbox: { pending: stats.pending, total, oldestPendingAgeSeconds: Math.round(stats.oldestPendingAgeMs / 1000) },
    recent: { since, attempts: attempts.length, byOutcome },
    simulators: simulators
      ? { apns: simulators.apns.endpoint, fcm: simulators.fcm.endpoint, note: 'SIMULATED — pushes do not reach real phones' }
      : null,
    cron: [...push.cron.lastRuns].map(([name, run]) => ({ name, ...run })),
    forcedByEnvironment: PUSH_SETTING_IDS.filter((id) => host.settings.isOverwritten(id)),
    workspaceId: settings.uniqueID,
    checkedAt: now,
  };
}

/**
 * One problem per code and route; a problem not tied to a route (e.g. predicted from the devices) is left out when
 * the same code was already reported for a route.
 */
function uniqueByCode(problems: IAdminProblem[]): IAdminProblem[] {
  const codes = new Set<string>();
  const keys = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.code} ${p.route ?? ''}`;
    if (keys.has(key) || (p.route === undefined && codes.has(p.code))) return false;
    keys.add(key);
    codes.add(p.code);
    return true;
  });
}

/** The later of "15 minutes ago" and the last change of a delivery setting. */
async function chapterStart(ctx: AdminContext, now: Date): Promise<Date> {
  const docs = await ctx.host.models.settings.col
    .find({ _id: { $in: [...DELIVERY_SETTING_IDS] } }, { projection: { _updatedAt: 1 } })
    .toArray();
  let start = now.getTime() - RECENT_WINDOW_MS;
  for (const doc of docs) {
    const changed = doc._updatedAt instanceof Date ? doc._updatedAt.getTime() : NaN;
    if (changed > start) start = changed;
  }
  return new Date(start);
}

function summarize(healthy: boolean, errors: IAdminProblem[], enabled: boolean, mode: 'gateway' | 'direct', simulated: boolean): string {
  if (!enabled) return 'Push notifications are turned off (Push_enable).';
  if (errors.length > 0) return `Push notifications are misconfigured: ${errors.length} problem${errors.length === 1 ? '' : 's'} to fix.`;
  if (!healthy) return 'A delivery route is paused; pushes wait in the outbox.';
  if (simulated) return 'Push delivery works — to the local simulators (SIMULATED: no real phone receives these pushes).';
  return mode === 'gateway' ? 'Push delivery through the gateway is configured.' : 'Self-configured push delivery is configured.';
}
