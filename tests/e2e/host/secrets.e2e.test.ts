import { Writable } from 'node:stream';
import { createLogger } from '../../../server/host/logger';
import { createHost } from '../../../server/host/createHost';
import { openTestDatabase } from '../../support/testDatabase';
import { startHost, RunningHost, ApiClient, ADMIN } from './harness';

/** Collects everything the logger writes, at the most verbose level. */
class LogCapture extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, done: () => void) {
    this.text += chunk.toString();
    done();
  }
}

const SECRETS = {
  Push_gateway_token: 'gw-token-SECRET-1',
  Push_apn_p8_key: '-----BEGIN PRIVATE KEY-----\nP8-SECRET-2\n-----END PRIVATE KEY-----',
  Push_apn_passphrase: 'passphrase-SECRET-3',
  Push_google_api_credentials: JSON.stringify({
    project_id: 'demo',
    client_email: 'push@demo.iam.gserviceaccount.com',
    private_key: 'FCM-PRIVATE-KEY-SECRET-4',
  }),
};
const SECRET_MARKERS = ['gw-token-SECRET-1', 'P8-SECRET-2', 'passphrase-SECRET-3', 'FCM-PRIVATE-KEY-SECRET-4'];

let env: RunningHost;
const logs = new LogCapture();

beforeAll(async () => {
  env = await startHost({ logger: createLogger({ level: 'trace', destination: logs }) });
});
afterAll(() => env.close());

describe('secrets never leave the server', () => {
  const seen: string[] = [];
  const record = (text: string) => {
    seen.push(text);
    return text;
  };

  it('setting a secret answers with the masked view only', async () => {
    for (const [id, value] of Object.entries(SECRETS)) {
      const response = await env.api.post(`settings/${id}`, { value }, env.admin);
      record(response.text);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ success: true, _id: id, value: '********', secret: true, isSet: true });
      expect(env.host.settings.get(id)).toBe(value);
    }
  });

  it('reading a secret answers with the masked view only', async () => {
    for (const id of Object.keys(SECRETS)) {
      const response = await env.api.get(`settings/${id}`, undefined, env.admin);
      record(response.text);
      expect(response.body).toEqual({ success: true, _id: id, value: '********', secret: true, isSet: true });
    }
    const empty = await env.api.get('settings/Push_apn_cert', undefined, env.admin);
    expect(empty.body).toEqual({ success: true, _id: 'Push_apn_cert', value: '', secret: true, isSet: false });
    const plain = await env.api.get('settings/Push_gateway', undefined, env.admin);
    expect(plain.body).toEqual({ success: true, _id: 'Push_gateway', value: 'https://gateway.rocket.chat' });
  });

  it('a refused secret value is not echoed', async () => {
    const response = await env.api.post(
      'settings/Push_google_api_credentials',
      { value: '{"private_key": "FCM-PRIVATE-KEY-SECRET-4", "project_id": ' },
      env.admin,
    );
    record(response.text);
    expect(response.status).toBe(400);
    expect(env.host.settings.get('Push_google_api_credentials')).toBe(SECRETS.Push_google_api_credentials);
  });

  it('settings.public lists public settings only, without authentication', async () => {
    const response = await env.api.get('settings.public');
    record(response.text);
    expect(response.status).toBe(200);
    const ids = response.body.settings.map((s: { _id: string }) => s._id);
    expect(ids).toEqual(expect.arrayContaining(['Push_enable', 'Site_Url', 'UI_Use_Real_Name']));
    for (const id of ids) expect(env.host.settings.definition(id)?.public).toBe(true);
    expect(response.body.settings.find((s: { _id: string }) => s._id === 'Site_Url').value).toBe(env.url);
  });

  it('user documents leave without password hashes or login tokens', async () => {
    const created = await env.api.post(
      'users.create',
      { username: 'dora', password: 'dora-password', name: 'Dora', email: 'dora@example.com' },
      env.admin,
    );
    const login = await env.api.post('login', { user: 'dora', password: 'dora-password' });
    const auth = { userId: login.body.data.userId, authToken: login.body.data.authToken };
    const me = await env.api.get('me', undefined, auth);
    const info = await env.api.get('users.info', { username: 'dora' }, env.admin);
    const prefs = await env.api.post('users.setPreferences', { data: { highlights: ['x'] } }, auth);
    for (const response of [created, login, me, info, prefs]) {
      record(response.text);
      expect(response.status).toBe(200);
      expect(response.text).not.toMatch(/scrypt|services|hashedToken|dora-password/);
    }
    // The login token is handed out once, at login, and stored only as its hash.
    const stored = JSON.stringify(await env.host.models.users.findOneById(auth.userId));
    expect(stored).not.toContain(auth.authToken);
  });

  it('no response above contained a secret', () => {
    expect(seen.length).toBeGreaterThan(10);
    for (const text of seen) for (const marker of SECRET_MARKERS) expect(text).not.toContain(marker);
  });

  it('the logs contain no secret, password or auth token', async () => {
    // A handler that logs carelessly: redaction is the net.
    env.host.callbacks.add('afterReadMessages', () => {
      env.host.logger.info({ user: { password: 'careless-PASSWORD' }, headers: { 'x-auth-token': 'careless-TOKEN' } }, 'oops');
    }, 0, 'careless');
    const alice = await env.createUser('alice');
    const rid = (await env.api.post('channels.create', { name: 'logs' }, alice)).body.channel._id;
    await env.api.post('subscriptions.read', { rid }, alice);
    await env.api.post('login', { user: 'alice', password: 'wrong-PASSWORD-guess' });
    expect(logs.text.length).toBeGreaterThan(0);
    expect(logs.text).toContain('oops');
    expect(logs.text).toContain('[redacted]');
    for (const marker of [...SECRET_MARKERS, 'careless-PASSWORD', 'careless-TOKEN', 'alice-password', 'wrong-PASSWORD-guess', alice.authToken, env.admin.authToken, ADMIN.password]) {
      expect(logs.text).not.toContain(marker);
    }
  });
});

describe('the generated admin password', () => {
  it('is shown once, at creation, and works; never logged', async () => {
    const database = await openTestDatabase();
    const capture = new LogCapture();
    const announced: string[] = [];
    const options = {
      db: database.db,
      logger: createLogger({ level: 'trace', destination: capture }),
      env: {},
      settingsRefreshMs: 0,
      announce: (text: string) => void announced.push(text),
    };
    const first = await createHost(options);
    expect(announced).toHaveLength(1);
    const password = /generated password: (\S+)/.exec(announced[0])?.[1];
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const { url } = await first.listen({ port: 0 });
    const login = await new ApiClient(url).post('login', { user: 'admin', password });
    expect(login.status).toBe(200);
    await first.close();

    const second = await createHost(options);
    await second.close();
    expect(announced).toHaveLength(1);
    expect(capture.text).not.toContain(password!);
    await database.close();
  });
});
