import type { Credentials } from '../host/harness';
import { startHostileWorld, type HostileWorld } from './hostileWorld';

/**
 * Hostile input over every REST endpoint of the host and the push module: wrong types, `$`-operators, sizes,
 * Unicode edge cases, unknown fields, other users' ids, forged credentials. Every case must be answered 4xx with
 * an `errorType`, and nothing may be stored: the document count of every collection, the attacked users' and
 * devices' documents and the settings are compared before and after each case.
 *
 * Fields differ in what they accept, so each field has a kind and gets the mutations that are invalid for that
 * kind (free text may contain any Unicode; ids, names and enums may not). Known defects (inputs that answer 500 or
 * are stored although invalid) are listed at the end as `test.failing`, so fixing one makes its test fail and
 * move into the main table.
 */
let w: HostileWorld;
beforeAll(async () => {
  w = await startHostileWorld();
}, 60_000);
afterAll(() => w?.close());

type Who = 'admin' | 'alice' | 'nobody';
type Kind = 'id' | 'name' | 'enum' | 'text' | 'bool' | 'email' | 'language' | 'stringArray' | 'nameArray' | 'settingValue';
interface Field {
  path: string;
  kind: Kind;
  maxLength?: number;
  maxItems?: number;
  /** An empty string is a valid value (e.g. clearing a status text). */
  allowsEmpty?: boolean;
}
interface Endpoint {
  method: 'POST' | 'DELETE';
  path: string;
  who: Who;
  valid: () => Record<string, unknown>;
  fields: Field[];
}

const UNICODE: Array<[string, string]> = [
  ['NUL', 'a\u0000b'],
  ['lone surrogate', 'a\ud800b'],
  ['right-to-left override', 'evil\u202etxt'],
  ['zero-width space', 'a\u200bb'],
  ['emoji', 'party🎉'],
  ['combining marks', 'e\u0301\u0301'],
  ['byte order mark', '\ufeffname'],
  ['newline', 'a\nb'],
  ['path traversal', '../../etc/passwd'],
  ['operator-like', '$where'],
  ['spaces', 'two words'],
];

const endpoints: Endpoint[] = [
  { method: 'POST', path: 'login', who: 'nobody', valid: () => ({ user: 'alice', password: 'alice-password' }), fields: [{ path: 'user', kind: 'text', maxLength: 254 }, { path: 'password', kind: 'text' }] },
  {
    method: 'POST',
    path: 'users.create',
    who: 'admin',
    valid: () => ({ username: 'newbie', password: 'pw-123456', name: 'New', email: 'new@example.com', roles: ['user'], active: true }),
    fields: [
      { path: 'username', kind: 'name', maxLength: 100 },
      { path: 'password', kind: 'text' },
      { path: 'name', kind: 'text', maxLength: 200 },
      { path: 'email', kind: 'email' },
      { path: 'roles', kind: 'stringArray', maxItems: 3 },
      { path: 'active', kind: 'bool' },
    ],
  },
  { method: 'POST', path: 'users.setStatus', who: 'alice', valid: () => ({ status: 'away', message: 'lunch' }), fields: [{ path: 'status', kind: 'enum' }, { path: 'message', kind: 'text', maxLength: 120, allowsEmpty: true }] },
  { method: 'POST', path: 'users.setPresence', who: 'alice', valid: () => ({ status: 'online' }), fields: [{ path: 'status', kind: 'enum' }] },
  {
    method: 'POST',
    path: 'users.setPreferences',
    who: 'alice',
    valid: () => ({ data: { pushNotifications: 'all', alwaysNotifyMobile: true, highlights: ['deploy'], language: 'en' } }),
    fields: [
      { path: 'data.pushNotifications', kind: 'enum' },
      { path: 'data.alwaysNotifyMobile', kind: 'bool' },
      { path: 'data.highlights', kind: 'stringArray', maxItems: 50 },
      { path: 'data.language', kind: 'language' },
    ],
  },
  { method: 'POST', path: 'users.setActiveStatus', who: 'admin', valid: () => ({ userId: w.bob.userId, activeStatus: true }), fields: [{ path: 'userId', kind: 'id' }, { path: 'activeStatus', kind: 'bool' }] },
  { method: 'POST', path: 'channels.create', who: 'alice', valid: () => ({ name: 'another', members: ['bob'], readOnly: false }), fields: [{ path: 'name', kind: 'name', maxLength: 100 }, { path: 'members', kind: 'nameArray' }, { path: 'readOnly', kind: 'bool' }] },
  { method: 'POST', path: 'groups.create', who: 'alice', valid: () => ({ name: 'another-group', members: ['bob'] }), fields: [{ path: 'name', kind: 'name', maxLength: 100 }, { path: 'members', kind: 'nameArray' }] },
  { method: 'POST', path: 'im.create', who: 'alice', valid: () => ({ username: 'bob' }), fields: [{ path: 'username', kind: 'name', maxLength: 100 }] },
  {
    method: 'POST',
    path: 'chat.sendMessage',
    who: 'alice',
    valid: () => ({ message: { rid: w.general, msg: 'hello', tmid: w.aliceMessage, tshow: false } }),
    fields: [
      { path: 'message.rid', kind: 'id' },
      { path: 'message.msg', kind: 'text', maxLength: 5000 },
      { path: 'message.tmid', kind: 'id' },
      { path: 'message.tshow', kind: 'bool' },
    ],
  },
  { method: 'POST', path: 'subscriptions.read', who: 'alice', valid: () => ({ rid: w.general, readThreads: true }), fields: [{ path: 'rid', kind: 'id' }, { path: 'readThreads', kind: 'bool' }] },
  {
    method: 'POST',
    path: 'rooms.saveNotification',
    who: 'alice',
    valid: () => ({ roomId: w.general, notifications: { disableNotifications: '0', muteGroupMentions: '0', mobilePushNotifications: 'all' } }),
    fields: [
      { path: 'roomId', kind: 'id' },
      { path: 'notifications.disableNotifications', kind: 'enum' },
      { path: 'notifications.muteGroupMentions', kind: 'enum' },
      { path: 'notifications.mobilePushNotifications', kind: 'enum' },
    ],
  },
  { method: 'POST', path: 'settings/Push_enable', who: 'admin', valid: () => ({ value: true }), fields: [{ path: 'value', kind: 'settingValue' }] },
  {
    method: 'POST',
    path: 'push.token',
    who: 'alice',
    valid: () => ({ id: 'alice-phone-1', type: 'apn', value: 'ab'.repeat(32), appName: 'chat.rocket.ios' }),
    fields: [
      { path: 'id', kind: 'id' },
      { path: 'type', kind: 'enum' },
      // value and appName: types, operators, sizes only (see the known defects below for Unicode)
      { path: 'value', kind: 'text', maxLength: 4096 },
      { path: 'appName', kind: 'text', maxLength: 256 },
    ],
  },
  { method: 'DELETE', path: 'push.token', who: 'alice', valid: () => ({ token: w.alice.deviceToken }), fields: [{ path: 'token', kind: 'text', maxLength: 4096 }] },
];

/** Mutations that are invalid for a field of this kind, as [title, value]. */
function mutationsFor(field: Field): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [
    ['object', { nested: 'x' }],
    ['null', null],
    ['$ne operator', { $ne: null }],
    ['$gt operator', { $gt: '' }],
    ['$regex operator', { $regex: '.*' }],
    ['$where operator', { $where: 'sleep(1000)' }],
  ];
  const stringLike = ['id', 'name', 'enum', 'text', 'email', 'language'].includes(field.kind);
  if (stringLike) {
    out.push(['number', 12345], ['boolean', true], ['array', ['x']]);
    if (!field.allowsEmpty) out.push(['empty string', '']);
    if (field.maxLength) out.push([`${field.maxLength + 1} characters`, 'x'.repeat(field.maxLength + 1)]);
    out.push(['1 MiB string', 'x'.repeat(1024 * 1024)]);
  }
  if (['id', 'name', 'enum', 'email', 'language'].includes(field.kind)) {
    for (const [title, value] of UNICODE) {
      // Names are trimmed like Rocket.Chat does (String.prototype.trim also drops a BOM): valid after trimming.
      if (field.kind === 'name' && title === 'byte order mark') continue;
      out.push([title, value]);
    }
  }
  if (field.kind === 'id') out.push(['dotted path', 'a.b'], ['100 kB id', 'A'.repeat(100_000)]);
  if (field.kind === 'enum') out.push(['unknown value', 'everything'], ['case changed', 'ALL'], ['padded', ' all ']);
  if (field.kind === 'email') out.push(['not an e-mail', 'not-an-email'], ['two @', 'a@b@example.com']);
  if (field.kind === 'language') out.push(['not a language tag', 'english!']);
  if (field.kind === 'bool') out.push(['string', 'true'], ['number', 1], ['array', [true]]);
  if (field.kind === 'stringArray' || field.kind === 'nameArray') {
    out.push(['string', 'x'], ['operator item', [{ $gt: '' }]], ['number item', [1]], ['null item', [null]]);
    if (field.maxItems) out.push([`${field.maxItems + 1} items`, Array.from({ length: field.maxItems + 1 }, (_, i) => `i${i}`)]);
  }
  if (field.kind === 'nameArray') out.push(['10,001 members', Array.from({ length: 10_001 }, (_, i) => `m${i}`)], ['unicode member', ['b\u202eob']]);
  if (field.kind === 'settingValue') out.push(['wrong type', 'yes'], ['array', [true]]);
  return out;
}

function withPath(body: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(body));
  const keys = path.split('.');
  let target = copy;
  for (const key of keys.slice(0, -1)) target = target[key];
  target[keys[keys.length - 1]] = value;
  return copy;
}

function credentials(who: Who): Credentials | undefined {
  return who === 'admin' ? w.admin : who === 'alice' ? w.alice : undefined;
}

interface Snapshot {
  counts: Record<string, number>;
  watched: unknown[];
}

/** Everything a refused request must leave alone. */
async function snapshot(): Promise<Snapshot> {
  const { db } = w.database;
  return {
    counts: await w.counts(),
    watched: [
      await db.collection('users').find({ _id: { $in: [w.alice.userId, w.bob.userId, w.carol.userId] as never[] } }, { projection: { services: 0 } }).toArray(),
      await db.collection('_raix_push_app_tokens').find({}).sort({ _id: 1 }).toArray(),
      await db.collection('rocketchat_subscription').find({}).sort({ _id: 1 }).toArray(),
      await db.collection('rocketchat_room').find({}).sort({ _id: 1 }).toArray(),
      await db.collection('rocketchat_settings').find({ _id: { $in: ['Push_enable', 'Push_gateway', 'Notifications_Max_Room_Members'] as never[] } }).toArray(),
    ],
  };
}

async function expectRefusedWithoutTrace(send: () => Promise<{ status: number; body: any; text: string }>): Promise<void> {
  const before = await snapshot();
  const response = await send();
  await w.host.tasks.idle();
  expect({ status: response.status >= 400 && response.status < 500 ? '4xx' : response.status, text: response.text.slice(0, 200) }).toEqual({ status: '4xx', text: expect.any(String) });
  expect(response.body).toMatchObject({ success: false, errorType: expect.any(String), error: expect.any(String) });
  expect(await snapshot()).toEqual(before);
}


describe('every body field refuses what its kind cannot hold (4xx, errorType, nothing stored)', () => {
  const cases = endpoints.flatMap((endpoint) =>
    endpoint.fields.flatMap((field) => mutationsFor(field).map(([title, value]) => ({ endpoint, field, title, value }))),
  );
  it.each(cases.map((c) => [`${c.endpoint.method} ${c.endpoint.path} — ${c.field.path}: ${c.title}`, c] as const))(
    '%s',
    async (_title, c) => {
      await expectRefusedWithoutTrace(() => w.api.call(c.endpoint.method, c.endpoint.path, { body: withPath(c.endpoint.valid(), c.field.path, c.value), auth: credentials(c.endpoint.who) }));
    },
  );
});

describe('every body refuses unknown fields, operator keys and wrong shapes', () => {
  const shapes: Array<[string, (valid: Record<string, unknown>) => { body?: unknown; rawBody?: string }]> = [
    ['unknown field', (v) => ({ body: { ...v, isAdmin: true } })],
    ['top-level $set', (v) => ({ body: { ...v, $set: { roles: ['admin'] } } })],
    ['dotted key', (v) => ({ body: { ...v, 'services.password': 'x' } })],
    ['array body', (v) => ({ body: [v] })],
    ['string body', () => ({ body: 'hello' })],
    ['__proto__ key', (v) => ({ rawBody: JSON.stringify(v).replace(/^\{/, '{"__proto__":{"roles":["admin"]},') })],
    ['constructor.prototype key', (v) => ({ rawBody: JSON.stringify(v).replace(/^\{/, '{"constructor":{"prototype":{"roles":["admin"]}},') })],
    ['10,000-deep nesting', () => ({ rawBody: '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000) })],
    ['2 MiB body', (v) => ({ body: { ...v, padding: 'x'.repeat(2 * 1024 * 1024) } })],
  ];
  const cases = endpoints.flatMap((endpoint) => shapes.map(([title, make]) => ({ endpoint, title, make })));
  it.each(cases.map((c) => [`${c.endpoint.method} ${c.endpoint.path} — ${c.title}`, c] as const))('%s', async (_title, c) => {
    const input = c.make(c.endpoint.valid());
    await expectRefusedWithoutTrace(() =>
      w.api.call(c.endpoint.method, c.endpoint.path, {
        ...(input.rawBody !== undefined ? { rawBody: input.rawBody, headers: { 'content-type': 'application/json' } } : { body: input.body }),
        auth: credentials(c.endpoint.who),
      }),
    );
  });
});

describe('query-string endpoints refuse operators, repeats and malformed ids', () => {
  // [endpoint, caller, the first (attacked) parameter, a valid query]
  const queries: Array<[string, Who, string, () => Record<string, string>]> = [
    ['push.get', 'alice', 'id', () => ({ id: w.aliceMessage })],
    ['push.explain', 'alice', 'mid', () => ({ mid: w.aliceMessage })],
    ['users.info', 'alice', 'userId', () => ({ userId: w.alice.userId })],
    ['chat.ignoreUser', 'alice', 'rid', () => ({ rid: w.general, userId: w.bob.userId, ignore: 'true' })],
    ['subscriptions.getOne', 'alice', 'roomId', () => ({ roomId: w.general })],
    ['chat.getMessage', 'alice', 'msgId', () => ({ msgId: w.aliceMessage })],
  ];
  const cases: Array<{ title: string; who: Who; url: () => string }> = [];
  const qs = (params: Record<string, string>) => new URLSearchParams(params).toString();
  for (const [path, who, key, valid] of queries) {
    cases.push({ title: `${path} — operator key`, who, url: () => `/api/v1/${path}?${key}[$ne]=x` });
    cases.push({ title: `${path} — repeated parameter`, who, url: () => `/api/v1/${path}?${qs(valid())}&${key}=${valid()[key]}` });
    cases.push({ title: `${path} — unknown parameter`, who, url: () => `/api/v1/${path}?${qs({ ...valid(), fields: '{}' })}` });
    cases.push({ title: `${path} — missing ${key}`, who, url: () => `/api/v1/${path}?${qs(Object.fromEntries(Object.entries(valid()).filter(([k]) => k !== key)))}` });
    for (const [title, value] of [...UNICODE, ['dotted path', 'a.b'] as [string, string], ['8 kB id', 'A'.repeat(8_000)] as [string, string]]) {
      cases.push({ title: `${path} — ${key}: ${title}`, who, url: () => `/api/v1/${path}?${qs({ ...valid(), [key]: value })}` });
    }
  }
  for (const [title, id] of [['operator-like', '$where'], ['path', '..%2F..%2Fetc'], ['unicode', 'Push%E2%80%AEenable'], ['NUL', 'Push%00enable']] as const) {
    cases.push({ title: `settings/:id — ${title}`, who: 'admin', url: () => `/api/v1/settings/${id}` });
  }
  it.each(cases.map((c) => [c.title, c] as const))('%s', async (_title, c) => {
    await expectRefusedWithoutTrace(() => w.api.call('GET', c.url(), { auth: credentials(c.who) }));
  });
});

describe("other users' ids and rooms are refused (403/404), and nothing of theirs changes", () => {
  const cases: Array<[string, () => Promise<{ status: number; body: any; text: string }>]> = [
    ["set bob's preferences", () => w.api.post('users.setPreferences', { userId: w.bob.userId, data: { pushNotifications: 'nothing' } }, w.alice)],
    ["read bob's profile", () => w.api.get('users.info', { userId: w.bob.userId }, w.alice)],
    ["explain bob's notification", () => w.api.get('push.explain', { mid: w.aliceMessage, uid: w.bob.userId }, w.alice)],
    ["explain a message of carol's private group", () => w.api.get('push.explain', { mid: w.carolMessage }, w.alice)],
    ["fetch the push of carol's private message", () => w.api.get('push.get', { id: w.carolMessage }, w.alice)],
    ["read carol's private message", () => w.api.get('chat.getMessage', { msgId: w.carolMessage }, w.alice)],
    ["remove bob's device", () => w.api.call('DELETE', 'push.token', { body: { token: w.bob.deviceToken }, auth: w.alice })],
    ["change notifications of carol's group", () => w.api.post('rooms.saveNotification', { roomId: w.secret, notifications: { mobilePushNotifications: 'nothing' } }, w.alice)],
    ["mark carol's group read", () => w.api.post('subscriptions.read', { rid: w.secret }, w.alice)],
    ["read the subscription of carol's group", () => w.api.get('subscriptions.getOne', { roomId: w.secret }, w.alice)],
    ["post into carol's group", () => w.api.post('chat.sendMessage', { message: { rid: w.secret, msg: 'let me in' } }, w.alice)],
    ["reply in a thread of carol's group", () => w.api.post('chat.sendMessage', { message: { rid: w.general, msg: 'sneaky', tmid: w.carolMessage } }, w.alice)],
    ["ignore someone in carol's group", () => w.api.get('chat.ignoreUser', { rid: w.secret, userId: w.carol.userId, ignore: 'true' }, w.alice)],
    ['deactivate bob (not an admin)', () => w.api.post('users.setActiveStatus', { userId: w.bob.userId, activeStatus: false }, w.alice)],
    ['create a user (not an admin)', () => w.api.post('users.create', { username: 'mallory', password: 'pw-123456', name: 'M', email: 'm@example.com', roles: ['admin'] }, w.alice)],
    ['change a setting (not an admin)', () => w.api.post('settings/Push_enable', { value: false }, w.alice)],
    ['read a secret setting (not an admin)', () => w.api.get('settings/Push_gateway_token', {}, w.alice)],
    ["bob's user id with alice's token", () => w.api.call('GET', 'push.info', { headers: { 'x-user-id': w.bob.userId, 'x-auth-token': w.alice.authToken } })],
    ['an operator as user id', () => w.api.call('GET', 'push.info', { headers: { 'x-user-id': '{"$ne":null}', 'x-auth-token': w.alice.authToken } })],
    ['an operator as token', () => w.api.call('GET', 'push.info', { headers: { 'x-user-id': w.alice.userId, 'x-auth-token': '{"$ne":null}' } })],
    ['a 8 kB token', () => w.api.call('GET', 'push.info', { headers: { 'x-user-id': w.alice.userId, 'x-auth-token': 'x'.repeat(8_000) } })],
    ['a non-ASCII token', () => w.api.call('POST', 'push.test', { headers: { 'x-user-id': w.alice.userId, 'x-auth-token': encodeURIComponent('tökén') } })],
    ['no credentials on push.test', () => w.api.call('POST', 'push.test')],
    ['no credentials on push.token', () => w.api.post('push.token', { type: 'apn', value: 'cd'.repeat(32), appName: 'chat.rocket.ios' })],
  ];
  it.each(cases)('%s', async (_title, send) => {
    await expectRefusedWithoutTrace(send);
  });
});

/** Defects this suite found, now fixed: each test states the correct behaviour. */
describe('formerly known defects', () => {
  test('login: a NUL in the login name is refused with 400, not 500', async () => {
    await expectRefusedWithoutTrace(() => w.api.post('login', { user: 'a\u0000b', password: 'x' }));
  });
  test('im.create: a NUL in the username is refused with 400, not 500', async () => {
    await expectRefusedWithoutTrace(() => w.api.post('im.create', { username: 'b\u0000ob' }, w.alice));
  });
  test.each([
    ['a lone surrogate (stored as U+FFFD)', 'ab\ud800cd'],
    ['a right-to-left override', 'ab\u202ecd'],
    ['a NUL', 'ab\u0000cd'],
    ['a path', '../../etc/passwd'],
  ])('push.token: a device token holding %s is refused', async (_title, value) => {
    await expectRefusedWithoutTrace(() => w.api.post('push.token', { type: 'apn', value, appName: 'chat.rocket.ios' }, w.alice));
  });
  test('push.token: an appName (the APNs topic) holding a zero-width space is refused', async () => {
    await expectRefusedWithoutTrace(() => w.api.post('push.token', { type: 'apn', value: 'ef'.repeat(32), appName: 'chat.rocket\u200b.ios' }, w.alice));
  });
  test('push.test: unknown body fields are refused like everywhere else', async () => {
    await expectRefusedWithoutTrace(() => w.api.call('POST', 'push.test', { body: { isAdmin: true }, auth: w.bob }));
  });
  test('a 20 kB query string is answered in the error envelope (431 from the HTTP parser, with errorType)', async () => {
    await expectRefusedWithoutTrace(() => w.api.call('GET', `/api/v1/push.info?x=${'a'.repeat(20_000)}`, { auth: w.alice }));
  });
});
