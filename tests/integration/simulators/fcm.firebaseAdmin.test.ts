/**
 * The real firebase-admin 13.10.0 against the FCM simulator over a real socket: `send()` uses HTTP/1.1 through
 * `app.options.httpAgent`, whose `createConnection` dials the simulator. The access token comes from the
 * simulator's OAuth endpoint via a minimal service-account credential (tests/integration/simulators/support.ts).
 * firebase-admin retries 503 and ECONNRESET by itself (up to 4 times), and maps FCM v1 error codes to its own.
 */

import { deleteApp, initializeApp, type App } from 'firebase-admin/app';
import { getMessaging, type Message } from 'firebase-admin/messaging';
import { generateServiceAccount, type ServiceAccountJson } from '../../../server/simulators/credentials';
import { startFcmSimulator, type FcmSimulator } from '../../../server/simulators/fcmSimulator';
import { SimulatorAgent, SimulatorCredential } from './support';

const PROJECT = 'chat-push-test';
const TOKEN = 'dXNlcjE6APA91bH-simulated_registration.token';

let sim: FcmSimulator;
let account: ServiceAccountJson;
const apps: App[] = [];
let appCounter = 0;

function makeApp(options: { projectId?: string; credential?: { getAccessToken(): Promise<{ access_token: string; expires_in: number }> } } = {}) {
  const credential = options.credential ?? new SimulatorCredential(account);
  const app = initializeApp(
    { projectId: options.projectId ?? PROJECT, credential, httpAgent: new SimulatorAgent({ host: sim.host, port: sim.port }) },
    `fcm-sim-test-${++appCounter}`,
  );
  apps.push(app);
  return { app, messaging: getMessaging(app), credential };
}

/** The error a send fails with (the SDK throws synchronously for what it validates itself). */
async function sendError(send: () => Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await send();
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('expected the send to fail');
}

beforeAll(async () => {
  sim = await startFcmSimulator();
  account = generateServiceAccount({ projectId: PROJECT, tokenUri: sim.tokenUri });
  sim.registerServiceAccount(account);
});

afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => deleteApp(app)));
  sim.clear();
  sim.faults.clear();
});

afterAll(async () => {
  await sim.stop();
});

test('send() delivers: the inbox keeps the message as FCM received it (SDK wire format)', async () => {
  const { messaging } = makeApp();
  const message: Message = {
    token: TOKEN,
    notification: { title: 'Alice', body: 'hello' },
    data: { ejson: '{"rid":"r1"}', notId: '42' },
    android: { priority: 'high', ttl: 3600 * 1000, collapseKey: 'room-1', notification: { channelId: 'messages' } },
    apns: { headers: { 'apns-priority': '10' }, payload: { aps: { badge: 2, sound: 'default' } } },
  };
  const waiting = sim.waitFor((push) => push.token === TOKEN);
  const name = await messaging.send(message);
  expect(name).toMatch(new RegExp(`^projects/${PROJECT}/messages/0:\\d+%[0-9a-f]{16}$`));
  const push = await waiting;
  expect(push).toMatchObject({ token: TOKEN, projectId: PROJECT, name, clientEmail: account.client_email });
  expect(push.message).toMatchObject({
    token: TOKEN,
    notification: { title: 'Alice', body: 'hello' },
    data: { ejson: '{"rid":"r1"}', notId: '42' },
    android: { priority: 'high', ttl: '3600s', collapse_key: 'room-1', notification: { channel_id: 'messages' } },
    apns: { headers: { 'apns-priority': '10' }, payload: { aps: { badge: 2, sound: 'default' } } },
  });
  expect(push.headers.authorization).toBeUndefined();
  expect(sim.inbox(TOKEN)).toEqual([push]);
});

test('the OAuth access token is fetched once and reused by the SDK', async () => {
  const { messaging, credential } = makeApp();
  for (let i = 0; i < 3; i++) await messaging.send({ token: TOKEN, data: { i: String(i) } });
  expect(sim.tokenRequests).toBe(1);
  expect((credential as SimulatorCredential).calls).toBe(1);
  expect(sim.received).toBe(3);
});

test('a dead token → messaging/registration-token-not-registered', async () => {
  const { messaging } = makeApp();
  sim.faults.set({ deadTokens: [TOKEN] });
  const error = await sendError(() => messaging.send({ token: TOKEN, notification: { title: 't' } }));
  expect(error.code).toBe('messaging/registration-token-not-registered');
  expect(sim.rejectedByReason).toEqual({ UNREGISTERED: 1 });
  expect(sim.received).toBe(0);
});

test('a token of another sender → SENDER_ID_MISMATCH → messaging/mismatched-credential', async () => {
  const { messaging } = makeApp();
  const foreign = 'foreign-project-device:token';
  sim.registerDevice(foreign, { projectId: 'someone-else' });
  const error = await sendError(() => messaging.send({ token: foreign }));
  expect(error.code).toBe('messaging/mismatched-credential');
  expect(sim.rejectedByReason).toEqual({ SENDER_ID_MISMATCH: 1 });
});

test('sending to a project the service account does not belong to → 403 PERMISSION_DENIED', async () => {
  const { messaging } = makeApp({ projectId: 'not-my-project' });
  const error = await sendError(() => messaging.send({ token: TOKEN }));
  expect(error.code).toBe('messaging/mismatched-credential');
  expect(error.message).toContain("Permission 'cloudmessaging.messages.create' denied");
  expect(sim.rejectedByReason).toEqual({ PERMISSION_DENIED: 1 });
});

test('429 QUOTA_EXCEEDED (with Retry-After) → messaging/message-rate-exceeded, not retried by the SDK', async () => {
  const { messaging } = makeApp();
  sim.faults.set({ failNext: { status: 429, retryAfterSeconds: 30 } });
  const error = await sendError(() => messaging.send({ token: TOKEN }));
  expect(error.code).toBe('messaging/message-rate-exceeded');
  expect(sim.stats()).toMatchObject({ requests: 1, rejectedByReason: { QUOTA_EXCEEDED: 1 } });
});

test('503 UNAVAILABLE once: the SDK retries and the message is delivered', async () => {
  const { messaging } = makeApp();
  sim.faults.set({ failNext: { status: 503 } });
  await messaging.send({ token: TOKEN });
  expect(sim.stats()).toMatchObject({ requests: 2, received: 1, rejectedByReason: { UNAVAILABLE: 1 } });
});

test('500 INTERNAL → messaging/internal-error', async () => {
  const { messaging } = makeApp();
  sim.faults.set({ failNext: { status: 500 } });
  const error = await sendError(() => messaging.send({ token: TOKEN }));
  expect(error.code).toBe('messaging/internal-error');
});

test('a connection reset once: the SDK retries ECONNRESET and the message is delivered', async () => {
  const { messaging } = makeApp();
  sim.faults.set({ resetNext: { count: 1 } });
  await messaging.send({ token: TOKEN });
  expect(sim.stats()).toMatchObject({ received: 1, faults: { resets: 1 } });
});

test('values the SDK lets through but FCM refuses → messaging/invalid-argument', async () => {
  const { messaging } = makeApp();
  const wrongType = await sendError(() => messaging.send({ token: TOKEN, notification: { title: 42 as unknown as string } }));
  expect(wrongType.code).toBe('messaging/invalid-argument');
  expect(wrongType.message).toBe("Invalid value at 'message.notification.title' (TYPE_STRING), 42");
  const badPriority = await sendError(() => messaging.send({ token: TOKEN, android: { priority: 'urgent' as 'high' } }));
  expect(badPriority.code).toBe('messaging/invalid-argument');
  const tooBig = await sendError(() => messaging.send({ token: TOKEN, data: { blob: 'x'.repeat(5000) } }));
  expect(tooBig.code).toBe('messaging/invalid-argument');
  const badToken = await sendError(() => messaging.send({ token: 'not a token!' }));
  expect(badToken.code).toBe('messaging/invalid-argument');
  expect(sim.rejectedByReason).toEqual({ INVALID_ARGUMENT: 4 });
  expect(sim.received).toBe(0);
});

test('non-string data is stopped by the SDK itself before any request', async () => {
  const { messaging } = makeApp();
  const error = await sendError(() => messaging.send({ token: TOKEN, data: { count: 1 as unknown as string } }));
  expect(error.code).toBe('messaging/invalid-payload');
  expect(sim.stats().requests).toBe(0);
});

test('a bearer token the simulator never issued → 401 UNAUTHENTICATED (SDK: messaging/third-party-auth-error)', async () => {
  const { messaging } = makeApp({ credential: { getAccessToken: async () => ({ access_token: 'ya29.forged', expires_in: 3600 }) } });
  const error = await sendError(() => messaging.send({ token: TOKEN }));
  expect(error.code).toBe('messaging/third-party-auth-error');
  expect(error.message).toContain('Request had invalid authentication credentials');
  expect(sim.rejectedByReason).toEqual({ UNAUTHENTICATED: 1 });
});

test('revoked access tokens stop working until a new one is fetched', async () => {
  const { messaging } = makeApp();
  await messaging.send({ token: TOKEN });
  sim.revokeAccessTokens();
  const error = await sendError(() => messaging.send({ token: TOKEN }));
  expect(error.code).toBe('messaging/third-party-auth-error');
});

test('dry run (validate_only) answers the fake id and delivers nothing; topic messages are kept under /topics/<name>', async () => {
  const { messaging } = makeApp();
  expect(await messaging.send({ token: TOKEN }, true)).toBe(`projects/${PROJECT}/messages/fake_message_id`);
  expect(sim.received).toBe(0);
  await messaging.send({ topic: 'news', data: { a: 'b' } });
  expect(sim.inbox('/topics/news')).toMatchObject([{ topic: 'news', message: { topic: 'news', data: { a: 'b' } } }]);
});
