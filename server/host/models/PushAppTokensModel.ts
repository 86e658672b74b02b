import type { Db } from 'mongodb';
import type { IPushToken } from '../../../definitions/IPushToken';
import type { IPushAppTokensModel } from '../../../definitions/IHost';
import { BaseModel } from './BaseModel';

/** `_raix_push_app_tokens`: the devices. The push endpoints that write it belong to the push module. */
export class PushAppTokensModel extends BaseModel<IPushToken> implements IPushAppTokensModel {
  constructor(db: Db) {
    super(db, '_raix_push_app_tokens', [
      { key: { userId: 1, authToken: 1 }, name: 'userId_1_authToken_1' },
      { key: { 'token.apn': 1 }, name: 'token.apn_1', sparse: true },
      { key: { 'token.gcm': 1 }, name: 'token.gcm_1', sparse: true },
      { key: { appName: 1, userId: 1 }, name: 'appName_1_userId_1' },
    ]);
  }

  findEnabledByUserIds(uids: readonly string[]): Promise<IPushToken[]> {
    return this.col.find({ userId: { $in: [...uids] }, enabled: true }).toArray();
  }

  async removeByUserIdExceptAuthTokens(uid: string, hashedTokens: readonly string[]): Promise<number> {
    const result = await this.col.deleteMany({ userId: uid, authToken: { $nin: [...hashedTokens] } });
    return result.deletedCount;
  }
}
