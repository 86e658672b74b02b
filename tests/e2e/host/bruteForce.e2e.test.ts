import { startHost, RunningHost } from './harness';

let env: RunningHost;

beforeAll(async () => {
  env = await startHost({
    env: {
      OVERWRITE_SETTING_Block_Multiple_Failed_Logins_Attempts_Until_Block_By_User: '3',
      OVERWRITE_SETTING_Block_Multiple_Failed_Logins_Attempts_Until_Block_by_Ip: '12',
    },
  });
  await env.createUser('alice');
  await env.createUser('bob');
});
afterAll(() => env.close());

describe('login brute-force protection', () => {
  it('answers 401 without saying whether the user exists', async () => {
    const wrongPassword = await env.api.post('login', { user: 'bob', password: 'nope' });
    const noSuchUser = await env.api.post('login', { user: 'nobody-here', password: 'nope' });
    expect(wrongPassword.status).toBe(401);
    expect(noSuchUser.status).toBe(401);
    expect(noSuchUser.body).toEqual(wrongPassword.body);
  });

  it('locks a username after repeated failures, even for the right password, with Retry-After', async () => {
    for (let i = 0; i < 3; i++) {
      expect((await env.api.post('login', { user: 'alice', password: `guess-${i}` })).status).toBe(401);
    }
    const locked = await env.api.post('login', { user: 'alice', password: 'alice-password' });
    expect(locked.status).toBe(429);
    expect(locked.body).toMatchObject({ success: false, errorType: 'error-too-many-requests' });
    const retryAfter = Number(locked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(5 * 60);
    // The lock is per username: case does not help, and other users are unaffected.
    expect((await env.api.post('login', { user: 'ALICE', password: 'alice-password' })).status).toBe(429);
    expect((await env.api.post('login', { user: 'bob', password: 'bob-password' })).status).toBe(200);
  });

  it('a successful login resets the username count', async () => {
    await env.api.post('login', { user: 'bob', password: 'x1' });
    await env.api.post('login', { user: 'bob', password: 'x2' });
    expect((await env.api.post('login', { user: 'bob', password: 'bob-password' })).status).toBe(200);
    await env.api.post('login', { user: 'bob', password: 'x3' });
    await env.api.post('login', { user: 'bob', password: 'x4' });
    expect((await env.api.post('login', { user: 'bob', password: 'bob-password' })).status).toBe(200);
  });

  it('locks the client IP after many failures across usernames', async () => {
    // Failures so far from 127.0.0.1: 2 + 3 + 4 = 9; three more, each on a different name, reach the limit of 12.
    for (const name of ['eve1', 'eve2', 'eve3']) expect((await env.api.post('login', { user: name, password: 'x' })).status).toBe(401);
    const response = await env.api.post('login', { user: 'admin', password: 'admin-pass-123' });
    expect(response.status).toBe(429);
    expect(response.body.errorType).toBe('error-too-many-requests');
    // Already issued sessions keep working.
    expect((await env.api.get('me', undefined, env.admin)).status).toBe(200);
  });
});
