import { openTestDatabase, type TestDatabase } from '../../support/testDatabase';
import { startPushSimulators, type PushSimulators } from '../../../server/simulators';
import type { Gateway } from '../../../server/gateway/createGateway';
import { ADMIN_TOKEN, aDelivery, apnsDeviceToken, clientFor, fcmDeviceToken, post, sendOne, startTestGateway, TOPIC, waitUntil } from './gatewayHarness';
import type { GatewayTransport } from '../../../server/transports/GatewayTransport';

let database: TestDatabase;
let sims: PushSimulators;
let gateway: Gateway;
let url: string;
let acme: GatewayTransport;
let globex: GatewayTransport;

beforeAll(async () => {
  database = await openTestDatabase();
  sims = await startPushSimulators();
  ({ gateway, url } = await startTestGateway(database, sims));
  const a = await gateway.workspaces.add({ name: 'Acme', id: 'ws-acme' });
  const g = await gateway.workspaces.add({ name: 'Globex', id: 'ws-globex' });
  acme = clientFor(url, a.token, 'ws-acme');
  globex = clientFor(url, g.token, 'ws-globex');
});

afterAll(async () => {
  await acme?.close();
  await globex?.close();
  await gateway?.close();
  await sims?.stop();
  await database?.close();
});

const deadRecord = (token: string, workspaceId: string) => gateway.core.deadTokens.find(token, workspaceId);

describe('dead device tokens', () => {
  it('accepts the first push to a newly dead token, then answers 406 so the workspace removes it', async () => {
    const device = apnsDeviceToken();
    sims.apns.faults.markDead([device]);

    // The gateway cannot know yet: it accepts, and APNs answers 410 Unregistered to its delivery.
    expect(await sendOne(acme, aDelivery('apn', device))).toMatchObject({ outcome: 'delivered', status: 200 });
    await waitUntil(async () => (await deadRecord(device, 'ws-acme')) !== null, 10_000, 'the dead-token record');
    expect(await deadRecord(device, 'ws-acme')).toMatchObject({ reason: 'Unregistered', workspaceId: null, platform: 'apn' });

    const next = await sendOne(acme, aDelivery('apn', device));
    expect(next).toMatchObject({ outcome: 'invalid-token', status: 406, reason: 'GATEWAY_TOKEN_INVALID' });
    // "Unregistered" is about the device: every workspace learns it.
    expect(await sendOne(globex, aDelivery('apn', device))).toMatchObject({ outcome: 'invalid-token', status: 406 });
    expect(sims.apns.inbox(device)).toHaveLength(0);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/gateway_deliveries_total\{platform="apn",outcome="invalid-token",reason="Unregistered"\} 1/);
    expect(metrics).toMatch(/gateway_push_requests_total\{platform="apn",result="refused",reason="token-invalid"\} 2/);
  });

  it('does not deliver a push it had accepted once the token is known dead', async () => {
    const device = apnsDeviceToken();
    // Acme's push meets a 503 and waits for its retry…
    sims.apns.faults.set({ failNext: { status: 503, tokens: [device], count: 1, retryAfterSeconds: 3 } });
    const waiting = aDelivery('apn', device);
    expect(await sendOne(acme, waiting)).toMatchObject({ outcome: 'delivered' });
    const entryId = `ws-acme:${waiting.apnsId}`;
    await waitUntil(async () => (await gateway.core.outbox.collection.findOne({ _id: entryId }))?.state === 'retry', 10_000, 'the retry');

    // …meanwhile Globex's push to the same device learns that it is gone.
    sims.apns.faults.markDead([device]);
    expect(await sendOne(globex, aDelivery('apn', device))).toMatchObject({ outcome: 'delivered' });
    await waitUntil(async () => (await gateway.core.outbox.collection.findOne({ _id: entryId }))?.state === 'invalid-token', 10_000, 'the waiting push to be ended');

    const requestsBefore = sims.apns.stats().requests;
    await new Promise((resolve) => setTimeout(resolve, 3500)); // past Acme's retry time
    expect(sims.apns.stats().requests).toBe(requestsBefore);
    expect(sims.apns.inbox(device)).toHaveLength(0);
    // The workspace's own retry of that push now gets the 406.
    expect(await sendOne(acme, waiting)).toMatchObject({ outcome: 'invalid-token', status: 406 });
  });

  it('holds a sender-dependent reason (FCM SENDER_ID_MISMATCH) only against the workspace that sent it', async () => {
    const device = fcmDeviceToken();
    sims.fcm.registerDevice(device, { projectId: 'someone-elses-project' });
    expect(await sendOne(acme, aDelivery('gcm', device))).toMatchObject({ outcome: 'delivered' });
    await waitUntil(async () => (await deadRecord(device, 'ws-acme')) !== null, 10_000, 'the dead-token record');
    expect(await deadRecord(device, 'ws-acme')).toMatchObject({ reason: 'SENDER_ID_MISMATCH', workspaceId: 'ws-acme' });

    expect(await sendOne(acme, aDelivery('gcm', device))).toMatchObject({ outcome: 'invalid-token', status: 406 });
    // Another tenant is not told to drop a device because of what Acme sent.
    expect(await sendOne(globex, aDelivery('gcm', device))).toMatchObject({ outcome: 'delivered', status: 200 });
  });

  it('says why in the 406 body, and an admin can forget a token that works again', async () => {
    const device = apnsDeviceToken();
    const { token } = await gateway.workspaces.add({ name: 'Initech', id: 'ws-initech' });
    await gateway.core.deadTokens.record({ token: device, platform: 'apn', workspaceId: 'ws-initech', reason: 'BadDeviceToken', at: new Date() });
    const answer = await post(`${url}/push/apn/send`, { token: device, options: { uniqueId: 'ws-initech', topic: TOPIC } }, {
      authorization: `Bearer ${token}`,
    });
    expect(answer.status).toBe(406);
    expect(answer.json).toMatchObject({ accepted: false, error: 'token-invalid', details: { reason: 'BadDeviceToken' } });

    const forgotten = await fetch(`${url}/admin/dead-tokens/${device}`, { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(await forgotten.json()).toEqual({ forgotten: 1 });
    expect(await deadRecord(device, 'ws-initech')).toBeNull();
    const again = await post(`${url}/push/apn/send`, { token: device, options: { uniqueId: 'ws-initech', topic: TOPIC } }, { authorization: `Bearer ${token}` });
    expect(again.status).toBe(200);
  });
});
