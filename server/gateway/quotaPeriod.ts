/**
 * Monthly quotas count calendar months in UTC, so every instance and every time zone agrees on when a month ends.
 */

/** `YYYY-MM` of the month `now` falls in (UTC). */
export function monthKey(now: Date): string {
  return `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The first instant of the next month (UTC). */
export function nextMonthStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
}

/**
 * The `Retry-After` (seconds) for a workspace over its monthly quota: the time until the month resets, at least 1,
 * at most `capSeconds`. The cap matters: a workspace whose quota is raised by the admin should be served again
 * soon, not at the start of next month, and a push held back for weeks is worthless anyway (the sender's outbox
 * gives up on it by its own age bound).
 */
export function quotaRetryAfterSeconds(now: Date, capSeconds: number): number {
  const untilReset = Math.ceil((nextMonthStart(now).getTime() - now.getTime()) / 1000);
  return Math.max(1, Math.min(untilReset, Math.max(1, Math.floor(capSeconds))));
}
