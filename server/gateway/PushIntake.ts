import type { PushPlatform } from '../../definitions/IPushToken';
import type { OutboxModel } from '../push/outbox/OutboxModel';
import type { GatewayMetrics, RefusalReason } from './GatewayMetrics';
import type { DeadTokensModel } from './models/DeadTokensModel';
import type { UsageModel } from './models/UsageModel';
import type { WorkspacesModel } from './models/WorkspacesModel';
import { parseGatewayRequest } from './parseGatewayRequest';
import { monthKey, quotaRetryAfterSeconds } from './quotaPeriod';
import type { RateLimiter } from './RateLimiter';
import { gatewayIdempotencyKey, toGatewayOutboxEntry } from './toGatewayOutboxEntry';
import type { IGatewayWorkspace, IRateLimit } from './types';
import { bearerToken, hashWorkspaceToken } from './workspaceTokens';

/** What the gateway answers to one push request. */
export interface IGatewayAnswer {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
  result: 'accepted' | 'duplicate' | 'refused';
  reason: RefusalReason | 'none';
}

export type Admission = { ok: true; workspace: IGatewayWorkspace } | { ok: false; answer: IGatewayAnswer };

export interface IIntakeLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export interface IPushIntakeOptions {
  workspaces: WorkspacesModel;
  usage: UsageModel;
  deadTokens: DeadTokensModel;
  outbox: OutboxModel;
  rateLimiter: RateLimiter;
  /** The quota in force for a workspace (its own, else the default). */
  quotaOf: (workspace: IGatewayWorkspace) => number | null;
  /** The rate limit of workspaces without their own. */
  defaultRateLimit: () => IRateLimit;
  /** Longest Retry-After sent to a workspace over its monthly quota. */
  quotaRetryAfterCapSeconds: number;
  /** How long the gateway keeps trying to deliver an accepted push. */
  maxPushAgeMs: number;
  clock: () => Date;
  /** A push was accepted: wake the worker. */
  onAccepted: () => void;
  metrics: GatewayMetrics;
  logger: IIntakeLogger;
}

function refuse(status: number, reason: RefusalReason, message: string, extra: Partial<IGatewayAnswer> & { details?: unknown } = {}): IGatewayAnswer {
  const body: Record<string, unknown> = { accepted: false, error: reason, message };
  if (extra.details !== undefined) body.details = extra.details;
  return { status, body, headers: extra.headers, result: 'refused', reason };
}

/**
 * Decides every push request, in this order: bearer token → workspace (401), rate limit (429), body (422),
 * `uniqueId` (401), topic (422), known-dead device token (406), already accepted (200, no second push), monthly
 * quota (429), enqueue (200). Everything durable lives in MongoDB, so any number of instances can share the work.
 */
export class PushIntake {
  constructor(private readonly options: IPushIntakeOptions) {}

  /** Step one, before the body is even read: who is asking, and may they ask now? */
  async admit(authorization: string | string[] | undefined): Promise<Admission> {
    const token = bearerToken(authorization);
    if (!token) return { ok: false, answer: refuse(401, 'unauthorized', 'missing bearer token (Authorization: Bearer <workspace token>)') };
    const workspace = await this.options.workspaces.findByTokenHash(hashWorkspaceToken(token));
    if (!workspace) return { ok: false, answer: refuse(401, 'unauthorized', 'unknown workspace token') };
    if (workspace.revokedAt) return { ok: false, answer: refuse(401, 'revoked', 'this workspace token was revoked') };
    const limit = workspace.rateLimit ?? this.options.defaultRateLimit();
    const decision = this.options.rateLimiter.take(workspace._id, limit, this.options.clock().getTime());
    if (!decision.allowed) {
      const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
      return {
        ok: false,
        answer: refuse(429, 'rate-limited', `too many requests: at most ${limit.perSecond}/s (burst ${limit.burst})`, {
          headers: { 'retry-after': String(seconds) },
        }),
      };
    }
    return { ok: true, workspace };
  }

  /** Step two: the body of an admitted workspace's request. */
  async accept(workspace: IGatewayWorkspace, platform: PushPlatform, body: unknown): Promise<IGatewayAnswer> {
    const { options } = this;
    const parsed = parseGatewayRequest(platform, body);
    if (!parsed.ok) return refuse(422, 'invalid-request', 'the request body is invalid', { details: parsed.errors });
    const request = parsed.request;
    const now = options.clock();

    if (workspace.uniqueId === undefined) {
      const bound = await options.workspaces.bindUniqueId(workspace._id, request.uniqueId, now);
      if (bound === request.uniqueId) {
        options.logger.info({ workspaceId: workspace._id, uniqueId: bound }, 'gateway workspace bound to the uniqueId of its first push');
      }
      workspace = { ...workspace, uniqueId: bound };
    }
    if (workspace.uniqueId !== request.uniqueId) {
      return refuse(401, 'unique-id-mismatch', "options.uniqueId does not match this token's workspace");
    }
    if (workspace.topics && request.topic !== undefined && !workspace.topics.includes(request.topic)) {
      return refuse(422, 'topic-not-allowed', `topic "${request.topic}" is not allowed for this workspace`, {
        details: [`allowed topics: ${workspace.topics.join(', ')}`],
      });
    }

    const dead = await options.deadTokens.find(request.token, workspace._id);
    if (dead) {
      return refuse(406, 'token-invalid', 'the provider reported this device token as invalid; remove it', {
        details: { reason: dead.reason, at: dead.at.toISOString() },
      });
    }

    const key = gatewayIdempotencyKey(workspace._id, request, body);
    if (await this.alreadyAccepted(key)) return duplicate(key);

    const month = monthKey(now);
    const used = await options.usage.tryConsume(workspace._id, month, options.quotaOf(workspace), now);
    if (used === null) {
      const quota = options.quotaOf(workspace);
      return refuse(429, 'quota-exceeded', `monthly push quota of ${quota} used up for ${month}`, {
        headers: { 'retry-after': String(quotaRetryAfterSeconds(now, options.quotaRetryAfterCapSeconds)) },
      });
    }

    const entry = toGatewayOutboxEntry({ key, workspaceId: workspace._id, request, now, maxAgeMs: options.maxPushAgeMs });
    let inserted: number;
    try {
      inserted = await options.outbox.enqueue([entry]);
    } catch (error) {
      await options.usage.refund(workspace._id, month, now).catch(() => undefined);
      throw error;
    }
    if (inserted === 0) {
      // A concurrent copy of this request won the race: it is that push, counted once.
      await options.usage.refund(workspace._id, month, now);
      return duplicate(key);
    }
    options.onAccepted();
    return { status: 200, body: { accepted: true, id: key }, result: 'accepted', reason: 'none' };
  }

  private async alreadyAccepted(key: string): Promise<boolean> {
    return (await this.options.outbox.collection.findOne({ _id: key }, { projection: { _id: 1 } })) !== null;
  }
}

function duplicate(key: string): IGatewayAnswer {
  return { status: 200, body: { accepted: true, id: key, duplicate: true }, result: 'duplicate', reason: 'none' };
}
