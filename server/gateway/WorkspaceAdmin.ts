import { PushError } from '../../lib/errors';
import type { IWorkspaceChanges, WorkspacesModel } from './models/WorkspacesModel';
import type { UsageModel } from './models/UsageModel';
import { monthKey } from './quotaPeriod';
import type { IGatewayWorkspace, IRateLimit, IWorkspaceView } from './types';
import { hashWorkspaceToken, issueWorkspaceToken, newWorkspaceId } from './workspaceTokens';

export interface IAddWorkspaceInput {
  name: string;
  /** The host's `uniqueID`; generated when absent (the first push then binds the workspace to its uniqueId). */
  id?: string;
  /** Pushes per calendar month; `null` unlimited; absent: the gateway default. */
  monthlyQuota?: number | null;
  topics?: string[];
  rateLimit?: IRateLimit;
}

/** A workspace just registered or given a new token: the only time the token is ever shown. */
export interface IIssuedWorkspace {
  workspace: IWorkspaceView;
  token: string;
}

export interface IWorkspaceAdminOptions {
  workspaces: WorkspacesModel;
  usage: UsageModel;
  /** The quota of workspaces without their own (null: unlimited). */
  defaultMonthlyQuota: () => number | null;
  clock: () => Date;
  /** Called after a change that must apply at once to requests in flight (revocation, new limits). */
  onChange?: (workspaceId: string) => void;
}

const ID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;
const TOPIC_PATTERN = /^[A-Za-z0-9._-]{1,255}$/;

/**
 * Workspace administration, shared by the admin HTTP API and the CLI: register, list with quota and usage,
 * change quota/topics/limits, rotate the token, revoke, delete. Tokens are returned only by `add` and `rotate`.
 */
export class WorkspaceAdmin {
  constructor(private readonly options: IWorkspaceAdminOptions) {}

  async add(input: IAddWorkspaceInput): Promise<IIssuedWorkspace> {
    const name = checkName(input.name);
    const id = input.id === undefined ? newWorkspaceId() : checkId(input.id);
    const now = this.options.clock();
    const token = issueWorkspaceToken();
    const workspace: IGatewayWorkspace = {
      _id: id,
      name,
      tokenHash: hashWorkspaceToken(token),
      tokenIssuedAt: now,
      createdAt: now,
      _updatedAt: now,
    };
    // A given id is the host's uniqueID: pushes must carry it from the start.
    if (input.id !== undefined) workspace.uniqueId = id;
    if (input.monthlyQuota !== undefined) workspace.monthlyQuota = checkQuota(input.monthlyQuota);
    if (input.topics !== undefined) workspace.topics = checkTopics(input.topics);
    if (input.rateLimit !== undefined) workspace.rateLimit = checkRateLimit(input.rateLimit);
    try {
      await this.options.workspaces.insert(workspace);
    } catch (error) {
      if ((error as { code?: number }).code === 11000) {
        throw new PushError('PUSH_ERR_GATEWAY_WORKSPACE_EXISTS', [id]);
      }
      throw error;
    }
    return { workspace: await this.view(workspace), token };
  }

  async list(): Promise<IWorkspaceView[]> {
    const now = this.options.clock();
    const [all, usage] = await Promise.all([
      this.options.workspaces.list(),
      this.options.usage.usageByWorkspace(monthKey(now)),
    ]);
    return all.map((w) => this.toView(w, monthKey(now), usage.get(w._id) ?? 0));
  }

  async get(id: string): Promise<IWorkspaceView> {
    return this.view(await this.require(id));
  }

  async update(id: string, changes: IWorkspaceChanges): Promise<IWorkspaceView> {
    const checked: IWorkspaceChanges = {};
    if (changes.name !== undefined) checked.name = checkName(changes.name);
    if (changes.resetQuota) checked.resetQuota = true;
    else if (changes.monthlyQuota !== undefined) checked.monthlyQuota = checkQuota(changes.monthlyQuota);
    if (changes.topics !== undefined) checked.topics = changes.topics === null ? null : checkTopics(changes.topics);
    if (changes.rateLimit !== undefined) checked.rateLimit = changes.rateLimit === null ? null : checkRateLimit(changes.rateLimit);
    if (changes.uniqueId !== undefined) checked.uniqueId = changes.uniqueId === null ? null : checkId(changes.uniqueId);
    const updated = await this.options.workspaces.update(id, checked, this.options.clock());
    if (!updated) throw new PushError('PUSH_ERR_NOT_FOUND', [`Workspace "${id}"`]);
    this.options.onChange?.(id);
    return this.view(updated);
  }

  /** A new token; the old one stops working at once (a revoked workspace becomes active again). */
  async rotate(id: string): Promise<IIssuedWorkspace> {
    const token = issueWorkspaceToken();
    const updated = await this.options.workspaces.rotateToken(id, hashWorkspaceToken(token), this.options.clock());
    if (!updated) throw new PushError('PUSH_ERR_NOT_FOUND', [`Workspace "${id}"`]);
    this.options.onChange?.(id);
    return { workspace: await this.view(updated), token };
  }

  /** Refuses the workspace's pushes from now on (401); its record and usage stay for the books. */
  async revoke(id: string): Promise<IWorkspaceView> {
    const updated = await this.options.workspaces.revoke(id, this.options.clock());
    if (!updated) throw new PushError('PUSH_ERR_NOT_FOUND', [`Workspace "${id}"`]);
    this.options.onChange?.(id);
    return this.view(updated);
  }

  /** Deletes the workspace altogether (its id may then be registered again). */
  async remove(id: string): Promise<void> {
    if (!(await this.options.workspaces.remove(id))) throw new PushError('PUSH_ERR_NOT_FOUND', [`Workspace "${id}"`]);
    this.options.onChange?.(id);
  }

  /** The quota in force for a workspace. */
  effectiveQuota(workspace: IGatewayWorkspace): number | null {
    return workspace.monthlyQuota === undefined ? this.options.defaultMonthlyQuota() : workspace.monthlyQuota;
  }

  private async require(id: string): Promise<IGatewayWorkspace> {
    const workspace = await this.options.workspaces.findById(id);
    if (!workspace) throw new PushError('PUSH_ERR_NOT_FOUND', [`Workspace "${id}"`]);
    return workspace;
  }

  private async view(workspace: IGatewayWorkspace): Promise<IWorkspaceView> {
    const month = monthKey(this.options.clock());
    return this.toView(workspace, month, await this.options.usage.usage(workspace._id, month));
  }

  private toView(w: IGatewayWorkspace, month: string, usage: number): IWorkspaceView {
    const quota = this.effectiveQuota(w);
    return {
      id: w._id,
      name: w.name,
      uniqueId: w.uniqueId ?? null,
      status: w.revokedAt ? 'revoked' : 'active',
      monthlyQuota: quota,
      quotaSource: w.monthlyQuota === undefined ? 'default' : 'workspace',
      month,
      usage,
      remaining: quota === null ? null : Math.max(0, quota - usage),
      topics: w.topics ?? null,
      rateLimit: w.rateLimit ?? null,
      tokenIssuedAt: w.tokenIssuedAt.toISOString(),
      createdAt: w.createdAt.toISOString(),
      revokedAt: w.revokedAt ? w.revokedAt.toISOString() : null,
    };
  }
}

function invalid(message: string): PushError {
  return new PushError('PUSH_ERR_INVALID_INPUT', [message]);
}

function checkName(name: unknown): string {
  if (typeof name !== 'string' || name.trim() === '' || name.length > 200) throw invalid('name must be a non-empty string of at most 200 characters');
  return name.trim();
}

function checkId(id: unknown): string {
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) throw invalid('id must be 1-128 letters, digits, ".", "_" or "-"');
  return id;
}

function checkQuota(quota: unknown): number | null {
  if (quota === null) return null;
  if (typeof quota !== 'number' || !Number.isInteger(quota) || quota < 0) throw invalid('monthlyQuota must be an integer >= 0, or null for unlimited');
  return quota;
}

function checkTopics(topics: unknown): string[] {
  if (!Array.isArray(topics) || topics.some((t) => typeof t !== 'string' || !TOPIC_PATTERN.test(t))) {
    throw invalid('topics must be a list of bundle ids (letters, digits, ".", "_", "-")');
  }
  return [...new Set(topics as string[])];
}

function checkRateLimit(limit: unknown): IRateLimit {
  const l = limit as Partial<IRateLimit> | null;
  if (!l || typeof l !== 'object' || typeof l.perSecond !== 'number' || !(l.perSecond >= 0) || typeof l.burst !== 'number' || !(l.burst >= 1)) {
    throw invalid('rateLimit must be {perSecond >= 0, burst >= 1} (perSecond 0: no limit)');
  }
  return { perSecond: l.perSecond, burst: Math.floor(l.burst) };
}
