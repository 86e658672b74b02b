import { startHost, RunningHost, Credentials, collectionCounts } from './harness';

let env: RunningHost;
let alice: Credentials;

beforeAll(async () => {
  env = await startHost();
  alice = await env.createUser('alice');
  await env.createUser('bob');
  await env.api.post('channels.create', { name: 'general', members: ['bob'] }, alice);
});
afterAll(() => env.close());

/** Cases are built before the fixtures exist; every case is refused by validation, whatever the id. */
const SOME_ID = 'Abcdefghijk234567';

type Who = 'admin' | 'alice' | 'nobody';
interface BodyEndpoint {
  path: string;
  who: Who;
  valid: () => Record<string, unknown>;
  /** Dotted paths that must be present. */
  required: string[];
}

const bodyEndpoints: BodyEndpoint[] = [
  { path: 'login', who: 'nobody', valid: () => ({ user: 'alice', password: 'alice-password' }), required: [] },
  {
    path: 'users.create',
    who: 'admin',
    valid: () => ({ username: 'newbie', password: 'pw-123456', name: 'New', email: 'new@example.com', roles: ['user'], active: true }),
    required: ['username', 'password', 'name', 'email'],
  },
  { path: 'users.setStatus', who: 'alice', valid: () => ({ status: 'away', message: 'lunch' }), required: ['status'] },
  { path: 'users.setPresence', who: 'alice', valid: () => ({ status: 'online' }), required: ['status'] },
  {
    path: 'users.setPreferences',
    who: 'alice',
    valid: () => ({ data: { pushNotifications: 'all', alwaysNotifyMobile: true, highlights: ['x'], language: 'en' } }),
    required: ['data'],
  },
  {
    path: 'users.setActiveStatus',
    who: 'admin',
    valid: () => ({ userId: SOME_ID, activeStatus: false }),
    required: ['userId', 'activeStatus'],
  },
  { path: 'channels.create', who: 'alice', valid: () => ({ name: 'another', members: ['bob'], readOnly: false }), required: ['name'] },
  { path: 'groups.create', who: 'alice', valid: () => ({ name: 'another-group', members: ['bob'] }), required: ['name'] },
  { path: 'im.create', who: 'alice', valid: () => ({ username: 'bob' }), required: ['username'] },
  {
    path: 'chat.sendMessage',
    who: 'alice',
    valid: () => ({ message: { rid: SOME_ID, msg: 'hello', tshow: false } }),
    required: ['message', 'message.rid', 'message.msg'],
  },
  { path: 'subscriptions.read', who: 'alice', valid: () => ({ rid: SOME_ID, readThreads: true }), required: [] },
  {
    path: 'rooms.saveNotification',
    who: 'alice',
    valid: () => ({ roomId: SOME_ID, notifications: { disableNotifications: '1', muteGroupMentions: '0', mobilePushNotifications: 'all' } }),
    required: ['roomId', 'notifications'],
  },
  { path: 'settings/Push_enable', who: 'admin', valid: () => ({ value: false }), required: ['value'] },
];

function credentials(who: Who): Credentials | undefined {
  return who === 'admin' ? env.admin : who === 'alice' ? alice : undefined;
}

function leaves(value: unknown, prefix = ''): Array<[string, unknown]> {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([key, v]) => [[prefix + key, v] as [string, unknown], ...leaves(v, `${prefix}${key}.`)]);
  }
  return [];
}

function withPath(body: Record<string, unknown>, path: string, replace: (old: unknown) => unknown | undefined) {
  const copy = JSON.parse(JSON.stringify(body));
  const keys = path.split('.');
  let target = copy;
  for (const key of keys.slice(0, -1)) target = target[key];
  const last = keys[keys.length - 1];
  const next = replace(target[last]);
  if (next === undefined) delete target[last];
  else target[last] = next;
  return copy;
}

function wrongType(value: unknown): unknown {
  if (typeof value === 'string') return 12345;
  if (typeof value === 'boolean') return 'true';
  if (typeof value === 'number') return '1';
  if (Array.isArray(value)) return 'not-an-array';
  return 'not-an-object';
}

interface Case {
  title: string;
  endpoint: BodyEndpoint;
  body: unknown;
  /** The field the error message must name. */
  field?: string;
}

function casesFor(endpoint: BodyEndpoint): Case[] {
  const valid = endpoint.valid();
  const cases: Case[] = [];
  for (const [path, value] of leaves(valid)) {
    const field = path.split('.').pop()!;
    cases.push({ title: `${path}: wrong type`, endpoint, body: withPath(valid, path, () => wrongType(value)), field });
    if (typeof value === 'string') {
      cases.push({ title: `${path}: $-operator`, endpoint, body: withPath(valid, path, () => ({ $ne: null })), field });
      cases.push({ title: `${path}: $regex`, endpoint, body: withPath(valid, path, () => ({ $regex: '.*' })), field });
    }
    if (Array.isArray(value)) {
      cases.push({ title: `${path}: operator item`, endpoint, body: withPath(valid, path, () => [{ $gt: '' }]), field });
    }
  }
  for (const path of endpoint.required) {
    cases.push({ title: `${path}: missing`, endpoint, body: withPath(valid, path, () => undefined), field: path.split('.').pop() });
  }
  cases.push({ title: 'unknown field', endpoint, body: { ...valid, $where: 'sleep(1000)' }, field: '$where' });
  cases.push({ title: 'array instead of object', endpoint, body: [valid] });
  cases.push({ title: 'null body', endpoint, body: null });
  return cases;
}

describe('every endpoint refuses malformed input with 400, an errorType, and no write', () => {
  let baseline: Record<string, number>;
  let aliceDoc: unknown;
  beforeAll(async () => {
    baseline = await collectionCounts(env.host);
    aliceDoc = await env.host.models.users.findOneById(alice.userId);
  });

  afterAll(async () => {
    // Nothing was written: no new documents anywhere, and alice (target of several refused updates) unchanged.
    expect(await collectionCounts(env.host)).toEqual(baseline);
    expect(await env.host.models.users.findOneById(alice.userId)).toEqual(aliceDoc);
    expect(env.host.settings.get('Push_enable')).toBe(true);
  });

  const all = bodyEndpoints.flatMap(casesFor);
  it.each(all.map((c) => [`${c.endpoint.path} — ${c.title}`, c] as const))('%s', async (_title, c) => {
    const response = await env.api.call('POST', c.endpoint.path, { body: c.body, auth: credentials(c.endpoint.who) });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ success: false, errorType: expect.any(String), error: expect.any(String) });
    if (c.field) expect(response.body.error).toContain(c.field);
  });

  it.each(bodyEndpoints.map((e) => [e.path, e] as const))('%s — malformed JSON', async (_path, endpoint) => {
    const response = await env.api.call('POST', endpoint.path, {
      rawBody: '{"user": "alice", ',
      headers: { 'content-type': 'application/json' },
      auth: credentials(endpoint.who),
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ success: false, errorType: 'error-invalid-json' });
  });

  it.each(bodyEndpoints.map((e) => [e.path, e] as const))('%s — oversized body', async (_path, endpoint) => {
    const huge = JSON.stringify({ ...endpoint.valid(), padding: 'x'.repeat(2 * 1024 * 1024) });
    const response = await env.api.call('POST', endpoint.path, {
      rawBody: huge,
      headers: { 'content-type': 'application/json' },
      auth: credentials(endpoint.who),
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ success: false, errorType: 'error-request-too-large' });
  });

  it.each(bodyEndpoints.map((e) => [e.path, e] as const))('%s — prototype pollution', async (_path, endpoint) => {
    const response = await env.api.call('POST', endpoint.path, {
      rawBody: '{"__proto__": {"admin": true}}',
      headers: { 'content-type': 'application/json' },
      auth: credentials(endpoint.who),
    });
    expect(response.status).toBe(400);
    expect(response.body.success).toBe(false);
  });

  it.each(bodyEndpoints.map((e) => [e.path, e] as const))('%s — not JSON', async (_path, endpoint) => {
    const response = await env.api.call('POST', endpoint.path, {
      rawBody: 'user=alice',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      auth: credentials(endpoint.who),
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ success: false, errorType: expect.any(String) });
  });

  const queryCases: Array<[string, string, Record<string, string> | string]> = [
    ['users.info', 'no parameter', {}],
    ['users.info', 'operator key', 'userId[$ne]=x'],
    ['users.info', 'repeated parameter', 'userId=a&userId=b'],
    ['users.info', 'unknown parameter', 'userId=abc&fields=%7B%7D'],
    ['chat.ignoreUser', 'missing userId', 'rid=abc'],
    ['chat.ignoreUser', 'bad ignore flag', 'rid=abc&userId=def&ignore=maybe'],
    ['chat.ignoreUser', 'operator key', 'rid=abc&userId[$ne]=x'],
    ['subscriptions.getOne', 'missing roomId', {}],
    ['subscriptions.getOne', 'path-like id', 'roomId=..%2F..%2Fx'],
    ['chat.getMessage', 'missing msgId', {}],
    ['chat.getMessage', 'repeated msgId', 'msgId=a&msgId=b'],
    ['settings/%24where', 'operator-like setting id', {}],
  ];
  it.each(queryCases)('GET %s — %s', async (path, _title, query) => {
    const url = typeof query === 'string' ? `/api/v1/${path}?${query}` : `/api/v1/${path}`;
    const response = await env.api.call('GET', url, { auth: path.startsWith('settings') ? env.admin : alice });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ success: false, errorType: expect.any(String) });
  });

  it('unknown routes answer 404 in the envelope', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/nope'],
      ['POST', '/api/v1/chat.deleteEverything'],
      ['GET', '/'],
    ]) {
      const response = await env.api.call(method, path, { auth: alice });
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ success: false, errorType: 'error-not-found' });
    }
  });
});

// Runs after the block above (and its no-write check): proves each base body is itself valid, so every refusal
// above is due to the one mutation the case made.
describe('the base bodies pass validation', () => {
  it.each(bodyEndpoints.map((e) => [e.path, e] as const))('%s', async (_path, endpoint) => {
    const response = await env.api.call('POST', endpoint.path, { body: endpoint.valid(), auth: credentials(endpoint.who) });
    expect(['invalid-params', 'error-invalid-json', 'error-request-too-large']).not.toContain(response.body?.errorType);
    expect(response.status).not.toBe(500);
  });
});
