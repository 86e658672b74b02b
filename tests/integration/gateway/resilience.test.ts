import { openTestDatabase, type TestDatabase } from '../../support/testDatabase';
import { startPushSimulators, type PushSimulators } from '../../../server/simulators';
import type { Gateway } from '../../../server/gateway/createGateway';
import { aDelivery, apnsDeviceToken, clientFor, fcmDeviceToken, sendOne, startTestGateway, waitUntil } from './gatewayHarness';

let database: TestDatabase;
let sims: PushSimulators;
const gateways: Gateway[] = [];

beforeAll(async () => {
  database = await openTestDatabase();
  sims = await startPushSimulators();
});

afterAll(async () => {
  for (const g of gateways) await g.close();
  await sims?.stop();
  await database?.close();
});

async function start() {
  const started = await startTestGateway(database, sims);
  gateways.push(started.gateway);
  return started;
}

describe('gateway resilience', () => {
  it('keeps retrying while APNs is down and delivers once it is back', async () => {
    const { gateway, url } = await start();
    const { token } = await gateway.workspaces.add({ name: 'Acme', id: 'ws-down' });
    const client = clientFor(url, token, 'ws-down');
    const device = apnsDeviceToken();
    const delivery = aDelivery('apn', device);

    sims.apns.faults.set({ downForMs: 1500 });
    expect(await sendOne(client, delivery)).toMatchObject({ outcome: 'delivered' });
    await client.close();

    const push = await sims.apns.waitFor((p) => p.token === device, 15_000);
    expect(push.apnsId).toBe(delivery.apnsId);
    const entryId = `ws-down:${delivery.apnsId}`;
    await waitUntil(async () => (await gateway.core.outbox.collection.findOne({ _id: entryId }))?.state === 'delivered', 5000, 'the outcome');
    const entry = await gateway.core.outbox.collection.findOne({ _id: entryId });
    expect(entry?.attempts).toBeGreaterThan(1);
    expect(entry?.history.some((h) => h.outcome === 'retry')).toBe(true);
    expect(sims.apns.inbox(device)).toHaveLength(1);
    await gateway.close();
  });

  it('loses nothing and sends nothing twice across a restart with pushes still queued', async () => {
    const first = await start();
    const { token } = await first.gateway.workspaces.add({ name: 'Acme', id: 'ws-restart' });
    const apnDevices = [apnsDeviceToken(), apnsDeviceToken(), apnsDeviceToken()];
    const gcmDevices = [fcmDeviceToken(), fcmDeviceToken()];
    const deliveries = [...apnDevices.map((d) => aDelivery('apn', d)), ...gcmDevices.map((d) => aDelivery('gcm', d))];

    // Both providers refuse for now: every accepted push stays in the gateway's outbox, waiting for a retry.
    sims.apns.faults.set({ downForMs: 60_000 });
    sims.fcm.faults.set({ downForMs: 60_000 });
    const before = clientFor(first.url, token, 'ws-restart');
    for (const d of deliveries) expect(await sendOne(before, d)).toMatchObject({ outcome: 'delivered' });
    await before.close();
    await waitUntil(
      async () => (await first.gateway.core.outbox.collection.countDocuments({ workspaceId: 'ws-restart', state: 'retry' })) === deliveries.length,
      10_000,
      'every push to wait for a retry',
    );
    await first.gateway.close();

    sims.apns.faults.set({ downForMs: null });
    sims.fcm.faults.set({ downForMs: null });
    const second = await start();
    // The workspace retries its requests against the new instance (say the answers were lost): no second push.
    const after = clientFor(second.url, token, 'ws-restart');
    for (const d of deliveries) expect(await sendOne(after, d)).toMatchObject({ outcome: 'delivered' });
    await after.close();

    await waitUntil(
      async () => (await second.gateway.core.outbox.collection.countDocuments({ workspaceId: 'ws-restart', state: 'delivered' })) === deliveries.length,
      15_000,
      'every push to be delivered after the restart',
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(apnDevices.map((d) => sims.apns.inbox(d).length)).toEqual([1, 1, 1]);
    expect(gcmDevices.map((d) => sims.fcm.inbox(d).length)).toEqual([1, 1]);
    expect((await second.gateway.workspaces.get('ws-restart')).usage).toBe(deliveries.length);
  });
});
