import { randomBytes } from 'node:crypto';
import { DirectTransport } from '../../../server/transports/DirectTransport';
import { PushError } from '../../../lib/errors';
import type { IDeliveryResult, IPushDelivery, IPushTransport } from '../../../definitions/IPushTransport';
import { aDelivery } from '../../fakes/deliveries';
import { FakeTransport } from '../../fakes/FakeTransport';

const ios = () => aDelivery({ platform: 'apn', token: randomBytes(32).toString('hex') });
const android = () => aDelivery({ platform: 'gcm', token: `fcm-${randomBytes(8).toString('hex')}` });

class ThrowingTransport implements IPushTransport {
  readonly name = 'throwing';
  closed = false;
  constructor(private readonly error: Error) {}
  routeOf(): string {
    return 'apns:KEY:sandbox';
  }
  async send(_d: IPushDelivery[]): Promise<IDeliveryResult[]> {
    throw this.error;
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

describe('DirectTransport', () => {
  it('sends iOS tokens to APNs and Android tokens to FCM, one result per delivery in order', async () => {
    const apns = new FakeTransport({ name: 'apns', route: 'apns:KEY:sandbox' });
    const fcm = new FakeTransport({ name: 'fcm', route: 'fcm:project' });
    const direct = new DirectTransport({ apns, fcm });
    const batch = [ios(), android(), ios(), android()];
    const results = await direct.send(batch);
    expect(results.map((r) => r.id)).toEqual(batch.map((d) => d.id));
    expect(results.map((r) => r.route)).toEqual(['apns:KEY:sandbox', 'fcm:project', 'apns:KEY:sandbox', 'fcm:project']);
    expect(apns.calls.flat().map((d) => d.platform)).toEqual(['apn', 'apn']);
    expect(fcm.calls.flat().map((d) => d.platform)).toEqual(['gcm', 'gcm']);
    expect(direct.routeOf(batch[0])).toBe('apns:KEY:sandbox');
    expect(direct.routeOf(batch[1])).toBe('fcm:project');
  });

  it('answers retry NOT_CONFIGURED (unhealthy) for a platform without credentials, and delivers the other', async () => {
    const fcm = new FakeTransport({ route: 'fcm:project' });
    const direct = new DirectTransport({ fcm, missing: { apn: 'no complete APNs credentials are configured (direct mode)' } });
    const [apnResult, gcmResult] = await direct.send([ios(), android()]);
    expect(apnResult).toMatchObject({ outcome: 'retry', reason: 'NOT_CONFIGURED', routeHealth: 'unhealthy', route: 'apns:unconfigured' });
    expect(apnResult.detail).toContain('no complete APNs credentials');
    expect(gcmResult).toMatchObject({ outcome: 'delivered', route: 'fcm:project' });
    expect(direct.routeOf(ios())).toBe('apns:unconfigured');
  });

  it('turns a platform transport that cannot work into retry NOT_CONFIGURED for its pushes only', async () => {
    const apns = new ThrowingTransport(new PushError('PUSH_ERR_TRANSPORT_NOT_CONFIGURED', ['apns', 'certificate has expired: 2029-01-01']));
    const fcm = new FakeTransport({ route: 'fcm:project' });
    const [apnResult, gcmResult] = await new DirectTransport({ apns, fcm }).send([ios(), android()]);
    expect(apnResult).toMatchObject({ outcome: 'retry', reason: 'NOT_CONFIGURED', routeHealth: 'unhealthy', route: 'apns:KEY:sandbox' });
    expect(apnResult.detail).toContain('certificate has expired');
    expect(gcmResult.outcome).toBe('delivered');
  });

  it('turns an unexpected throw into retry TRANSPORT_ERROR (failure)', async () => {
    const [result] = await new DirectTransport({ apns: new ThrowingTransport(new Error('boom')) }).send([ios()]);
    expect(result).toMatchObject({ outcome: 'retry', reason: 'TRANSPORT_ERROR', routeHealth: 'failure' });
  });

  it('closes both platform transports', async () => {
    const apns = new ThrowingTransport(new Error('x'));
    const fcm = new FakeTransport();
    await new DirectTransport({ apns, fcm }).close();
    expect(apns.closed).toBe(true);
    expect(fcm.isClosed).toBe(true);
  });
});
