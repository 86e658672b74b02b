/**
 * Fault injection shared by both simulators. Every decision is taken synchronously when a request arrives, so
 * "the next N requests" really means N, whatever the concurrency: JavaScript runs one request handler at a time and
 * the counter is decremented before anything awaits.
 */

import { PushError } from '../../lib/errors';

/** Fixed milliseconds, or a uniform random range. */
export type Latency = number | { min: number; max: number };

/** Answer the next `count` matching requests with this status (and provider reason / FCM error code). */
export interface FailRule {
  status: number;
  /** APNs `reason` (e.g. `TooManyRequests`) or FCM `errorCode` (e.g. `QUOTA_EXCEEDED`); a default fits the status. */
  reason?: string;
  /** Sends a `retry-after` header with this many seconds. */
  retryAfterSeconds?: number;
  /** How many requests (default 1). */
  count?: number;
  /** Only requests for these device tokens (default: any). */
  tokens?: string[];
}

/**
 * How a reset looks on the wire. HTTP/2: `stream` = RST_STREAM on that request only, `session` = the whole
 * connection is destroyed (every request in flight on it fails), `goaway` = GOAWAY then close. HTTP/1.1 always
 * destroys the socket.
 */
export type ResetMode = 'stream' | 'session' | 'goaway';

export interface ResetRule {
  count?: number;
  tokens?: string[];
  mode?: ResetMode;
}

export interface FaultSettings {
  /** Delay before every push answer (null removes it). */
  latencyMs?: Latency | null;
  /** Appended to the queue of pending failures. */
  failNext?: FailRule | FailRule[];
  /** Appended to the queue of pending connection resets. */
  resetNext?: ResetRule | ResetRule[];
  /** Refuse every push request for this long from now (0 or null: up again). The control API stays reachable. */
  downForMs?: number | null;
  /** Tokens that now answer "unregistered" (APNs 410 `Unregistered`, FCM 404 `UNREGISTERED`). */
  deadTokens?: string[];
  /** Tokens that come back to life. */
  reviveTokens?: string[];
  /** Signing keys to revoke: APNs key ids, or service-account `private_key_id`s. */
  revokeKeys?: string[];
  /** Revoked keys to trust again. */
  restoreKeys?: string[];
}

export interface DeadToken {
  /** When the provider learned the token is dead (APNs returns it as `timestamp`, ms since epoch). */
  since: number;
  /** APNs reason: `Unregistered` (default) or `ExpiredToken`. */
  reason: string;
}

export type FaultDecision =
  | { kind: 'down' }
  | { kind: 'reset'; mode: ResetMode }
  | { kind: 'fail'; status: number; reason?: string; retryAfterSeconds?: number };

interface PendingRule<T> {
  remaining: number;
  tokens: Set<string> | null;
  rule: T;
}

export interface FaultSnapshot {
  latencyMs: Latency | null;
  downUntil: string | null;
  pendingFailures: Array<FailRule & { count: number }>;
  pendingResets: Array<ResetRule & { count: number }>;
  deadTokens: Array<{ token: string; since: string; reason: string }>;
  revokedKeys: string[];
  injected: { failures: number; resets: number; refusedWhileDown: number };
}

const invalid = (what: string): PushError => new PushError('PUSH_ERR_INVALID_INPUT', [what]);

function asArray<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

function checkCount(count: unknown, label: string): number {
  if (count === undefined) return 1;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) throw invalid(`${label}.count must be a positive integer`);
  return count;
}

function checkTokens(tokens: unknown, label: string): Set<string> | null {
  if (tokens === undefined) return null;
  if (!Array.isArray(tokens) || tokens.some((t) => typeof t !== 'string')) throw invalid(`${label}.tokens must be an array of strings`);
  return new Set(tokens as string[]);
}

function checkStringList(value: unknown, label: string): string[] {
  if (!Array.isArray(value) || value.some((t) => typeof t !== 'string')) throw invalid(`${label} must be an array of strings`);
  return value as string[];
}

function checkLatency(value: unknown): Latency | null {
  if (value === null) return null;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value === 'object' && value !== null) {
    const { min, max } = value as { min?: unknown; max?: unknown };
    if (typeof min === 'number' && typeof max === 'number' && min >= 0 && max >= min) return { min, max };
  }
  throw invalid('latencyMs must be a non-negative number or {min, max}');
}

export class FaultController {
  private latency: Latency | null = null;
  private downUntil = 0;
  private failures: Array<PendingRule<FailRule>> = [];
  private resets: Array<PendingRule<ResetRule>> = [];
  private readonly dead = new Map<string, DeadToken>();
  private readonly revoked = new Set<string>();
  readonly injected = { failures: 0, resets: 0, refusedWhileDown: 0 };

  constructor(private readonly now: () => number = Date.now) {}

  /** Applies the given settings on top of the current ones. Throws PUSH_ERR_INVALID_INPUT on a malformed setting. */
  set(settings: FaultSettings): void {
    if (settings === null || typeof settings !== 'object') throw invalid('fault settings must be an object');
    // Validate everything first so a bad field leaves the state untouched.
    const latency = settings.latencyMs === undefined ? undefined : checkLatency(settings.latencyMs);
    const failures = settings.failNext === undefined ? [] : asArray(settings.failNext).map((rule, i) => {
      const label = `failNext[${i}]`;
      if (rule === null || typeof rule !== 'object') throw invalid(`${label} must be an object`);
      if (!Number.isInteger(rule.status) || rule.status < 100 || rule.status > 599) throw invalid(`${label}.status must be an HTTP status`);
      if (rule.reason !== undefined && typeof rule.reason !== 'string') throw invalid(`${label}.reason must be a string`);
      if (rule.retryAfterSeconds !== undefined && (!Number.isInteger(rule.retryAfterSeconds) || rule.retryAfterSeconds < 0)) {
        throw invalid(`${label}.retryAfterSeconds must be a non-negative integer`);
      }
      return { remaining: checkCount(rule.count, label), tokens: checkTokens(rule.tokens, label), rule: { ...rule } };
    });
    const resets = settings.resetNext === undefined ? [] : asArray(settings.resetNext).map((rule, i) => {
      const label = `resetNext[${i}]`;
      if (rule === null || typeof rule !== 'object') throw invalid(`${label} must be an object`);
      if (rule.mode !== undefined && !['stream', 'session', 'goaway'].includes(rule.mode)) {
        throw invalid(`${label}.mode must be stream, session or goaway`);
      }
      return { remaining: checkCount(rule.count, label), tokens: checkTokens(rule.tokens, label), rule: { ...rule } };
    });
    if (settings.downForMs !== undefined && settings.downForMs !== null) {
      if (typeof settings.downForMs !== 'number' || !(settings.downForMs >= 0)) throw invalid('downForMs must be a non-negative number');
    }
    const deadTokens = settings.deadTokens === undefined ? [] : checkStringList(settings.deadTokens, 'deadTokens');
    const revive = settings.reviveTokens === undefined ? [] : checkStringList(settings.reviveTokens, 'reviveTokens');
    const revoke = settings.revokeKeys === undefined ? [] : checkStringList(settings.revokeKeys, 'revokeKeys');
    const restore = settings.restoreKeys === undefined ? [] : checkStringList(settings.restoreKeys, 'restoreKeys');

    if (latency !== undefined) this.latency = latency;
    this.failures.push(...failures);
    this.resets.push(...resets);
    if (settings.downForMs !== undefined) this.downUntil = settings.downForMs ? this.now() + settings.downForMs : 0;
    this.markDead(deadTokens);
    for (const token of revive) this.dead.delete(token);
    for (const key of revoke) this.revoked.add(key);
    for (const key of restore) this.revoked.delete(key);
  }

  /** Back to a healthy service: no latency, nothing pending, nobody dead, nothing revoked. */
  clear(): void {
    this.latency = null;
    this.downUntil = 0;
    this.failures = [];
    this.resets = [];
    this.dead.clear();
    this.revoked.clear();
  }

  /** Zeroes the counts of injected faults (the simulators' clear() calls it with their other counters). */
  resetCounters(): void {
    this.injected.failures = 0;
    this.injected.resets = 0;
    this.injected.refusedWhileDown = 0;
  }

  markDead(tokens: string[], options: { at?: Date; reason?: string } = {}): void {
    const since = options.at ? options.at.getTime() : this.now();
    for (const token of tokens) this.dead.set(token, { since, reason: options.reason ?? 'Unregistered' });
  }

  deadToken(token: string): DeadToken | undefined {
    return this.dead.get(token);
  }

  isRevoked(keyId: string): boolean {
    return this.revoked.has(keyId);
  }

  isDown(): boolean {
    return this.downUntil > this.now();
  }

  /** Decides (and consumes) the fault for one push request. Precedence: down, then resets, then failures. */
  decide(token: string | undefined): FaultDecision | null {
    if (this.downUntil) {
      if (this.downUntil > this.now()) {
        this.injected.refusedWhileDown++;
        return { kind: 'down' };
      }
      this.downUntil = 0;
    }
    const reset = this.take(this.resets, token);
    if (reset) {
      this.injected.resets++;
      return { kind: 'reset', mode: reset.mode ?? 'session' };
    }
    const failure = this.take(this.failures, token);
    if (failure) {
      this.injected.failures++;
      return { kind: 'fail', status: failure.status, reason: failure.reason, retryAfterSeconds: failure.retryAfterSeconds };
    }
    return null;
  }

  /** Milliseconds to hold the answer back (0 when no latency is set). */
  delayMs(): number {
    const latency = this.latency;
    if (latency === null) return 0;
    if (typeof latency === 'number') return latency;
    return latency.min + Math.random() * (latency.max - latency.min);
  }

  snapshot(): FaultSnapshot {
    const pending = <T>(rules: Array<PendingRule<T>>) =>
      rules.map((r) => ({ ...r.rule, count: r.remaining, ...(r.tokens ? { tokens: [...r.tokens] } : {}) }));
    return {
      latencyMs: this.latency,
      downUntil: this.isDown() ? new Date(this.downUntil).toISOString() : null,
      pendingFailures: pending(this.failures),
      pendingResets: pending(this.resets),
      deadTokens: [...this.dead].map(([token, d]) => ({ token, since: new Date(d.since).toISOString(), reason: d.reason })),
      revokedKeys: [...this.revoked],
      injected: { ...this.injected },
    };
  }

  private take<T>(rules: Array<PendingRule<T>>, token: string | undefined): T | null {
    if (rules.length === 0) return null;
    const index = rules.findIndex((r) => r.tokens === null || (token !== undefined && r.tokens.has(token)));
    if (index < 0) return null;
    const pending = rules[index];
    pending.remaining--;
    if (pending.remaining === 0) rules.splice(index, 1);
    return pending.rule;
  }
}
