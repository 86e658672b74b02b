import type { IPushToken } from '../../../definitions/IPushToken';
import { maskToken } from '../../../lib/notifications/maskToken';
import { notFound } from '../../host/api/ApiError';
import { object, str } from '../../host/api/schemas';
import type { ApnsPush, FaultSettings, FcmPush, PushSimulators } from '../../simulators';
import { API, type AdminContext } from '../AdminContext';

export const SIMULATED_LABEL = 'SIMULATED — pushes do not reach real phones';

const MAX_DEVICES = 200;

/** One push as a simulated phone would show it. */
export interface ISimulatedPush {
  receivedAt: Date;
  title?: string;
  body?: string;
  badge?: number;
  /** APNs topic or FCM project. */
  to: string;
  /** apns-id or the FCM message name. */
  id: string;
}

export interface ISimulatedDevice {
  platform: 'apn' | 'gcm';
  /** Masked, as everywhere else. */
  token: string;
  appName?: string;
  username?: string;
  /** Still registered in `_raix_push_app_tokens` (a removed device keeps its inbox). */
  registered: boolean;
  /** Pushes received in total. */
  total: number;
  /** The most recent first. */
  inbox: ISimulatedPush[];
}

/**
 * `GET push.admin.simulators?limit=` (each simulated device's inbox, newest first, for both simulators) and
 * `POST push.admin.simulators.faults {simulator, faults?, clear?}` (inject latency, 429s, resets, dead tokens…).
 * Admins only. Without simulators the list answers `running: false` and faults answer 404 `error-simulators-not-running`.
 */
export function registerSimulatorRoutes(ctx: AdminContext, adminOnly: object): void {
  const { host } = ctx;
  const app = host.http;
  const running = (): PushSimulators => {
    const simulators = ctx.plugin.simulators;
    if (!simulators) throw notRunning();
    return simulators;
  };

  app.get<{ Querystring: { limit?: string } }>(
    `${API}/push.admin.simulators`,
    { ...adminOnly, schema: { querystring: object({ limit: str(3, { pattern: '^[0-9]+$' }) }) } },
    async (request) => {
      const simulators = ctx.plugin.simulators;
      if (!simulators) return { success: true, running: false };
      const limit = Math.min(100, Math.max(1, Number(request.query.limit ?? 10)));
      const registered = await host.models.pushAppTokens.col.find({}, { sort: { createdAt: 1 }, limit: MAX_DEVICES }).toArray();
      const usernames = await ctx.users.usernames(registered.map((t) => t.userId));
      const devices = collectDevices(simulators, registered, usernames, limit);
      const stats = (s: { stats(): { received: number; rejected: number; rejectedByReason: Record<string, number> } }) => {
        const { received, rejected, rejectedByReason } = s.stats();
        return { received, rejected, rejectedByReason };
      };
      return {
        success: true,
        running: true,
        label: SIMULATED_LABEL,
        apns: { endpoint: simulators.apns.endpoint, ...stats(simulators.apns), faults: simulators.apns.faults.snapshot() },
        fcm: { endpoint: simulators.fcm.endpoint, ...stats(simulators.fcm), faults: simulators.fcm.faults.snapshot() },
        devices,
      };
    },
  );

  app.post<{ Body: { simulator: 'apns' | 'fcm'; faults?: FaultSettings; clear?: boolean } }>(
    `${API}/push.admin.simulators.faults`,
    {
      ...adminOnly,
      schema: {
        body: object({ simulator: { type: 'string', enum: ['apns', 'fcm'] }, faults: { type: 'object' }, clear: { type: 'boolean' } }, ['simulator']),
      },
    },
    async (request) => {
      const simulator = running()[request.body.simulator];
      // Validated by the simulator (PUSH_ERR_INVALID_INPUT → 400) before any of it applies.
      if (request.body.clear) simulator.faults.clear();
      if (request.body.faults) simulator.faults.set(request.body.faults);
      request.log.info({ by: request.user?._id, simulator: request.body.simulator }, 'simulator faults changed by an admin');
      return { success: true, simulator: request.body.simulator, faults: simulator.faults.snapshot() };
    },
  );
}

function notRunning() {
  return notFound('error-simulators-not-running', 'This server runs no push simulators (they start on the embedded database when no credentials are configured, or with PUSH_SIMULATOR=1).');
}

/** Registered devices first (in registration order), then tokens only the simulators know (removed devices). */
function collectDevices(simulators: PushSimulators, registered: IPushToken[], usernames: ReadonlyMap<string, string>, limit: number): ISimulatedDevice[] {
  const devices: ISimulatedDevice[] = [];
  const seen = new Set<string>();
  for (const token of registered) {
    const platform = 'apn' in token.token ? 'apn' : 'gcm';
    const value = 'apn' in token.token ? token.token.apn : token.token.gcm;
    seen.add(`${platform}:${value}`);
    devices.push({ ...inboxOf(simulators, platform, value, limit), appName: token.appName, username: usernames.get(token.userId), registered: true });
  }
  const unknown = (platform: 'apn' | 'gcm', tokens: Iterable<string | undefined>) => {
    for (const value of tokens) {
      if (value === undefined || seen.has(`${platform}:${value}`) || devices.length >= MAX_DEVICES) continue;
      seen.add(`${platform}:${value}`);
      devices.push({ ...inboxOf(simulators, platform, value, limit), registered: false });
    }
  };
  unknown('apn', simulators.apns.allReceived().map((p) => p.token));
  unknown('gcm', simulators.fcm.allReceived().map((p) => p.token));
  return devices;
}

function inboxOf(simulators: PushSimulators, platform: 'apn' | 'gcm', token: string, limit: number) {
  const pushes: ISimulatedPush[] = platform === 'apn' ? simulators.apns.inbox(token).map(fromApns) : simulators.fcm.inbox(token).map(fromFcm);
  return { platform, token: maskToken(token), total: pushes.length, inbox: pushes.slice(-limit).reverse() };
}

function fromApns(push: ApnsPush): ISimulatedPush {
  const aps = (push.payload.aps ?? {}) as { alert?: string | { title?: string; body?: string }; badge?: number };
  const alert = typeof aps.alert === 'string' ? { body: aps.alert } : (aps.alert ?? {});
  return { receivedAt: push.receivedAt, title: alert.title, body: alert.body, badge: aps.badge, to: push.topic, id: push.apnsId };
}

function fromFcm(push: FcmPush): ISimulatedPush {
  const notification = (push.message.notification ?? {}) as { title?: string; body?: string };
  const data = (push.message.data ?? {}) as Record<string, string>;
  const badge = data.msgcnt !== undefined ? Number(data.msgcnt) : undefined;
  return { receivedAt: push.receivedAt, title: notification.title, body: notification.body, badge, to: push.projectId, id: push.name };
}
