import type { IOutboxAttempt } from '../../../definitions/IOutboxEntry';
import type { IConfigurationProblem } from '../../../lib/delivery/configurationProblem';
import type { IRouteStatus } from '../../push/outbox/CircuitBreakerGuard';

/** One delivery attempt as the outbox recorded it, with the app it was for. */
export interface IRecentAttempt extends IOutboxAttempt {
  appName: string;
}

export interface IDeliveryDiagnosisInput {
  /** Attempts since the configuration last changed (or a recent window), any order. */
  attempts: readonly IRecentAttempt[];
  /** The circuit breakers' view of each route. */
  routes: readonly IRouteStatus[];
  mode: 'gateway' | 'direct';
  /** The workspace id the gateway knows this workspace by. */
  workspaceId: string;
}

/** Where a problem was seen: the settings themselves, what providers answered, or the circuit breakers. */
export type ProblemSource = 'configuration' | 'deliveries' | 'routes' | 'devices';

export interface IAdminProblem extends IConfigurationProblem {
  source: ProblemSource;
  /** The route it is about (a gateway URL, an APNs key, an FCM project), when there is one. */
  route?: string;
}

const APNS_CREDENTIAL_REASONS = new Set(['InvalidProviderToken', 'MissingProviderToken', 'BadCertificate', 'BadCertificateEnvironment', 'Forbidden', 'BadEnvironmentKeyInToken', 'UnrelatedKeyIdInToken']);
const APNS_TOPIC_REASONS = new Set(['DeviceTokenNotForTopic', 'TopicDisallowed', 'BadTopic', 'MissingTopic']);
/** 429s about the whole route; the others (APNs TooManyRequests, FCM per-device rate) are about one device. */
const ROUTE_WIDE_429 = new Set(['GATEWAY_QUOTA_EXCEEDED', 'TooManyProviderTokenUpdates', 'QUOTA_EXCEEDED', 'messaging/message-rate-exceeded']);

/**
 * What the providers' recent answers say is wrong, in the words of the seed's FAQ ("Server notifications are
 * misconfigured!"): the gateway refused this workspace, the workspace is over quota, a route cannot be reached,
 * APNs or FCM refused the credentials, the topic does not match. Per route only the latest answers count: a route
 * whose last attempt succeeded has no problem, however many failures came before. Pure.
 */
export function diagnoseDeliveries(input: IDeliveryDiagnosisInput): IAdminProblem[] {
  const relevant = (route: string) => (input.mode === 'gateway' ? route.startsWith('gateway:') : !route.startsWith('gateway:'));
  const byRoute = new Map<string, IRecentAttempt[]>();
  for (const attempt of input.attempts) {
    if (!attempt.route || !relevant(attempt.route) || attempt.outcome === 'error') continue;
    const list = byRoute.get(attempt.route) ?? [];
    list.push(attempt);
    byRoute.set(attempt.route, list);
  }
  const problems: IAdminProblem[] = [];
  for (const [route, attempts] of byRoute) {
    attempts.sort((a, b) => new Date(a.at).getTime() - new Date(b.at).getTime());
    const failing = trailingFailures(attempts);
    if (failing.length === 0) continue;
    const problem = describeFailure(route, failing, input.workspaceId);
    if (problem) problems.push({ ...problem, source: 'deliveries', route });
  }
  for (const status of input.routes) {
    if (status.status !== 'open' || !relevant(status.route) || problems.some((p) => p.route === status.route)) continue;
    const retry = status.retryAt ? ` The next try is at ${new Date(status.retryAt).toISOString().slice(11, 19)} UTC.` : '';
    problems.push({
      code: 'ROUTE_PAUSED',
      severity: 'error',
      message: `Deliveries through ${describeRoute(status.route)} are paused after ${status.consecutiveFailures} failures in a row (circuit open).${retry}`,
      action: 'Pushes wait in the outbox and resume by themselves once the route answers again; check the route\'s credentials and network.',
      source: 'routes',
      route: status.route,
    });
  }
  return problems;
}

/** The attempts after the last successful one (delivered, or a refusal that says nothing bad about the route). */
function trailingFailures(attempts: readonly IRecentAttempt[]): IRecentAttempt[] {
  let start = attempts.length;
  while (start > 0 && isRouteFailure(attempts[start - 1])) start--;
  return attempts.slice(start);
}

function isRouteFailure(attempt: IRecentAttempt): boolean {
  if (attempt.outcome === 'delivered') return false;
  // A dead token is the device's problem, except when it says the app and the credentials do not match.
  if (attempt.outcome === 'invalid-token') return attempt.reason === 'DeviceTokenNotForTopic' || attempt.reason === 'SENDER_ID_MISMATCH';
  if (attempt.status === undefined) return attempt.outcome === 'retry';
  if (attempt.status === 429) return ROUTE_WIDE_429.has(attempt.reason ?? '');
  return attempt.status === 401 || attempt.status === 403 || attempt.status >= 500 || APNS_TOPIC_REASONS.has(attempt.reason ?? '');
}

type Problem = Omit<IAdminProblem, 'source' | 'route'>;

function describeFailure(route: string, failing: readonly IRecentAttempt[], workspaceId: string): Problem | undefined {
  const last = failing[failing.length - 1];
  const count = failing.length === 1 ? 'the last push' : `the last ${failing.length} pushes`;
  const where = describeRoute(route);
  const reason = last.reason ?? (last.status !== undefined ? `HTTP ${last.status}` : 'no answer');
  const apps = [...new Set(failing.map((a) => a.appName))].join(', ');
  if (route.startsWith('gateway:')) {
    if (last.reason === 'GATEWAY_UNAUTHORIZED') {
      return error('GATEWAY_REFUSED_WORKSPACE', `The gateway ${where} refused this workspace (401) for ${count}.`, `Check Push_gateway_token: it must be the token the gateway issued to this workspace (workspace id ${workspaceId}). On a hosted gateway, make sure the workspace is registered there.`);
    }
    if (last.reason === 'GATEWAY_FORBIDDEN') {
      return error('GATEWAY_FORBIDDEN', `The gateway ${where} does not allow this workspace to send pushes (403).`, 'Ask the gateway operator to enable the workspace (it may be revoked or limited to other apps).');
    }
    if (last.reason === 'GATEWAY_QUOTA_EXCEEDED') {
      return error('GATEWAY_OVER_QUOTA', `This workspace is over its push quota at ${where} (429): ${count} wait in the outbox and are retried.`, 'Raise the workspace\'s quota at the gateway or wait for it to reset; pushes older than Push_max_age_seconds expire.');
    }
    if (last.status === undefined) {
      return error('GATEWAY_UNREACHABLE', `The gateway ${where} could not be reached (${reason}) for ${count}.`, 'Check the URL in Push_gateway, DNS, and that this server may connect out (firewall, egress proxy). Pushes are retried meanwhile.');
    }
    return error('GATEWAY_FAILING', `The gateway ${where} answered ${reason} for ${count}.`, 'Pushes are retried. If it persists, contact the gateway\'s operator or add a second gateway (one URL per line).');
  }
  if (route.startsWith('apns:')) {
    if (APNS_TOPIC_REASONS.has(last.reason ?? '')) {
      return error('APN_TOPIC_MISMATCH', `APNs refused the topic (${reason}) for ${count}, to devices of ${apps}.`, 'The app name a device registers with is its APNs topic: upload credentials for that bundle id (a certificate issued for it, or a .p8 key of the team that owns it).');
    }
    if (APNS_CREDENTIAL_REASONS.has(last.reason ?? '')) {
      return error('APN_CREDENTIALS_REFUSED', `APNs refused our credentials (${reason}) for ${count}.`, 'Check the .p8 key, key id and team id (or the certificate and key) and the production/sandbox choice, then upload them again.');
    }
    if (last.status === undefined) {
      return error('APN_UNREACHABLE', `APNs could not be reached (${reason}) for ${count}.`, 'Check that this server may connect to api.push.apple.com:443 (firewall, egress proxy, PUSH_APN_ENDPOINT).');
    }
    return error('APN_FAILING', `APNs answered ${reason} for ${count}.`, 'Pushes are retried; if it persists, check Apple\'s system status.');
  }
  if (route.startsWith('fcm:')) {
    if (last.reason === 'SENDER_ID_MISMATCH') {
      return warning('FCM_SENDER_MISMATCH', `FCM says devices of ${apps} belong to another Firebase project (SENDER_ID_MISMATCH); they were removed.`, 'Upload the service account of the Firebase project the app is built with.');
    }
    if (last.status === 401 || last.status === 403) {
      return error('FCM_CREDENTIALS_REFUSED', `FCM refused our service account (${reason}) for ${count}.`, 'Upload a current service-account key of the app\'s Firebase project and enable the Firebase Cloud Messaging API for it.');
    }
    if (last.status === undefined) {
      return error('FCM_UNREACHABLE', `FCM could not be reached (${reason}) for ${count}.`, 'Check that this server may connect to fcm.googleapis.com and oauth2.googleapis.com (firewall, egress proxy, PUSH_FCM_ENDPOINT).');
    }
    return error('FCM_FAILING', `FCM answered ${reason} for ${count}.`, 'Pushes are retried; if it persists, check the Firebase project\'s quotas and status.');
  }
  return last.detail ? error('ROUTE_FAILING', `${where}: ${last.detail} (${reason}).`, 'Check the route\'s configuration.') : undefined;
}

/** `gateway:https://gw` → `https://gw`; `apns:KEYID:production` → `APNs (key KEYID, production)`; `fcm:p` → `FCM (project p)`. */
export function describeRoute(route: string): string {
  if (route.startsWith('gateway:')) return route.slice('gateway:'.length);
  const [kind, ...rest] = route.split(':');
  if (kind === 'apns') {
    const environment = rest.pop();
    const credential = rest.join(':');
    return `APNs (${credential.startsWith('cert-') ? `certificate ${credential.slice(5)}` : `key ${credential}`}, ${environment})`;
  }
  if (kind === 'fcm') return `FCM (project ${rest.join(':')})`;
  return route;
}

function error(code: string, message: string, action: string): Problem {
  return { code, severity: 'error', message, action };
}

function warning(code: string, message: string, action: string): Problem {
  return { code, severity: 'warning', message, action };
}
