/** Longest wait we accept from a provider: a day. A larger (or absurd) value is capped, not trusted. */
export const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

/**
 * Reads an HTTP `Retry-After` value (RFC 9110 §10.2.3: delay-seconds or an HTTP-date) as milliseconds from `now`.
 * Returns undefined when the value is absent or unreadable; a date in the past means "now" (0).
 */
export function parseRetryAfter(value: string | number | string[] | undefined | null, now: Date): number | undefined {
  if (value === undefined || value === null) return undefined;
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined) return undefined;
  if (typeof raw === 'number') return clamp(raw * 1000);
  const text = raw.trim();
  if (text === '') return undefined;
  if (/^\d+$/.test(text)) return clamp(Number(text) * 1000);
  // Only an IMF-fixdate style value counts as a date: `Date.parse` alone accepts too much ("1.5" is a date to it).
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return clamp(at - now.getTime());
}

function clamp(ms: number): number | undefined {
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(Math.max(0, Math.round(ms)), MAX_RETRY_AFTER_MS);
}
