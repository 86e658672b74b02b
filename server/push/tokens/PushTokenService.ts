import type { Collection } from 'mongodb';
import type { IPushToken, PushPlatform } from '../../../definitions/IPushToken';
import { randomId } from '../../host/util/random';

export interface IRegisterTokenInput {
  userId: string;
  /** The hashed login token of the session registering the device: the device goes when the session goes. */
  hashedToken?: string;
  /** The app's own device id; re-registering with it updates that device. */
  id?: string;
  type: PushPlatform;
  value: string;
  appName: string;
  now: Date;
}

/**
 * Devices (`_raix_push_app_tokens`), as Rocket.Chat's `Push.registerPushToken` keeps them: one document per
 * device, found by the app's device id (the caller's own) or by (token, appName); a token registered by another user
 * moves to that user (a shared phone changing hands); duplicates of the same token are removed so a phone never
 * gets the same push twice.
 */
export class PushTokenService {
  constructor(private readonly tokens: Collection<IPushToken>) {}

  async register(input: IRegisterTokenInput): Promise<IPushToken> {
    const tokenField = `token.${input.type}`;
    // A device id is only looked up among the caller's own devices: knowing another user's device id must not let
    // anyone take that device over. Holding the token itself is proof enough (a phone changing hands).
    const byId = input.id ? await this.tokens.findOne({ _id: input.id }) : null;
    const existing =
      (byId && byId.userId === input.userId ? byId : null) ??
      (await this.tokens.findOne({ [tokenField]: input.value, appName: input.appName }));
    const _id = existing?._id ?? (input.id && !byId ? input.id : randomId());
    const fields = {
      token: input.type === 'apn' ? { apn: input.value } : { gcm: input.value },
      appName: input.appName,
      userId: input.userId,
      enabled: true,
      _updatedAt: input.now,
      ...(input.hashedToken ? { authToken: input.hashedToken } : {}),
    } as const;
    await this.tokens.updateOne({ _id }, { $set: fields, $setOnInsert: { createdAt: input.now, metadata: {} } }, { upsert: true });
    // The same device token under another id (an app reinstalled, a device id changed): keep only this one.
    await this.tokens.deleteMany({ _id: { $ne: _id }, [tokenField]: input.value, appName: input.appName });
    const saved = await this.tokens.findOne({ _id });
    if (!saved) throw new Error('push token vanished right after it was saved');
    return saved;
  }

  /** Removes the caller's devices with this token value; returns how many. */
  async unregister(userId: string, value: string): Promise<number> {
    const result = await this.tokens.deleteMany({ userId, $or: [{ 'token.apn': value }, { 'token.gcm': value }] });
    return result.deletedCount;
  }

  /**
   * The provider declared the token dead. Only documents not re-registered since the push was queued go: a device
   * that registered again afterwards proved it is alive.
   */
  async removeDead(platform: PushPlatform, value: string, queuedAt: Date): Promise<number> {
    const result = await this.tokens.deleteMany({ [`token.${platform}`]: value, _updatedAt: { $lte: queuedAt } });
    return result.deletedCount;
  }

  /** Devices not re-registered for `maxAgeDays` (apps refresh their token at every start) are stale. */
  async pruneStale(now: Date, maxAgeDays: number): Promise<number> {
    const before = new Date(now.getTime() - maxAgeDays * 24 * 3600 * 1000);
    const result = await this.tokens.deleteMany({ _updatedAt: { $lt: before } });
    return result.deletedCount;
  }

  /** The user's enabled devices. */
  ofUser(userId: string): Promise<IPushToken[]> {
    return this.tokens.find({ userId, enabled: { $ne: false } }).toArray();
  }
}
