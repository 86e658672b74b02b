import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DEMO_PEOPLE } from '../../../server/push/demo/demoWorkspace';
import { openTestDatabase } from '../../support/testDatabase';
import { ApiClient } from '../host/harness';
import { demoPasswordFrom, startServer, type StartedServer } from './startedServer';

describe('npm start on a fresh machine: embedded database, simulators, demo workspace', () => {
  let env: StartedServer;
  beforeAll(async () => {
    env = await startServer();
  });
  afterAll(() => env.stop());

  it('creates the demo people, #demo with all of them, a direct message and their simulated phones', async () => {
    const workspace = env.demo?.workspace;
    expect(workspace).toBeDefined();
    expect(workspace!.users.map((u) => u.username)).toEqual(['alice', 'bob', 'carol']);

    // The printed password works for each of them.
    const password = demoPasswordFrom(env.stdout());
    for (const person of DEMO_PEOPLE) await env.api.login(person.username, password);
    const room = await env.server.host.models.rooms.findOneByName('demo');
    expect(room?._id).toBe(workspace!.channel.rid);
    const members = (await env.server.host.models.subscriptions.findByRoomId(room!._id)).map((s) => s.u.username).sort();
    expect(members).toEqual(['alice', 'bob', 'carol']);
    const direct = await env.server.host.models.rooms.findOneById(workspace!.direct.rid);
    expect(direct?.t).toBe('d');
    expect([...(direct!.usernames ?? [])].sort()).toEqual(['alice', 'bob']);

    const devices = await env.server.host.models.pushAppTokens.col.find({}).toArray();
    const byUser = new Map(workspace!.users.map((u) => [u._id, u.username]));
    const summary = devices.map((d) => `${byUser.get(d.userId)}:${'apn' in d.token ? 'apn' : 'gcm'}`).sort();
    expect(summary).toEqual(['alice:apn', 'bob:gcm', 'carol:apn', 'carol:gcm']);
    for (const device of devices) {
      if ('apn' in device.token) {
        expect(device.token.apn).toMatch(/^[0-9a-f]{64}$/);
        expect(device.appName).toBe('chat.rocket.ios');
      } else {
        expect(device.token.gcm).toMatch(/^[A-Za-z0-9_-]{22}:APA91b[A-Za-z0-9_-]{134}$/);
        expect(device.appName).toBe('chat.rocket.android');
      }
      // Registered by a signed-in session, like the app does: signing out removes the phone.
      expect(device.authToken).toEqual(expect.any(String));
    }
  });

  it('prints where to look: the admin page, the demo password once, curl commands that work as printed', async () => {
    const out = env.stdout();
    const workspace = env.demo!.workspace!;
    expect(out).toContain('SIMULATED');
    expect(out).toContain(`${env.url}/admin`);
    expect(out).toContain(`"rid":"${workspace.channel.rid}"`);
    expect(out).toContain(`${env.simulators().fcm.endpoint}/_sim/inbox`);
    expect(out).toContain(`${env.simulators().apns.endpoint}/_sim/inbox`);
    expect(out.match(new RegExp(demoPasswordFrom(out), 'g'))).toHaveLength(2); // the line itself and the curl login
    // The banner comes before the ready line.
    expect(out.indexOf('DEMO WORKSPACE')).toBeLessThan(out.indexOf('listening on'));

    const page = await fetch(`${env.url}/admin`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('SIMULATED — pushes do not reach real phones');

    // The banner's FCM command, run as printed (the simulator's control API answers plain HTTP).
    const inbox = await fetch(`${env.simulators().fcm.endpoint}/_sim/inbox?limit=5`);
    expect(inbox.status).toBe(200);
    expect(await inbox.json()).toEqual(expect.objectContaining({ pushes: expect.any(Array) }));
  });

  it('a message sent through the REST API reaches the simulated phones within a second', async () => {
    const workspace = env.demo!.workspace!;
    const alice = await env.api.login('alice', demoPasswordFrom(env.stdout()));
    const bobPhone = workspace.users.find((u) => u.username === 'bob')!.devices[0];
    const carol = workspace.users.find((u) => u.username === 'carol')!;
    const carolIphone = carol.devices.find((d) => d.platform === 'apn')!;
    const text = `Hello @bob ${Date.now()}`;

    const started = performance.now();
    const sent = await env.api.post('chat.sendMessage', { message: { rid: workspace.channel.rid, msg: text } }, alice);
    expect(sent.status).toBe(200);
    const [fcm, apns] = await Promise.all([
      env.simulators().fcm.waitFor((p) => p.token === bobPhone.token && JSON.stringify(p.message).includes(text), 5000),
      env.simulators().apns.waitFor((p) => p.token === carolIphone.token && JSON.stringify(p.payload).includes(text), 5000),
    ]);
    const elapsed = performance.now() - started;
    // A functional bound only (the machine is shared); the measured time is printed for people to look at.
    console.log(`message → simulated phones: ${elapsed.toFixed(0)} ms (REST call included)`);
    expect(elapsed).toBeLessThan(5000);
    expect(fcm.message).toEqual(expect.objectContaining({ notification: { title: '#demo', body: `alice: ${text}` } }));
    expect(apns.topic).toBe('chat.rocket.ios');

    const explained = await env.api.get('push.explain', { mid: sent.body.message._id, uid: workspace.users[1]._id }, env.admin);
    expect(explained.body.decision).toBe('notify');
    expect(explained.body.devices[0].status).toBe('delivered');
  });
});

describe('the demo workspace stays out of the way', () => {
  it('is not created with DEMO_WORKSPACE=0', async () => {
    const env = await startServer({ DEMO_WORKSPACE: '0' });
    try {
      expect(env.demo?.workspace).toBeUndefined();
      expect(env.stdout()).not.toContain('DEMO WORKSPACE');
      expect(await env.server.host.models.users.col.countDocuments()).toBe(1);
      expect(env.simulators().apns.endpoint).toMatch(/^https:/); // the simulators still run
    } finally {
      await env.stop();
    }
  });

  it('is not created when its names are taken (an admin called alice), and the server starts anyway', async () => {
    const env = await startServer({ ADMIN_USERNAME: 'alice' }, 'alice');
    try {
      expect(env.demo?.workspace).toBeUndefined();
      expect(await env.server.host.models.users.col.countDocuments()).toBe(1);
      expect((await env.api.get('/healthz')).status).toBe(200);
    } finally {
      await env.stop();
    }
  });

  it('is not created without simulators, nor later on a database that has people', async () => {
    const database = await openTestDatabase();
    try {
      const url = database.url.replace('/?', `/${database.dbName}?`);
      // On MONGO_URL the simulators do not start, so neither does the demo.
      const noSimulators = await startServer({ MONGO_URL: url });
      try {
        expect(noSimulators.push.simulators).toBeUndefined();
        expect(noSimulators.demo?.workspace).toBeUndefined();
        const created = await noSimulators.api.post('users.create', { username: 'dave', password: 'dave-pass-123', name: 'Dave', email: 'dave@example.com' }, noSimulators.admin);
        expect(created.status).toBe(200);
      } finally {
        await noSimulators.stop();
      }
      // Simulators forced on, but someone already signed up: the demo would get in their way.
      const withPeople = await startServer({ MONGO_URL: url, PUSH_SIMULATOR: '1' });
      try {
        expect(withPeople.push.simulators).toBeDefined();
        expect(withPeople.demo?.workspace).toBeUndefined();
        expect(await withPeople.server.host.models.users.findOneByUsername('alice')).toBeNull();
        expect(withPeople.stdout()).not.toContain('DEMO WORKSPACE');
      } finally {
        await withPeople.stop();
      }
    } finally {
      await database.close();
    }
  });

  it('after a restart on the same data: no second demo, a reminder instead, and the phones still get pushes', async () => {
    const dbPath = await mkdtemp(path.join(os.tmpdir(), 'chat-push-demo-'));
    try {
      const first = await startServer({ EMBEDDED_MONGO_DB_PATH: dbPath });
      const password = demoPasswordFrom(first.stdout());
      const workspace = first.demo!.workspace!;
      await first.stop();

      const second = await startServer({ EMBEDDED_MONGO_DB_PATH: dbPath });
      try {
        expect(second.demo?.workspace).toBeUndefined();
        expect(second.stdout()).not.toContain(password);
        expect(second.stdout()).toMatch(/Demo workspace \(SIMULATED phones\): alice, bob, carol in #demo/);
        expect(await second.server.host.models.users.col.countDocuments({ username: { $in: DEMO_PEOPLE.map((p) => p.username) } })).toBe(3);
        const alice = await new ApiClient(second.url).login('alice', password);
        const text = `after restart ${Date.now()}`;
        await second.api.post('chat.sendMessage', { message: { rid: workspace.channel.rid, msg: text } }, alice);
        const bobPhone = workspace.users[1].devices[0];
        await second.simulators().fcm.waitFor((p) => p.token === bobPhone.token && JSON.stringify(p.message).includes(text), 5000);
      } finally {
        await second.stop();
      }
    } finally {
      await rm(dbPath, { recursive: true, force: true });
    }
  });
});
