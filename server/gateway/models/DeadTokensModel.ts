import type { Collection, Db } from 'mongodb';
import type { PushPlatform } from '../../../definitions/IPushToken';
import type { IGatewayDeadToken } from '../types';

/**
 * Provider reasons that describe the device itself, whoever sends to it: the app was uninstalled or the token
 * expired. Every other dead-token reason (BadDeviceToken, DeviceTokenNotForTopic, SENDER_ID_MISMATCH, a malformed
 * token) depends on the sender's topic, environment or project, so it is only held against the workspace that sent.
 */
const DEVICE_WIDE_REASONS = new Set(['Unregistered', 'ExpiredToken', 'UNREGISTERED', 'NOT_FOUND']);

export function isDeviceWideReason(reason: string | undefined): boolean {
  return reason !== undefined && DEVICE_WIDE_REASONS.has(reason);
}

/** `gateway_dead_tokens`: device tokens a provider declared dead, so later pushes to them get 406 at once. */
export class DeadTokensModel {
  static readonly collectionName = 'gateway_dead_tokens';

  readonly col: Collection<IGatewayDeadToken>;

  constructor(
    db: Db,
    /** Records expire after this long (a TTL index), so a token wrongly declared dead heals by itself. */
    private readonly ttlSeconds: number,
  ) {
    this.col = db.collection<IGatewayDeadToken>(DeadTokensModel.collectionName);
  }

  async ensureIndexes(): Promise<void> {
    await this.col.createIndexes([
      { key: { at: 1 }, name: 'atTtlIndex', expireAfterSeconds: this.ttlSeconds },
      { key: { workspaceId: 1 }, name: 'workspaceIndex' },
    ]);
  }

  async record(input: { token: string; platform: PushPlatform; workspaceId: string; reason: string; at: Date }): Promise<IGatewayDeadToken> {
    const workspaceId = isDeviceWideReason(input.reason) ? null : input.workspaceId;
    const doc: IGatewayDeadToken = {
      _id: workspaceId === null ? input.token : `${workspaceId}:${input.token}`,
      token: input.token,
      platform: input.platform,
      workspaceId,
      reason: input.reason,
      at: input.at,
    };
    await this.col.replaceOne({ _id: doc._id }, doc, { upsert: true });
    return doc;
  }

  /** The record that makes `token` dead for `workspaceId`, if any (device-wide first). */
  async find(token: string, workspaceId: string): Promise<IGatewayDeadToken | null> {
    const docs = await this.col.find({ _id: { $in: [token, `${workspaceId}:${token}`] } }).toArray();
    return docs.find((d) => d.workspaceId === null) ?? docs[0] ?? null;
  }

  /** Forgets a token (an admin knows it works again). */
  async forget(token: string): Promise<number> {
    const result = await this.col.deleteMany({ token });
    return result.deletedCount;
  }

  count(): Promise<number> {
    return this.col.countDocuments({});
  }
}
