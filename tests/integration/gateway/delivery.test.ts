import { Writable } from 'node:stream';
import pino from 'pino';
import { openTestDatabase, type TestDatabase } from '../../support/testDatabase';
import { startPushSimulators, type PushSimulators } from '../../../server/simulators';
import type { Gateway } from '../../../server/gateway/createGateway';
import {
  ADMIN_TOKEN,
  aDelivery,
  apnsDeviceToken,
  clientFor,
  fcmDeviceToken,
  post,
  sendOne,
  startTestGateway,
  TOPIC,
  waitUntil,
} from './gatewayHarness';

let database: TestDatabase;
let sims: PushSimulators;
let gateway: Gateway;
let url: string;
let token: string;
const logLines: string[] = [];
const WORKSPACE = 'ws-acme';

beforeAll(async () => {
  database = await openTestDatabase();
  sims = await startPushSimulators();
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  ({ gateway, url } = await startTestGateway(database, sims, { logger: pino({ level: 'debug' }, sink) }));
  ({ token } = await gateway.workspaces.add({ name: 'Acme', id: WORKSPACE }));
});

afterAll(async () => {
  await gateway?.close();
  await sims?.stop();
  await database?.close();
});

describe('delivery through the gateway', () => {
  it('delivers an APN push to the APNs simulator with the app topic, texts, badge, grouping and payload', async () => {
    const client = clientFor(url, token, WORKSPACE);
    const device = apnsDeviceToken();
    const delivery = aDelivery('apn', device);
    const result = await sendOne(client, delivery);
    await client.close();

    expect(result).toMatchObject({ outcome: 'delivered', status: 200, route: `gateway:${url}` });
    const push = await sims.apns.waitFor((p) => p.token === device);
    expect(push.topic).toBe(TOPIC);
    // The host's apns-id and collapse id are used end to end, so APNs sees the same id on every retry.
    expect(push.apnsId).toBe(delivery.apnsId);
    expect(push.collapseId).toBe(delivery.collapseId);
    expect(push.payload).toMatchObject({
      aps: { alert: { title: '#general', body: delivery.notification.body }, badge: 3, sound: 'default', category: 'MESSAGE', 'thread-id': '4242' },
      messageFrom: 'push',
    });
    expect(JSON.parse(push.payload.ejson as string)).toEqual(delivery.notification.payload);
    expect(push.auth).toMatchObject({ type: 'token', keyId: sims.credentials.apns.keyId });
  });

  it('delivers a GCM push to the FCM simulator with notification, string data and the collapse tag', async () => {
    const client = clientFor(url, token, WORKSPACE);
    const device = fcmDeviceToken();
    const delivery = aDelivery('gcm', device);
    const result = await sendOne(client, delivery);
    await client.close();

    expect(result).toMatchObject({ outcome: 'delivered', status: 200 });
    const push = await sims.fcm.waitFor((p) => p.token === device);
    expect(push.projectId).toBe(sims.credentials.fcm.projectId);
    expect(push.message).toMatchObject({
      notification: { title: '#general', body: delivery.notification.body },
      data: { msgcnt: '3', notId: '4242', soundname: 'default', style: 'inbox', title: '#general', message: delivery.notification.body },
      android: { priority: 'high', notification: { tag: delivery.collapseId } },
    });
    expect(JSON.parse((push.message.data as Record<string, string>).ejson)).toEqual(delivery.notification.payload);
  });

  it('answers 200 {accepted, id} and counts the push in the month usage', async () => {
    const before = (await gateway.workspaces.get(WORKSPACE)).usage;
    const device = apnsDeviceToken();
    const answer = await post(`${url}/push/apn/send`, rocketChatBody(device), { authorization: `Bearer ${token}` });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ accepted: true, id: expect.stringMatching(/^ws-acme:[0-9a-f]{64}$/) });
    await sims.apns.waitFor((p) => p.token === device);
    expect((await gateway.workspaces.get(WORKSPACE)).usage).toBe(before + 1);
  });

  it('turns the same request sent twice into one push (idempotency key = workspace + apnsId)', async () => {
    const client = clientFor(url, token, WORKSPACE);
    const device = apnsDeviceToken();
    const delivery = aDelivery('apn', device);
    const usageBefore = (await gateway.workspaces.get(WORKSPACE)).usage;
    const first = await sendOne(client, delivery);
    // A retry after a lost answer: same apns-id, a new createdAt (our transport stamps each attempt).
    const second = await sendOne(client, delivery);
    await client.close();

    expect(first.outcome).toBe('delivered');
    expect(second.outcome).toBe('delivered');
    await sims.apns.waitFor((p) => p.token === device);
    await waitUntil(async () => (await gateway.core.outbox.collection.countDocuments({ token: device, state: 'delivered' })) === 1);
    await settle();
    expect(sims.apns.inbox(device)).toHaveLength(1);
    expect(await gateway.core.outbox.collection.countDocuments({ token: device })).toBe(1);
    expect((await gateway.workspaces.get(WORKSPACE)).usage).toBe(usageBefore + 1);
  });

  it('dedupes a Rocket.Chat request without apnsId by its body, and tells the two answers apart', async () => {
    const device = apnsDeviceToken();
    const body = rocketChatBody(device);
    const headers = { authorization: `Bearer ${token}` };
    const first = await post(`${url}/push/apn/send`, body, headers);
    const again = await post(`${url}/push/apn/send`, body, headers);
    expect(first.json).toMatchObject({ accepted: true });
    expect(again.json).toEqual({ accepted: true, id: first.json?.id, duplicate: true });
    // A different notification (here: created later) is a different push.
    const other = await post(`${url}/push/apn/send`, { ...body, options: { ...body.options, createdAt: new Date(Date.now() + 1000).toISOString() } }, headers);
    expect(other.json?.id).not.toBe(first.json?.id);
    await waitUntil(() => sims.apns.inbox(device).length === 2);
    await settle();
    expect(sims.apns.inbox(device)).toHaveLength(2);
  });

  it('reports requests, deliveries and quota usage on /metrics, and health on /healthz', async () => {
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/gateway_push_requests_total\{platform="apn",result="accepted",reason="none"\} [1-9]/);
    expect(metrics).toMatch(/gateway_push_requests_total\{platform="apn",result="duplicate",reason="none"\} [1-9]/);
    expect(metrics).toMatch(/gateway_deliveries_total\{platform="gcm",outcome="delivered",reason="[^"]*"\} [1-9]/);
    expect(metrics).toMatch(/gateway_deliveries_total\{platform="apn",outcome="delivered",reason="[^"]*"\} [1-9]/);
    const usage = (await gateway.workspaces.get(WORKSPACE)).usage;
    expect(metrics).toContain(`gateway_quota_usage{workspace="${WORKSPACE}",name="Acme"} ${usage}`);

    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    const body = (await health.json()) as Record<string, any>;
    expect(body.ok).toBe(true);
    expect(body.database.ok).toBe(true);
    expect(body.providers).toMatchObject({ apn: { configured: true }, gcm: { configured: true }, simulated: true });
    expect(body.routes.map((r: { route: string }) => r.route)).toEqual(expect.arrayContaining([expect.stringMatching(/^apns:/), expect.stringMatching(/^fcm:/)]));
  });

  it('never writes a bearer token or credential to the log', async () => {
    const all = logLines.join('');
    expect(all).toContain('gateway push settled');
    expect(all).not.toContain(token);
    expect(all).not.toContain(ADMIN_TOKEN);
    expect(all).not.toContain(sims.credentials.apns.p8.split('\n')[1]);
    expect(all).not.toContain(sims.credentials.fcm.serviceAccount.private_key_id);
  });
});

/** What Rocket.Chat's `sendGatewayPush` posts: no apnsId or collapseId of ours. */
function rocketChatBody(device: string) {
  return {
    token: device,
    options: {
      createdAt: new Date().toISOString(),
      createdBy: '<SERVER>',
      sent: false,
      sending: 0,
      from: 'push',
      title: 'general',
      text: 'bob: hi',
      badge: 1,
      sound: 'default',
      notId: 123,
      apn: { category: 'MESSAGE' },
      gcm: { style: 'inbox', image: 'https://chat.example/favicon-192.png' },
      payload: { host: 'https://chat.example', messageId: 'abc', notificationType: 'message' },
      userId: 'u1',
      uniqueId: WORKSPACE,
      topic: TOPIC,
    },
  };
}

/** Gives the worker a moment to (wrongly) deliver a second copy before the test counts. */
function settle(ms = 300): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
