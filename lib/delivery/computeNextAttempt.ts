import { PushError } from '../errors';

export type JitterStrategy = 'full' | 'decorrelated';

export interface INextAttemptInput {
  /** Attempts made so far, the one that just failed included (>= 1). */
  attempts: number;
  now: Date;
  /** When the push was first queued: the age bound counts from here. */
  createdAt: Date;
  /** Give up once this many attempts were made. */
  maxAttempts: number;
  /** Give up when the next attempt would start later than `createdAt + maxAgeMs`. */
  maxAgeMs: number;
  /** The provider asked us to wait at least this long (Retry-After). */
  retryAfterMs?: number;
  /** A source of uniform numbers in [0, 1): `Math.random` in production, a constant in tests. */
  random: () => number;
  /** @defaultValue 1000 */
  baseMs?: number;
  /** Largest backoff we pick ourselves (a Retry-After may ask for more). @defaultValue 15 minutes */
  capMs?: number;
  /** @defaultValue 'full' */
  jitter?: JitterStrategy;
  /** Decorrelated jitter only: the previous wait (defaults to `baseMs`). */
  previousDelayMs?: number;
}

export const DEFAULT_BACKOFF_BASE_MS = 1000;
export const DEFAULT_BACKOFF_CAP_MS = 15 * 60 * 1000;

/**
 * When to try a failed push again, or `null` to give up.
 *
 * Exponential backoff with jitter so that a provider outage does not turn into synchronized retry waves
 * (https://aws.amazon.com/builders-library/timeouts-retries-and-backoff-with-jitter/):
 * - `full`: uniform in [base, min(cap, base·2^(attempts−1))]; the ceiling doubles with every attempt. The floor of
 *   one base keeps a retry from going out immediately after a failure.
 * - `decorrelated`: uniform in [base, min(cap, 3·previous)].
 * A Retry-After is a floor, never shortened and not capped (the provider knows its quota better than we do). The
 * push is given up after `maxAttempts` attempts, or when the next attempt would fall past its maximum age.
 */
export function computeNextAttempt(input: INextAttemptInput): Date | null {
  const { attempts, now, createdAt, maxAttempts, maxAgeMs, retryAfterMs, random } = input;
  const baseMs = input.baseMs ?? DEFAULT_BACKOFF_BASE_MS;
  const capMs = Math.max(baseMs, input.capMs ?? DEFAULT_BACKOFF_CAP_MS);
  if (!Number.isInteger(attempts) || attempts < 1) {
    throw new PushError('PUSH_ERR_INVALID_INPUT', [`attempts must be an integer >= 1, got ${String(attempts)}`]);
  }
  if (attempts >= maxAttempts) return null;

  const draw = Math.min(Math.max(random(), 0), 1);
  let delayMs: number;
  if ((input.jitter ?? 'full') === 'decorrelated') {
    const ceiling = Math.min(capMs, Math.max(baseMs, 3 * (input.previousDelayMs ?? baseMs)));
    delayMs = baseMs + draw * (ceiling - baseMs);
  } else {
    // 2^(attempts-1) overflows to Infinity long after it passed the cap; min() handles that.
    const ceiling = Math.min(capMs, baseMs * 2 ** (attempts - 1));
    delayMs = baseMs + draw * (ceiling - baseMs);
  }
  if (retryAfterMs !== undefined && retryAfterMs > delayMs) delayMs = retryAfterMs;

  const next = now.getTime() + Math.round(delayMs);
  if (next > createdAt.getTime() + maxAgeMs) return null;
  return new Date(next);
}
