import type { IDeliveryResult, IPushDelivery, IPushTransport } from '../../definitions/IPushTransport';
import type { PushPlatform } from '../../definitions/IPushToken';
import { classification } from '../../lib/delivery/DeliveryClassification';
import { isPushError } from '../../lib/errors';
import { toResult } from './toResult';

export interface DirectTransportOptions {
  /** The APNs transport, absent when no APNs credentials are configured. */
  apns?: IPushTransport;
  /** The FCM transport, absent when no service account is configured. */
  fcm?: IPushTransport;
  /** Why a platform has no transport, for the results' `detail` (never secret). */
  missing?: Partial<Record<PushPlatform, string>>;
}

const UNCONFIGURED_ROUTE: Record<PushPlatform, string> = { apn: 'apns:unconfigured', gcm: 'fcm:unconfigured' };
const DEFAULT_MISSING: Record<PushPlatform, string> = {
  apn: 'no APNs credentials are configured (direct mode)',
  gcm: 'no FCM service account is configured (direct mode)',
};

/**
 * Self-configured delivery: iOS tokens (`apn`) go to the APNs transport, Android tokens (`gcm`) to the FCM one.
 * A platform without credentials does not fail the other: its pushes answer `retry` with reason `NOT_CONFIGURED`
 * (an admin may still add the credentials; the outbox bounds the wait by the push's age), and
 * `diagnosePushConfiguration` says so loudly. The same happens when a platform transport reports that it cannot
 * work at all (e.g. node-apn refuses an expired certificate).
 */
export class DirectTransport implements IPushTransport {
  readonly name = 'direct';

  constructor(private readonly options: DirectTransportOptions) {}

  routeOf(delivery: IPushDelivery): string {
    const transport = this.transportFor(delivery.platform);
    return transport ? transport.routeOf(delivery) : UNCONFIGURED_ROUTE[delivery.platform];
  }

  async send(deliveries: IPushDelivery[]): Promise<IDeliveryResult[]> {
    const byPlatform: Record<PushPlatform, IPushDelivery[]> = { apn: [], gcm: [] };
    for (const delivery of deliveries) byPlatform[delivery.platform].push(delivery);
    const answered = new Map<string, IDeliveryResult>();
    await Promise.all(
      (Object.keys(byPlatform) as PushPlatform[]).map(async (platform) => {
        const group = byPlatform[platform];
        if (group.length === 0) return;
        for (const result of await this.sendPlatform(platform, group)) answered.set(result.id, result);
      }),
    );
    return deliveries.map((d) => answered.get(d.id) ?? toResult(d, this.routeOf(d), classification('retry', 'NO_RESULT', { routeHealth: 'failure' })));
  }

  async close(): Promise<void> {
    await Promise.all([this.options.apns?.close(), this.options.fcm?.close()]);
  }

  private transportFor(platform: PushPlatform): IPushTransport | undefined {
    return platform === 'apn' ? this.options.apns : this.options.fcm;
  }

  private async sendPlatform(platform: PushPlatform, deliveries: IPushDelivery[]): Promise<IDeliveryResult[]> {
    const transport = this.transportFor(platform);
    if (!transport) {
      const detail = this.options.missing?.[platform] ?? DEFAULT_MISSING[platform];
      return deliveries.map((d) => toResult(d, UNCONFIGURED_ROUTE[platform], classification('retry', 'NOT_CONFIGURED', { routeHealth: 'unhealthy', detail })));
    }
    try {
      return await transport.send(deliveries);
    } catch (error) {
      const notConfigured = isPushError(error, 'PUSH_ERR_TRANSPORT_NOT_CONFIGURED');
      const detail = error instanceof Error ? error.message : String(error);
      return deliveries.map((d) =>
        toResult(
          d,
          transport.routeOf(d),
          classification('retry', notConfigured ? 'NOT_CONFIGURED' : 'TRANSPORT_ERROR', { routeHealth: notConfigured ? 'unhealthy' : 'failure', detail }),
        ),
      );
    }
  }
}
