import type { Db } from 'mongodb';
import type { ISubscription } from '../../../definitions/ISubscription';
import type { ISubscriptionsModel } from '../../../definitions/IHost';
import { BaseModel } from './BaseModel';

export class SubscriptionsModel extends BaseModel<ISubscription> implements ISubscriptionsModel {
  constructor(db: Db) {
    super(db, 'rocketchat_subscription', [
      { key: { rid: 1, 'u._id': 1 }, name: 'rid_1_u._id_1', unique: true },
      { key: { 'u._id': 1 }, name: 'u._id_1' },
      { key: { rid: 1 }, name: 'rid_1' },
      { key: { 'u.username': 1 }, name: 'u.username_1' },
    ]);
  }

  findByRoomId(rid: string): Promise<ISubscription[]> {
    return this.col.find({ rid }).toArray();
  }

  findOneByRoomIdAndUserId(rid: string, uid: string): Promise<ISubscription | null> {
    return this.col.findOne({ rid, 'u._id': uid });
  }

  async getBadgeCount(uid: string): Promise<number> {
    const [row] = await this.col
      .aggregate<{ total: number }>([
        { $match: { 'u._id': uid, archived: { $ne: true } } },
        { $group: { _id: null, total: { $sum: '$unread' } } },
      ])
      .toArray();
    return row?.total ?? 0;
  }
}
