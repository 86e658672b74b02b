import { computeNextAttempt, type INextAttemptInput } from '../../../lib/delivery/computeNextAttempt';
import { isPushError } from '../../../lib/errors';

const NOW = new Date('2030-01-01T00:00:00Z');
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

function delayOf(input: Partial<INextAttemptInput>): number | null {
  const next = computeNextAttempt({
    attempts: 1,
    now: NOW,
    createdAt: NOW,
    maxAttempts: 100,
    maxAgeMs: 7 * DAY,
    random: () => 0.5,
    ...input,
  });
  return next === null ? null : next.getTime() - NOW.getTime();
}

describe('computeNextAttempt (full jitter)', () => {
  it('the ceiling (random → 1) doubles with each attempt from 1 s', () => {
    const ceilings = [1, 2, 3, 4, 5, 6].map((attempts) => delayOf({ attempts, random: () => 1 }));
    expect(ceilings).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000]);
  });

  it('grows monotonically for the same draw', () => {
    const delays = Array.from({ length: 30 }, (_, i) => delayOf({ attempts: i + 1, random: () => 0.37 }) as number);
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1]);
  });

  it('is capped at 15 minutes by default, even after very many attempts', () => {
    expect(delayOf({ attempts: 20, random: () => 1 })).toBe(15 * MINUTE);
    expect(delayOf({ attempts: 2000, maxAttempts: 5000, random: () => 1 })).toBe(15 * MINUTE);
  });

  it('respects a custom base and cap', () => {
    expect(delayOf({ attempts: 3, baseMs: 500, random: () => 1 })).toBe(2_000);
    expect(delayOf({ attempts: 10, capMs: 10_000, random: () => 1 })).toBe(10_000);
  });

  it.each([0, 0.25, 0.5, 0.999])('stays within [base, ceiling] for random %p', (draw) => {
    const delay = delayOf({ attempts: 5, random: () => draw }) as number;
    expect(delay).toBeGreaterThanOrEqual(1_000);
    expect(delay).toBeLessThanOrEqual(16_000);
    expect(delay).toBe(Math.round(1_000 + draw * 15_000));
  });

  it('never retries immediately, even with a zero draw', () => {
    expect(delayOf({ attempts: 4, random: () => 0 })).toBe(1_000);
  });

  it('treats Retry-After as a floor', () => {
    expect(delayOf({ attempts: 1, retryAfterMs: 120_000 })).toBe(120_000);
    expect(delayOf({ attempts: 6, random: () => 1, retryAfterMs: 5_000 })).toBe(32_000);
  });

  it('honours a Retry-After longer than the cap', () => {
    expect(delayOf({ attempts: 3, retryAfterMs: 3_600_000 })).toBe(3_600_000);
  });

  it('gives up after maxAttempts', () => {
    expect(delayOf({ attempts: 4, maxAttempts: 5 })).not.toBeNull();
    expect(delayOf({ attempts: 5, maxAttempts: 5 })).toBeNull();
  });

  it('gives up when the next attempt would pass the maximum age', () => {
    const createdAt = new Date(NOW.getTime() - 59 * MINUTE);
    expect(delayOf({ attempts: 1, createdAt, maxAgeMs: 60 * MINUTE, random: () => 0 })).toBe(1_000);
    expect(delayOf({ attempts: 1, createdAt, maxAgeMs: 60 * MINUTE, retryAfterMs: 2 * MINUTE })).toBeNull();
  });

  it('refuses a nonsensical attempt count', () => {
    expect.assertions(1);
    try {
      delayOf({ attempts: 0 });
    } catch (error) {
      expect(isPushError(error, 'PUSH_ERR_INVALID_INPUT')).toBe(true);
    }
  });
});

describe('computeNextAttempt (decorrelated jitter)', () => {
  it('draws between base and three times the previous delay', () => {
    expect(delayOf({ jitter: 'decorrelated', previousDelayMs: 4_000, random: () => 0 })).toBe(1_000);
    expect(delayOf({ jitter: 'decorrelated', previousDelayMs: 4_000, random: () => 1 })).toBe(12_000);
  });

  it('is capped', () => {
    expect(delayOf({ jitter: 'decorrelated', previousDelayMs: 10 * MINUTE, random: () => 1 })).toBe(15 * MINUTE);
  });

  it('starts from the base without a previous delay', () => {
    expect(delayOf({ jitter: 'decorrelated', random: () => 1 })).toBe(3_000);
  });
});
