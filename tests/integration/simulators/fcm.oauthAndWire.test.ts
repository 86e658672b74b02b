/**
 * The FCM simulator's Google OAuth token endpoint and the raw FCM v1 wire format, for what firebase-admin never
 * sends: bad assertions, scopes, raw error bodies, malformed messages; and the optional TLS mode.
 */

import { generateServiceAccount, type ServiceAccountJson } from '../../../server/simulators/credentials';
import { FCM_ERROR_TYPE } from '../../../server/simulators/fcmMessage';
import { startFcmSimulator, type FcmSimulator } from '../../../server/simulators/fcmSimulator';
import { closeSession, h2Connect, h2Request, httpsJson, requestAccessToken, serviceAccountAssertion } from './support';

const PROJECT = 'oauth-test';
let sim: FcmSimulator;
let account: ServiceAccountJson;

async function accessToken(scope?: string): Promise<string> {
  const { status, json } = await requestAccessToken(account, serviceAccountAssertion(account, { scope }));
  expect(status).toBe(200);
  return String(json.access_token);
}

async function sendRaw(body: unknown, bearer?: string, project = PROJECT) {
  const response = await fetch(`${sim.endpoint}/v1/projects/${project}/messages:send`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, json: (await response.json()) as { error?: Record<string, unknown>; name?: string } };
}

beforeAll(async () => {
  sim = await startFcmSimulator();
  account = generateServiceAccount({ projectId: PROJECT, tokenUri: sim.tokenUri });
  sim.registerServiceAccount(account);
});

afterEach(() => {
  sim.clear();
  sim.faults.clear();
});

afterAll(async () => {
  await sim.stop();
});

describe('OAuth token endpoint', () => {
  test('a valid assertion gets a Bearer token for 3599 s', async () => {
    const { status, json } = await requestAccessToken(account);
    expect(status).toBe(200);
    expect(json).toEqual({ access_token: expect.stringMatching(/^ya29\./), expires_in: 3599, token_type: 'Bearer' });
    expect(sim.stats()).toMatchObject({ tokenRequests: 1, accessTokensIssued: 1 });
  });

  test("Google's audience is accepted too (a service-account file with Google's token_uri, routed here)", async () => {
    const { status } = await requestAccessToken(account, serviceAccountAssertion(account, { aud: 'https://oauth2.googleapis.com/token' }));
    expect(status).toBe(200);
  });

  test.each([
    ['a signature by another key', () => serviceAccountAssertion({ ...account, private_key: generateServiceAccount({ projectId: PROJECT }).private_key }), 'Invalid JWT Signature.'],
    ['an unknown kid', () => serviceAccountAssertion(account, { kid: 'f'.repeat(40) }), 'Invalid JWT Signature.'],
    ['a wrong audience', () => serviceAccountAssertion(account, { aud: 'https://example.com/token' }), 'Invalid JWT: Failed audience check. The right audience is https://oauth2.googleapis.com/token'],
    ['an expired assertion', () => serviceAccountAssertion(account, { iat: Math.floor(Date.now() / 1000) - 7200 }), expect.stringContaining('Token must be a short-lived token')],
    ['a lifetime over an hour', () => serviceAccountAssertion(account, { exp: Math.floor(Date.now() / 1000) + 7200 }), expect.stringContaining('Token must be a short-lived token')],
    ['an unknown account', () => serviceAccountAssertion({ ...account, client_email: 'nobody@x.iam.gserviceaccount.com' }), 'Invalid grant: account not found'],
  ])('%s → 400 invalid_grant', async (_what, assertion, description) => {
    const { status, json } = await requestAccessToken(account, assertion());
    expect(status).toBe(400);
    expect(json).toEqual({ error: 'invalid_grant', error_description: description });
  });

  test('no scope → invalid_scope; another grant type → unsupported_grant_type', async () => {
    const noScope = await requestAccessToken(account, serviceAccountAssertion(account, { scope: '' }));
    expect([noScope.status, noScope.json.error]).toEqual([400, 'invalid_scope']);
    const response = await fetch(sim.tokenUri, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'unsupported_grant_type', error_description: 'Invalid grant_type: client_credentials' });
  });

  test('a revoked service-account key can no longer get tokens', async () => {
    sim.faults.set({ revokeKeys: [account.private_key_id] });
    const { status, json } = await requestAccessToken(account);
    expect([status, json.error_description]).toEqual([400, 'Invalid JWT Signature.']);
    expect(sim.stats().tokenRequestsRefused).toBe(1);
  });
});

describe('FCM v1 wire format', () => {
  test('error bodies have the FCM v1 shape with the FcmError detail', async () => {
    const bearer = await accessToken();
    sim.faults.markDead(['dead-token']);
    const res = await sendRaw({ message: { token: 'dead-token' } }, bearer);
    expect(res.status).toBe(404);
    expect(res.json).toEqual({
      error: {
        code: 404,
        message: 'Requested entity was not found.',
        status: 'NOT_FOUND',
        details: [{ '@type': FCM_ERROR_TYPE, errorCode: 'UNREGISTERED' }],
      },
    });
  });

  test('non-string data values → 400 INVALID_ARGUMENT with a field violation', async () => {
    const res = await sendRaw({ message: { token: 't1', data: { ok: 'yes', count: 1 } } }, await accessToken());
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({
      code: 400,
      status: 'INVALID_ARGUMENT',
      message: "Invalid value at 'message.data[1].value' (TYPE_STRING), 1",
      details: [
        { '@type': FCM_ERROR_TYPE, errorCode: 'INVALID_ARGUMENT' },
        { '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: 'message.data.count' }] },
      ],
    });
  });

  test.each([
    ['no target', { message: { data: { a: 'b' } } }, 'Recipient of the message is not set.'],
    ['two targets', { message: { token: 't', topic: 'news' } }, "Invalid value at 'message' (oneof), oneof field 'target' is already set."],
    ['an unknown field', { message: { token: 't', colour: 'red' } }, 'Invalid JSON payload received. Unknown name "colour" at \'message\': Cannot find field.'],
    ['a bad ttl', { message: { token: 't', android: { ttl: '3600' } } }, "Invalid value at 'message.android.ttl' (type.googleapis.com/google.protobuf.Duration), \"3600\""],
    ['a reserved data key', { message: { token: 't', data: { from: 'x' } } }, 'Invalid data payload key: from'],
    ['a non-object message', { message: 'hi' }, 'Request contains an invalid argument.'],
  ])('%s → 400 INVALID_ARGUMENT', async (_what, body, message) => {
    const res = await sendRaw(body, await accessToken());
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ status: 'INVALID_ARGUMENT', message });
  });

  test('upper-case and lower-case Android priorities are both accepted, like the real API', async () => {
    const bearer = await accessToken();
    expect((await sendRaw({ message: { token: 't', android: { priority: 'HIGH', ttl: '0.5s' } } }, bearer)).status).toBe(200);
    expect((await sendRaw({ message: { token: 't', android: { priority: 'normal' } } }, bearer)).status).toBe(200);
  });

  test('authentication: none → 401, a token without the FCM scope → 403 insufficient scopes', async () => {
    const none = await sendRaw({ message: { token: 't' } });
    expect([none.status, none.json.error?.status]).toEqual([401, 'UNAUTHENTICATED']);
    expect(none.json.error?.details).toBeUndefined();
    const narrow = await sendRaw({ message: { token: 't' } }, await accessToken('https://www.googleapis.com/auth/userinfo.email'));
    expect([narrow.status, narrow.json.error?.message]).toEqual([403, 'Request had insufficient authentication scopes.']);
    const broad = await sendRaw({ message: { token: 't' } }, await accessToken('https://www.googleapis.com/auth/cloud-platform'));
    expect(broad.status).toBe(200);
  });

  test('injected faults: error code and Retry-After as asked, only for the given tokens', async () => {
    sim.faults.set({ failNext: { status: 401, reason: 'THIRD_PARTY_AUTH_ERROR', retryAfterSeconds: 5, tokens: ['ios-device'] } });
    const bearer = await accessToken();
    expect((await sendRaw({ message: { token: 'android-device' } }, bearer)).status).toBe(200);
    const res = await sendRaw({ message: { token: 'ios-device' } }, bearer);
    expect(res.status).toBe(401);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(res.json.error).toMatchObject({ status: 'UNAUTHENTICATED', details: [{ errorCode: 'THIRD_PARTY_AUTH_ERROR' }] });
  });

  test('unknown paths answer 404', async () => {
    const res = await fetch(`${sim.endpoint}/v1/projects/${PROJECT}/messages:batchSend`, { method: 'POST' });
    expect(res.status).toBe(404);
    await res.arrayBuffer();
  });
});

test('TLS mode serves the same API over HTTPS/1.1 and HTTP/2, trusting `ca`', async () => {
  const secure = await startFcmSimulator({ tls: true });
  const tlsAccount = generateServiceAccount({ projectId: PROJECT, tokenUri: `${secure.endpoint}/token` });
  secure.registerServiceAccount(tlsAccount);
  try {
    expect(secure.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const stats = await httpsJson(`${secure.endpoint}/_sim/stats`, { ca: secure.ca! });
    expect(stats.status).toBe(200);
    const session = await h2Connect(secure.endpoint, { ca: secure.ca });
    try {
      const form = new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: serviceAccountAssertion(tlsAccount) });
      const granted = await h2Request(session, { ':path': '/token', 'content-type': 'application/x-www-form-urlencoded' }, form.toString());
      expect(granted.status).toBe(200);
      const sent = await h2Request(
        session,
        { ':path': `/v1/projects/${PROJECT}/messages:send`, authorization: `Bearer ${String(granted.json?.access_token)}`, 'content-type': 'application/json' },
        JSON.stringify({ message: { token: 'h2-device', notification: { title: 'hi' } } }),
      );
      expect(sent.status).toBe(200);
      expect(secure.inbox('h2-device')).toHaveLength(1);
    } finally {
      await closeSession(session);
    }
  } finally {
    await secure.stop();
  }
});

