import type { IRateLimit } from './types';

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

/**
 * Token buckets per key (a workspace), in memory and per instance: a short burst is absorbed, a sustained flood is
 * refused with the time until the next token. Several instances each allow the full rate; the durable monthly
 * quota is what bounds a workspace across instances.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private lastSweep = 0;

  constructor(private readonly maxIdleMs = 60_000) {}

  /** Takes one token from `key`'s bucket. A limit with `perSecond <= 0` means no limit. */
  take(key: string, limit: IRateLimit, now: number): RateDecision {
    if (!(limit.perSecond > 0)) return { allowed: true };
    const burst = Math.max(1, limit.burst);
    this.sweep(now, limit);
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: burst, updatedAt: now };
      this.buckets.set(key, bucket);
    }
    const elapsedMs = Math.max(0, now - bucket.updatedAt);
    bucket.tokens = Math.min(burst, bucket.tokens + (elapsedMs * limit.perSecond) / 1000);
    bucket.updatedAt = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterMs: Math.ceil(((1 - bucket.tokens) * 1000) / limit.perSecond) };
  }

  /** Forgets a key (its workspace was revoked or its limit changed). */
  reset(key: string): void {
    this.buckets.delete(key);
  }

  get size(): number {
    return this.buckets.size;
  }

  /** Drops buckets idle long enough to be full again, so the map does not grow with every workspace ever seen. */
  private sweep(now: number, limit: IRateLimit): void {
    if (now - this.lastSweep < this.maxIdleMs) return;
    this.lastSweep = now;
    const refillMs = (Math.max(1, limit.burst) * 1000) / limit.perSecond;
    for (const [key, bucket] of this.buckets) {
      if (now - bucket.updatedAt > Math.max(this.maxIdleMs, refillMs)) this.buckets.delete(key);
    }
  }
}
