/** Limits for one kind of key (a username, an IP address). */
export interface ThrottleLimit {
  /** Failures allowed within the window before the key is blocked. */
  attempts: number;
  /** Length of the counting window and of the block. */
  windowMs: number;
}

export interface ThrottlePolicy {
  enabled: boolean;
  byUser: ThrottleLimit;
  byIp: ThrottleLimit;
}

export type ThrottleVerdict = { blocked: false } | { blocked: true; retryAfterSeconds: number };

interface Entry {
  failures: number;
  firstAt: number;
  blockedUntil?: number;
}

/**
 * Brute-force protection for `login`, per username and per client IP (Rocket.Chat's Block_Multiple_Failed_Logins_*).
 * After `attempts` failures within the window the key is blocked for the window's length; while blocked, even a
 * correct password is refused (otherwise guessing would simply continue). A successful login clears the username's
 * count but not the IP's, so one valid account cannot be used to reset an attacker's IP budget.
 *
 * State is in memory, per instance: behind a load balancer each instance counts on its own (a documented limit).
 * The clock comes in as `now` so tests need no timers.
 */
export class LoginThrottle {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxEntries = 10_000) {}

  check(username: string, ip: string, policy: ThrottlePolicy, now: number): ThrottleVerdict {
    if (!policy.enabled) return { blocked: false };
    const until = Math.max(this.blockedUntil(userKey(username), now), this.blockedUntil(ipKey(ip), now));
    return until > now ? { blocked: true, retryAfterSeconds: Math.max(1, Math.ceil((until - now) / 1000)) } : { blocked: false };
  }

  recordFailure(username: string, ip: string, policy: ThrottlePolicy, now: number): void {
    if (!policy.enabled) return;
    this.fail(userKey(username), policy.byUser, now);
    this.fail(ipKey(ip), policy.byIp, now);
    this.prune(now);
  }

  recordSuccess(username: string): void {
    this.entries.delete(userKey(username));
  }

  /** Number of keys tracked (for tests and diagnostics). */
  get size(): number {
    return this.entries.size;
  }

  private blockedUntil(key: string, now: number): number {
    const entry = this.entries.get(key);
    if (!entry?.blockedUntil) return 0;
    if (entry.blockedUntil <= now) {
      this.entries.delete(key);
      return 0;
    }
    return entry.blockedUntil;
  }

  private fail(key: string, limit: ThrottleLimit, now: number): void {
    let entry = this.entries.get(key);
    const expired = entry && (entry.blockedUntil !== undefined ? entry.blockedUntil <= now : now - entry.firstAt > limit.windowMs);
    if (!entry || expired) {
      entry = { failures: 0, firstAt: now };
    }
    entry.failures += 1;
    if (entry.failures >= limit.attempts) entry.blockedUntil = Math.max(entry.blockedUntil ?? 0, now + limit.windowMs);
    // Re-insert so the Map's order is least-recently-failed first (pruned first).
    this.entries.delete(key);
    this.entries.set(key, entry);
  }

  private prune(now: number): void {
    if (this.entries.size <= this.maxEntries) return;
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries) break;
      if (!entry.blockedUntil || entry.blockedUntil <= now) this.entries.delete(key);
    }
    // Still too many (a flood of blocked keys): drop the oldest rather than grow without bound.
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(key);
    }
  }
}

const userKey = (username: string) => `u:${username.trim().toLowerCase()}`;
const ipKey = (ip: string) => `ip:${ip}`;
