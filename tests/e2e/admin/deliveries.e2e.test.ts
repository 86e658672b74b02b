import { demoPasswordFrom, startServer, type StartedServer } from '../start/startedServer';
import type { Credentials } from '../host/harness';

let env: StartedServer;
let alice: Credentials;

beforeAll(async () => {
  env = await startServer();
  alice = await env.api.login('alice', demoPasswordFrom(env.stdout()));
});
afterAll(() => env.stop());

const user = (name: string) => env.demo!.workspace!.users.find((u) => u.username === name)!;

/** Reads Server-Sent Events from the admin stream the way the page does (fetch, headers), until `enough` says so. */
async function readStream(enough: (events: Array<Record<string, any>>) => boolean, during: () => Promise<unknown>) {
  const controller = new AbortController();
  const response = await fetch(`${env.url}/api/v1/push.admin.deliveries.stream`, {
    headers: { 'x-user-id': env.admin.userId, 'x-auth-token': env.admin.authToken },
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('cache-control')).toBe('no-store');
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const events: Array<Record<string, any>> = [];
  let text = '';
  const reading = (async () => {
    while (!enough(events)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      for (let end = text.indexOf('\n\n'); end >= 0; end = text.indexOf('\n\n')) {
        const frame = text.slice(0, end);
        text = text.slice(end + 2);
        const data = frame.split('\n').find((line) => line.startsWith('data: '));
        if (frame.includes('event: delivery') && data) events.push(JSON.parse(data.slice(6)));
      }
    }
  })();
  await during();
  const timeout = setTimeout(() => controller.abort(), 5000);
  await reading.catch(() => undefined);
  clearTimeout(timeout);
  controller.abort();
  return events;
}

describe('the delivery log', () => {
  it('streams each outcome live as it is recorded, with masked tokens and usernames', async () => {
    const text = `stream check ${Date.now()}`;
    let mid = '';
    const events = await readStream(
      (received) => received.filter((e) => e.mid === mid).length >= 3,
      async () => {
        const sent = await env.api.post('chat.sendMessage', { message: { rid: env.demo!.workspace!.channel.rid, msg: text } }, alice);
        mid = sent.body.message._id;
      },
    );
    const mine = events.filter((e) => e.mid === mid);
    expect(mine.map((e) => `${e.username}:${e.platform}:${e.state}`).sort()).toEqual(['bob:gcm:delivered', 'carol:apn:delivered', 'carol:gcm:delivered']);
    for (const event of mine) {
      expect(event.token).toMatch(/^….{6}$/);
      expect(event.test).toBe(false);
      expect(event.route).toMatch(/^(apns|fcm):/);
      expect(JSON.stringify(event)).not.toContain(text); // delivery facts only, no message content
    }
  });

  it('lists the most recent deliveries, newest first, bounded by limit', async () => {
    const response = await env.api.get('push.admin.deliveries', { limit: '2' }, env.admin);
    expect(response.status).toBe(200);
    expect(response.body.count).toBe(2);
    const [newest, older] = response.body.deliveries;
    expect(new Date(newest.at).getTime()).toBeGreaterThanOrEqual(new Date(older.at).getTime());
    const bad = await env.api.get('push.admin.deliveries', { limit: 'lots' }, env.admin);
    expect(bad.status).toBe(400);
  });
});

describe('POST push.admin.test', () => {
  it("reports each of the user's devices with its real outcome", async () => {
    const response = await env.api.post('push.admin.test', { username: 'carol' }, env.admin);
    expect(response.status).toBe(200);
    expect(response.body.username).toBe('carol');
    expect(response.body.tokensCount).toBe(2);
    expect(response.body.results.map((r: Record<string, string>) => `${r.platform}:${r.outcome}`).sort()).toEqual(['apn:delivered', 'gcm:delivered']);
    expect(response.body.problems.map((p: { code: string }) => p.code)).toContain('SIMULATORS_IN_USE');
    const iphone = user('carol').devices.find((d) => d.platform === 'apn')!;
    const received = await env.simulators().apns.waitFor((p) => p.token === iphone.token && JSON.stringify(p.payload).includes('push test'), 5000);
    expect(received.topic).toBe('chat.rocket.ios');
  });

  it('says clearly when there is nobody or nothing to send to', async () => {
    const unknown = await env.api.post('push.admin.test', { username: 'nobody-here' }, env.admin);
    expect(unknown.status).toBe(404);
    expect(unknown.body.errorType).toBe('error-invalid-user');
    // No body at all (curl -X POST) means the caller's own devices; the admin has none.
    const own = await env.api.call('POST', 'push.admin.test', { auth: env.admin });
    expect(own.status).toBe(400);
    expect(own.body).toEqual(expect.objectContaining({ errorType: 'error-no-tokens-for-this-user', error: expect.stringContaining('admin has no registered device') }));
  });
});

describe('the simulated phones', () => {
  it("lists every phone with its owner and inbox, newest first, and injects faults through the admin API", async () => {
    const before = await env.api.get('push.admin.simulators', { limit: '5' }, env.admin);
    expect(before.body.running).toBe(true);
    expect(before.body.label).toBe('SIMULATED — pushes do not reach real phones');
    const phones = before.body.devices.map((d: Record<string, string>) => `${d.username}:${d.platform}`);
    expect(phones).toEqual(['alice:apn', 'bob:gcm', 'carol:apn', 'carol:gcm']);
    const carolIphone = before.body.devices.find((d: Record<string, string>) => d.username === 'carol' && d.platform === 'apn');
    expect(carolIphone.inbox[0].body).toMatch(/push test/);
    expect(carolIphone.total).toBeGreaterThanOrEqual(2);
    expect(carolIphone.inbox.length).toBeLessThanOrEqual(5);
    for (let i = 1; i < carolIphone.inbox.length; i++) {
      expect(new Date(carolIphone.inbox[i - 1].receivedAt).getTime()).toBeGreaterThanOrEqual(new Date(carolIphone.inbox[i].receivedAt).getTime());
    }

    // APNs says alice's phone is gone: her test push reports the token removed, and her phone leaves the list.
    const injected = await env.api.post('push.admin.simulators.faults', { simulator: 'apns', faults: { failNext: { status: 410, count: 1 } } }, env.admin);
    expect(injected.status).toBe(200);
    expect(injected.body.faults.pendingFailures).toHaveLength(1);
    const test = await env.api.post('push.admin.test', { username: 'alice' }, env.admin);
    expect(test.body.results).toEqual([expect.objectContaining({ outcome: 'token-removed', reason: 'Unregistered', status: 410 })]);
    const after = await env.api.get('push.admin.simulators', undefined, env.admin);
    expect(after.body.devices.filter((d: Record<string, unknown>) => d.username === 'alice')).toEqual([]);

    const invalid = await env.api.post('push.admin.simulators.faults', { simulator: 'fcm', faults: { latencyMs: -5 } }, env.admin);
    expect(invalid.status).toBe(400);
    const cleared = await env.api.post('push.admin.simulators.faults', { simulator: 'apns', clear: true }, env.admin);
    expect(cleared.body.faults.pendingFailures).toEqual([]);
  });
});

describe('without simulators', () => {
  it('the simulator API says so', async () => {
    const plain = await startServer({ PUSH_SIMULATOR: '0', DEMO_WORKSPACE: '0' });
    try {
      expect((await plain.api.get('push.admin.simulators', undefined, plain.admin)).body).toEqual({ success: true, running: false });
      const faults = await plain.api.post('push.admin.simulators.faults', { simulator: 'apns', clear: true }, plain.admin);
      expect(faults.status).toBe(404);
      expect(faults.body.errorType).toBe('error-simulators-not-running');
      const status = (await plain.api.get('push.admin.status', undefined, plain.admin)).body;
      expect(status.simulators).toBeNull();
      expect(status.problems.map((p: { code: string }) => p.code)).not.toContain('SIMULATORS_IN_USE');
    } finally {
      await plain.stop();
    }
  });
});

describe('shutting down', () => {
  it('ends open delivery streams instead of waiting for them', async () => {
    const server = await startServer({ DEMO_WORKSPACE: '0' });
    const response = await fetch(`${server.url}/api/v1/push.admin.deliveries.stream`, {
      headers: { 'x-user-id': server.admin.userId, 'x-auth-token': server.admin.authToken },
    });
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain(': connected');
    await server.stop(); // would hang until the client left if the stream kept the HTTP server open
    expect((await reader.read()).done).toBe(true);
  });
});
