import type { IRateLimit } from './types';

/** The gateway's tunables (from the environment in the CLI; any subset in `createGateway`). */
export interface IGatewaySettings {
  /** Quota of workspaces without their own: pushes per calendar month (UTC); null = unlimited. */
  defaultMonthlyQuota: number | null;
  /** Rate limit of workspaces without their own (perSecond 0: none). */
  rateLimit: IRateLimit;
  /** Longest Retry-After sent when a workspace is over its monthly quota. */
  quotaRetryAfterCapSeconds: number;
  /** How long an accepted push is retried (and its provider expiration). */
  maxPushAgeSeconds: number;
  /** Delivery attempts before an accepted push is given up. */
  maxAttempts: number;
  /** How long a dead-token record answers 406 before it is forgotten. */
  deadTokenTtlSeconds: number;
  /**
   * How long finished outbox entries are kept. They are what makes a retried request a duplicate instead of a
   * second push, so keep them at least as long as the senders retry (our hosts: `Push_max_age_seconds`).
   */
  finishedRetentionSeconds: number;
  /** Blank the title, body and payload of finished entries (the gateway keeps no message content it no longer needs). */
  redactFinished: boolean;
  /** How often retention and redaction run. */
  maintenanceIntervalSeconds: number;
  /** Largest push request body accepted. */
  bodyLimitBytes: number;
}

export const DEFAULT_GATEWAY_SETTINGS: Readonly<IGatewaySettings> = Object.freeze({
  defaultMonthlyQuota: null,
  // Generous: a host fans a message out to a whole room at once (a 1,000-member room is a 1,000-request burst).
  rateLimit: Object.freeze({ perSecond: 100, burst: 1000 }),
  quotaRetryAfterCapSeconds: 3600,
  maxPushAgeSeconds: 4 * 3600,
  maxAttempts: 12,
  deadTokenTtlSeconds: 30 * 24 * 3600,
  finishedRetentionSeconds: 24 * 3600,
  redactFinished: true,
  maintenanceIntervalSeconds: 60,
  bodyLimitBytes: 64 * 1024,
});
