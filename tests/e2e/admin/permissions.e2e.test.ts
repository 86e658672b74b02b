import { demoPasswordFrom, startServer, type StartedServer } from '../start/startedServer';
import type { Credentials } from '../host/harness';

/** Every admin call, with a body that would be accepted from an admin. */
const CALLS: Array<{ method: 'GET' | 'POST'; path: string; body?: unknown }> = [
  { method: 'GET', path: 'push.admin.status' },
  { method: 'POST', path: 'push.admin.mode', body: { mode: 'direct' } },
  { method: 'POST', path: 'push.admin.credentials', body: { fcm: { serviceAccount: '{}' } } },
  { method: 'GET', path: 'push.admin.deliveries' },
  { method: 'GET', path: 'push.admin.deliveries.stream' },
  { method: 'POST', path: 'push.admin.test', body: { username: 'bob' } },
  { method: 'GET', path: 'push.admin.simulators' },
  { method: 'POST', path: 'push.admin.simulators.faults', body: { simulator: 'apns', clear: true } },
];

let env: StartedServer;
let alice: Credentials;

beforeAll(async () => {
  env = await startServer();
  alice = await env.api.login('alice', demoPasswordFrom(env.stdout()));
});
afterAll(() => env.stop());

describe('push.admin.* is for admins only', () => {
  it.each(CALLS)('$method $path: 401 without credentials, 403 for a user, answered for an admin', async ({ method, path, body }) => {
    const before = env.server.host.settings.pushSettings();
    const anonymous = await env.api.call(method, path, { body });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toEqual(expect.objectContaining({ success: false, errorType: 'error-unauthorized' }));

    const user = await env.api.call(method, path, { body, auth: alice });
    expect(user.status).toBe(403);
    expect(user.body).toEqual(expect.objectContaining({ success: false, errorType: 'error-not-allowed' }));
    expect(env.server.host.settings.pushSettings()).toEqual(before);

    if (path.endsWith('.stream')) {
      const controller = new AbortController();
      const response = await fetch(`${env.url}/api/v1/${path}`, {
        headers: { 'x-user-id': env.admin.userId, 'x-auth-token': env.admin.authToken },
        signal: controller.signal,
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      controller.abort();
      return;
    }
    const admin = await env.api.call(method, path, { body, auth: env.admin });
    // The empty service account is refused on its merits (400), not for lack of rights.
    expect(admin.status).toBe(path === 'push.admin.credentials' ? 400 : 200);
  });

  it('a forged or expired login token is refused before the body is read', async () => {
    const response = await env.api.call('POST', 'push.admin.mode', {
      body: { mode: 'gateway' },
      auth: { userId: env.admin.userId, authToken: 'not-the-token' },
    });
    expect(response.status).toBe(401);
    expect(env.server.host.settings.pushSettings().Push_enable_gateway).toBe(false);
  });
});

describe('no admin answer carries a secret', () => {
  it('credentials, the gateway token, device tokens and login tokens never come back', async () => {
    const settings = env.server.host.settings;
    await env.api.post('push.admin.mode', { mode: 'direct', gateways: ['https://gateway.example.org'], gatewayToken: 'gw-SECRET-token-0042' }, env.admin);
    await env.api.post('push.admin.test', { username: 'carol' }, env.admin);
    const snapshot = settings.pushSettings();
    const account = JSON.parse(snapshot.Push_google_api_credentials) as { private_key: string };
    const devices = await env.server.host.models.pushAppTokens.col.find({}).toArray();
    const secrets = [
      'gw-SECRET-token-0042',
      pemBody(snapshot.Push_apn_p8_key),
      pemBody(account.private_key),
      env.admin.authToken,
      alice.authToken,
      ...devices.map((d) => ('apn' in d.token ? d.token.apn : d.token.gcm)),
    ];
    expect(secrets.every((s) => s.length >= 20)).toBe(true);

    const answers = await Promise.all([
      env.api.get('push.admin.status', undefined, env.admin),
      env.api.get('push.admin.deliveries', { limit: '200' }, env.admin),
      env.api.get('push.admin.simulators', { limit: '100' }, env.admin),
      env.api.post('push.admin.mode', { mode: 'direct' }, env.admin),
      env.api.post('push.admin.test', { username: 'alice' }, env.admin),
    ]);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      for (const secret of secrets) expect(answer.text).not.toContain(secret);
    }
    const status = answers[0].body;
    expect(status.credentials.gateway.tokenConfigured).toBe(true);
    expect(status.credentials.apns.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(answers[1].body.deliveries.length).toBeGreaterThan(0);
    expect(answers[1].body.deliveries.every((d: { token: string }) => /^….{6}$/.test(d.token))).toBe(true);
  });
});

/** The base64 body of a PEM block: the part that is the secret. */
function pemBody(pem: string): string {
  return pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '').slice(0, 60);
}
