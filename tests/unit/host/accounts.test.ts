import { hashPassword, verifyPassword } from '../../../server/host/accounts/password';
import { hashLoginToken, generateLoginToken } from '../../../server/host/accounts/loginTokens';
import { LoginThrottle, ThrottlePolicy } from '../../../server/host/accounts/LoginThrottle';
import { randomId, RANDOM_ID_ALPHABET } from '../../../server/host/util/random';
import { createHash } from 'node:crypto';

const FAST = { N: 1024, r: 8, p: 1 };

describe('password hashing', () => {
  it('stores scrypt parameters and a random salt with the hash, never the password', async () => {
    const a = await hashPassword('correct horse');
    const b = await hashPassword('correct horse');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('correct horse');
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('s3cret!', FAST);
    await expect(verifyPassword('s3cret!', stored)).resolves.toBe(true);
    await expect(verifyPassword('s3cret?', stored)).resolves.toBe(false);
    await expect(verifyPassword('', stored)).resolves.toBe(false);
  });

  it('verifies with the parameters stored in the hash', async () => {
    const stored = await hashPassword('pw', { N: 2048, r: 4, p: 2 });
    expect(stored.startsWith('scrypt$2048$4$2$')).toBe(true);
    await expect(verifyPassword('pw', stored)).resolves.toBe(true);
  });

  it('refuses malformed or dangerous stored hashes', async () => {
    const stored = await hashPassword('pw', FAST);
    const parts = stored.split('$');
    await expect(verifyPassword('pw', 'bcrypt$whatever')).resolves.toBe(false);
    await expect(verifyPassword('pw', [...parts.slice(0, 1), String(2 ** 30), ...parts.slice(2)].join('$'))).resolves.toBe(false);
    await expect(verifyPassword('pw', [...parts.slice(0, 1), '1000', ...parts.slice(2)].join('$'))).resolves.toBe(false);
  });
});

describe('login tokens', () => {
  it('hash like Accounts._hashLoginToken (sha256, base64)', () => {
    expect(hashLoginToken('abc')).toBe(createHash('sha256').update('abc').digest('base64'));
  });

  it('are 43 URL-safe random characters', () => {
    const token = generateLoginToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(generateLoginToken()).not.toBe(token);
  });
});

describe('randomId', () => {
  it('makes 17-character Meteor-style ids', () => {
    const ids = new Set(Array.from({ length: 200 }, () => randomId()));
    expect(ids.size).toBe(200);
    for (const id of ids) {
      expect(id).toHaveLength(17);
      expect([...id].every((c) => RANDOM_ID_ALPHABET.includes(c))).toBe(true);
    }
  });
});

describe('LoginThrottle', () => {
  const policy: ThrottlePolicy = {
    enabled: true,
    byUser: { attempts: 3, windowMs: 60_000 },
    byIp: { attempts: 5, windowMs: 120_000 },
  };

  it('blocks a username after N failures and says how long to wait', () => {
    const throttle = new LoginThrottle();
    for (let i = 0; i < 2; i++) throttle.recordFailure('Bob', '10.0.0.1', policy, 1_000 + i);
    expect(throttle.check('bob', '10.0.0.2', policy, 2_000)).toEqual({ blocked: false });
    throttle.recordFailure('bob', '10.0.0.1', policy, 3_000);
    // Case-insensitive, and from any IP.
    expect(throttle.check('BOB', '10.0.0.9', policy, 4_000)).toEqual({ blocked: true, retryAfterSeconds: 59 });
    expect(throttle.check('bob', '10.0.0.9', policy, 63_000)).toEqual({ blocked: false });
  });

  it('blocks an IP after N failures across usernames', () => {
    const throttle = new LoginThrottle();
    for (let i = 0; i < 5; i++) throttle.recordFailure(`user${i}`, '10.0.0.1', policy, 1_000);
    expect(throttle.check('someone-else', '10.0.0.1', policy, 1_000)).toEqual({ blocked: true, retryAfterSeconds: 120 });
    expect(throttle.check('someone-else', '10.0.0.2', policy, 1_000)).toEqual({ blocked: false });
  });

  it('forgets failures older than the window', () => {
    const throttle = new LoginThrottle();
    throttle.recordFailure('ann', 'a', policy, 0);
    throttle.recordFailure('ann', 'b', policy, 1_000);
    throttle.recordFailure('ann', 'c', policy, 70_000);
    expect(throttle.check('ann', 'd', policy, 70_000)).toEqual({ blocked: false });
  });

  it('a success resets the username count but not the IP count', () => {
    const throttle = new LoginThrottle();
    throttle.recordFailure('ann', 'ip', policy, 0);
    throttle.recordFailure('ann', 'ip', policy, 0);
    throttle.recordSuccess('ann');
    throttle.recordFailure('ann', 'ip', policy, 0);
    expect(throttle.check('ann', 'other-ip', policy, 0)).toEqual({ blocked: false });
    throttle.recordFailure('x', 'ip', policy, 0);
    throttle.recordFailure('y', 'ip', policy, 0);
    expect(throttle.check('z', 'ip', policy, 0).blocked).toBe(true);
  });

  it('does nothing when disabled', () => {
    const throttle = new LoginThrottle();
    const off = { ...policy, enabled: false };
    for (let i = 0; i < 10; i++) throttle.recordFailure('ann', 'ip', off, 0);
    expect(throttle.check('ann', 'ip', off, 0)).toEqual({ blocked: false });
    expect(throttle.size).toBe(0);
  });

  it('stays bounded under a flood of keys', () => {
    const throttle = new LoginThrottle(100);
    for (let i = 0; i < 1_000; i++) throttle.recordFailure(`user${i}`, `ip${i}`, policy, i);
    expect(throttle.size).toBeLessThanOrEqual(100);
  });
});
