/** The gateway's pure helpers: rate-limit arithmetic, quota months, request parsing, idempotency keys. */
import { parseGatewayRequest } from '../../../server/gateway/parseGatewayRequest';
import { monthKey, nextMonthStart, quotaRetryAfterSeconds } from '../../../server/gateway/quotaPeriod';
import { RateLimiter } from '../../../server/gateway/RateLimiter';
import { canonicalJson, gatewayIdempotencyKey } from '../../../server/gateway/toGatewayOutboxEntry';
import { bearerToken, hashWorkspaceToken, issueWorkspaceToken } from '../../../server/gateway/workspaceTokens';

describe('RateLimiter (token bucket)', () => {
  it('allows the burst, then one request per 1/rate seconds, and says how long to wait', () => {
    const limiter = new RateLimiter();
    const limit = { perSecond: 2, burst: 3 };
    const t0 = 1_000_000;
    expect([1, 2, 3].map(() => limiter.take('w', limit, t0).allowed)).toEqual([true, true, true]);
    expect(limiter.take('w', limit, t0)).toEqual({ allowed: false, retryAfterMs: 500 });
    expect(limiter.take('w', limit, t0 + 499).allowed).toBe(false);
    expect(limiter.take('w', limit, t0 + 500).allowed).toBe(true);
    // Other workspaces have their own bucket.
    expect(limiter.take('other', limit, t0).allowed).toBe(true);
  });

  it('refills up to the burst only, and a rate of 0 means no limit', () => {
    const limiter = new RateLimiter();
    const limit = { perSecond: 1, burst: 2 };
    limiter.take('w', limit, 0);
    limiter.take('w', limit, 0);
    const later = 3_600_000;
    expect([1, 2, 3].map(() => limiter.take('w', limit, later).allowed)).toEqual([true, true, false]);
    expect(limiter.take('free', { perSecond: 0, burst: 1 }, 0).allowed).toBe(true);
    expect(limiter.take('free', { perSecond: 0, burst: 1 }, 0).allowed).toBe(true);
  });
});

describe('quota months (UTC)', () => {
  it('names the month and finds its end in UTC, whatever the local time zone', () => {
    expect(monthKey(new Date('2030-12-31T23:59:59.999Z'))).toBe('2030-12');
    expect(monthKey(new Date('2031-01-01T00:00:00.000Z'))).toBe('2031-01');
    expect(nextMonthStart(new Date('2030-12-15T10:00:00Z')).toISOString()).toBe('2031-01-01T00:00:00.000Z');
  });

  it('sends the time to the month end as Retry-After, capped, and at least one second', () => {
    expect(quotaRetryAfterSeconds(new Date('2030-04-30T23:59:00Z'), 3600)).toBe(60);
    expect(quotaRetryAfterSeconds(new Date('2030-04-01T00:00:00Z'), 3600)).toBe(3600);
    expect(quotaRetryAfterSeconds(new Date('2030-04-30T23:59:59.999Z'), 3600)).toBe(1);
  });
});

describe('parseGatewayRequest', () => {
  it('reads a Rocket.Chat request and applies its defaults', () => {
    const parsed = parseGatewayRequest('apn', {
      token: 'abc',
      options: { uniqueId: 'ws', apn: { topic: 'com.x', category: 'VIDEOCONF' }, createdBy: '<SERVER>', sent: false, notId: -5 },
    });
    expect(parsed).toEqual({
      ok: true,
      request: { platform: 'apn', token: 'abc', uniqueId: 'ws', topic: 'com.x', title: '', text: '', badge: 0, sound: 'default', notId: -5, from: 'push', category: 'VIDEOCONF', payload: {} },
    });
  });

  it('lists every problem at once', () => {
    const parsed = parseGatewayRequest('gcm', { token: '', options: { uniqueId: 7, badge: -1, collapseId: 'x'.repeat(65) } });
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.errors).toEqual([
      'token must be a non-empty string',
      'options.uniqueId must be a string',
      'options.badge must be an integer >= 0',
      'options.collapseId must be at most 64 bytes',
    ]);
  });
});

describe('idempotency keys and workspace tokens', () => {
  it('keys a request by its apnsId when it has one, else by its body in any key order', () => {
    const withId = parseGatewayRequest('apn', { token: 't', options: { uniqueId: 'ws', topic: 'a', apnsId: 'AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE' } });
    if (!withId.ok) throw new Error('unexpected');
    expect(gatewayIdempotencyKey('ws', withId.request, {})).toBe('ws:aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee');
    const a = { token: 't', options: { uniqueId: 'ws', topic: 'a', title: 'x' } };
    const b = { options: { title: 'x', topic: 'a', uniqueId: 'ws' }, token: 't' };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    const parsed = parseGatewayRequest('apn', a);
    if (!parsed.ok) throw new Error('unexpected');
    expect(gatewayIdempotencyKey('ws', parsed.request, a)).toBe(gatewayIdempotencyKey('ws', parsed.request, b));
    expect(gatewayIdempotencyKey('ws', parsed.request, a)).not.toBe(gatewayIdempotencyKey('other', parsed.request, a));
  });

  it('issues long random tokens and stores only their SHA-256', () => {
    const token = issueWorkspaceToken();
    expect(token).toMatch(/^gwt_[A-Za-z0-9_-]{43}$/);
    expect(issueWorkspaceToken()).not.toBe(token);
    expect(hashWorkspaceToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashWorkspaceToken(token)).not.toContain(token.slice(4, 20));
    expect(bearerToken(`Bearer ${token}`)).toBe(token);
    expect(bearerToken(`Basic ${token}`)).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
