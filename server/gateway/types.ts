import type { IOutboxEntry } from '../../definitions/IOutboxEntry';
import type { PushPlatform } from '../../definitions/IPushToken';

/** A per-workspace token bucket: `perSecond` sustained, `burst` at once. */
export interface IRateLimit {
  perSecond: number;
  burst: number;
}

/**
 * A workspace registered at the gateway (`gateway_workspaces`). Only the SHA-256 of its bearer token is stored:
 * the token itself is shown once, when it is issued.
 */
export interface IGatewayWorkspace {
  /** The workspace id: the host's `uniqueID` when the admin gave it, else generated. */
  _id: string;
  name: string;
  /** Hex SHA-256 of the current bearer token (unique). */
  tokenHash: string;
  tokenIssuedAt: Date;
  /**
   * The `uniqueId` the workspace's pushes must carry. Set at registration when the admin gave the host's
   * `uniqueID`; otherwise bound by the first authenticated push (and shown to the admin), then enforced.
   */
  uniqueId?: string;
  /** Pushes accepted per calendar month (UTC); `null` = unlimited; absent = the gateway's default. */
  monthlyQuota?: number | null;
  /** APNs topics (bundle ids) this workspace may push to; absent = any. */
  topics?: string[];
  /** Overrides the gateway's default rate limit. */
  rateLimit?: IRateLimit;
  revokedAt?: Date;
  createdAt: Date;
  _updatedAt: Date;
}

/** What the admin API returns for a workspace: never the token hash. */
export interface IWorkspaceView {
  id: string;
  name: string;
  uniqueId: string | null;
  status: 'active' | 'revoked';
  /** The quota in force (the workspace's own, else the default); null = unlimited. */
  monthlyQuota: number | null;
  quotaSource: 'workspace' | 'default';
  /** The current month (UTC), e.g. `2026-03`, and the pushes accepted in it. */
  month: string;
  usage: number;
  /** Pushes left this month; null = unlimited. */
  remaining: number | null;
  topics: string[] | null;
  rateLimit: IRateLimit | null;
  tokenIssuedAt: string;
  createdAt: string;
  revokedAt: string | null;
}

/** Pushes accepted for one workspace in one calendar month (`gateway_usage`). */
export interface IGatewayUsage {
  /** `<workspaceId>:<YYYY-MM>` */
  _id: string;
  workspaceId: string;
  month: string;
  count: number;
  _updatedAt: Date;
}

/**
 * A device token a provider declared dead (`gateway_dead_tokens`). Reasons that speak about the device itself
 * (APNs `Unregistered`/`ExpiredToken`, FCM `UNREGISTERED`) are recorded for every workspace (`_id` = token);
 * reasons that depend on who sent it (wrong topic, wrong environment, sender mismatch, malformed token) only for
 * the workspace that sent it (`_id` = `<workspaceId>:<token>`), so one tenant cannot get another's devices removed.
 */
export interface IGatewayDeadToken {
  _id: string;
  token: string;
  platform: PushPlatform;
  /** null: dead for every workspace. */
  workspaceId: string | null;
  reason: string;
  at: Date;
}

/** A gateway outbox entry: the shared outbox entry plus the workspace it came from. */
export interface IGatewayOutboxEntry extends IOutboxEntry {
  workspaceId: string;
}
