import type { Collection, Db } from 'mongodb';
import type { IGatewayUsage } from '../types';

/**
 * `gateway_usage`: pushes accepted per workspace and calendar month, counted durably with one atomic `$inc` per
 * push, so every instance sharing the database enforces the same quota.
 */
export class UsageModel {
  static readonly collectionName = 'gateway_usage';

  readonly col: Collection<IGatewayUsage>;
  /** Months whose counter document is known to exist (saves the upsert round trip on later pushes). */
  private readonly ensured = new Set<string>();

  constructor(db: Db) {
    this.col = db.collection<IGatewayUsage>(UsageModel.collectionName);
  }

  async ensureIndexes(): Promise<void> {
    await this.col.createIndexes([{ key: { month: 1 }, name: 'monthIndex' }]);
  }

  /**
   * Counts one push if the workspace is still under `quota` this month (null = unlimited).
   * @returns the new count, or null when the quota is used up (nothing counted).
   */
  async tryConsume(workspaceId: string, month: string, quota: number | null, now: Date): Promise<number | null> {
    const _id = `${workspaceId}:${month}`;
    if (!this.ensured.has(_id)) {
      // Create the counter first, so that the conditional increment below never has to upsert: an upsert whose
      // filter fails on an existing document would try to insert a duplicate instead of reporting "over quota".
      await this.col.updateOne(
        { _id },
        { $setOnInsert: { workspaceId, month, count: 0, _updatedAt: now } },
        { upsert: true },
      );
      this.ensured.add(_id);
    }
    const filter = quota === null ? { _id } : { _id, count: { $lt: quota } };
    const after = await this.col.findOneAndUpdate(
      filter,
      { $inc: { count: 1 }, $set: { _updatedAt: now } },
      { returnDocument: 'after', projection: { count: 1 } },
    );
    if (after) return after.count;
    // Over quota, or the counter was deleted behind our back (then count again from a fresh document).
    if (!(await this.col.findOne({ _id }, { projection: { _id: 1 } }))) {
      this.ensured.delete(_id);
      return this.tryConsume(workspaceId, month, quota, now);
    }
    return null;
  }

  /** Gives back a push that was counted but not accepted after all (a duplicate, or a failed enqueue). */
  async refund(workspaceId: string, month: string, now: Date): Promise<void> {
    await this.col.updateOne({ _id: `${workspaceId}:${month}`, count: { $gt: 0 } }, { $inc: { count: -1 }, $set: { _updatedAt: now } });
  }

  async usage(workspaceId: string, month: string): Promise<number> {
    return (await this.col.findOne({ _id: `${workspaceId}:${month}` }))?.count ?? 0;
  }

  /** Every workspace's count for a month. */
  async usageByWorkspace(month: string): Promise<Map<string, number>> {
    const docs = await this.col.find({ month }).toArray();
    return new Map(docs.map((d) => [d.workspaceId, d.count]));
  }
}
