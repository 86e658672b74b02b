import type { Collection, Db, IndexDescription } from 'mongodb';
import type { IGatewayWorkspace, IRateLimit } from '../types';

export interface IWorkspaceChanges {
  name?: string;
  /** `null` = unlimited; `undefined` leaves it; use `resetQuota` to go back to the default. */
  monthlyQuota?: number | null;
  resetQuota?: boolean;
  /** `null` removes the restriction. */
  topics?: string[] | null;
  /** `null` goes back to the default limit. */
  rateLimit?: IRateLimit | null;
  /** `null` unbinds (the next push binds again). */
  uniqueId?: string | null;
}

/** `gateway_workspaces`: the workspaces allowed to push through this gateway. */
export class WorkspacesModel {
  static readonly collectionName = 'gateway_workspaces';

  static readonly indexes: IndexDescription[] = [
    // Every push request looks its workspace up by the hash of its bearer token.
    { key: { tokenHash: 1 }, name: 'tokenHashIndex', unique: true },
  ];

  readonly col: Collection<IGatewayWorkspace>;

  constructor(db: Db) {
    this.col = db.collection<IGatewayWorkspace>(WorkspacesModel.collectionName);
  }

  async ensureIndexes(): Promise<void> {
    await this.col.createIndexes(WorkspacesModel.indexes);
  }

  /** @throws the driver's duplicate-key error (code 11000) when the id is taken. */
  async insert(workspace: IGatewayWorkspace): Promise<void> {
    await this.col.insertOne(workspace);
  }

  findById(id: string): Promise<IGatewayWorkspace | null> {
    return this.col.findOne({ _id: id });
  }

  findByTokenHash(tokenHash: string): Promise<IGatewayWorkspace | null> {
    return this.col.findOne({ tokenHash });
  }

  list(): Promise<IGatewayWorkspace[]> {
    return this.col.find({}, { sort: { createdAt: 1 } }).toArray();
  }

  async update(id: string, changes: IWorkspaceChanges, now: Date): Promise<IGatewayWorkspace | null> {
    const set: Record<string, unknown> = { _updatedAt: now };
    const unset: Record<string, ''> = {};
    if (changes.name !== undefined) set.name = changes.name;
    if (changes.resetQuota) unset.monthlyQuota = '';
    else if (changes.monthlyQuota !== undefined) set.monthlyQuota = changes.monthlyQuota;
    if (changes.topics === null) unset.topics = '';
    else if (changes.topics !== undefined) set.topics = changes.topics;
    if (changes.rateLimit === null) unset.rateLimit = '';
    else if (changes.rateLimit !== undefined) set.rateLimit = changes.rateLimit;
    if (changes.uniqueId === null) unset.uniqueId = '';
    else if (changes.uniqueId !== undefined) set.uniqueId = changes.uniqueId;
    const update = Object.keys(unset).length > 0 ? { $set: set, $unset: unset } : { $set: set };
    return this.col.findOneAndUpdate({ _id: id }, update, { returnDocument: 'after' });
  }

  /** Replaces the token: the old one stops working at once. Also lifts a revocation. */
  rotateToken(id: string, tokenHash: string, now: Date): Promise<IGatewayWorkspace | null> {
    return this.col.findOneAndUpdate(
      { _id: id },
      { $set: { tokenHash, tokenIssuedAt: now, _updatedAt: now }, $unset: { revokedAt: '' } },
      { returnDocument: 'after' },
    );
  }

  revoke(id: string, now: Date): Promise<IGatewayWorkspace | null> {
    return this.col.findOneAndUpdate({ _id: id }, { $set: { revokedAt: now, _updatedAt: now } }, { returnDocument: 'after' });
  }

  async remove(id: string): Promise<boolean> {
    const result = await this.col.deleteOne({ _id: id });
    return result.deletedCount === 1;
  }

  /**
   * Binds an unbound workspace to the `uniqueId` of its first push. Atomic: of two first pushes with different
   * ids, one wins. @returns the bound id (this one, or the one that won).
   */
  async bindUniqueId(id: string, uniqueId: string, now: Date): Promise<string | undefined> {
    const bound = await this.col.findOneAndUpdate(
      { _id: id, uniqueId: { $exists: false } },
      { $set: { uniqueId, _updatedAt: now } },
      { returnDocument: 'after' },
    );
    if (bound) return bound.uniqueId;
    return (await this.col.findOne({ _id: id }, { projection: { uniqueId: 1 } }))?.uniqueId;
  }
}
