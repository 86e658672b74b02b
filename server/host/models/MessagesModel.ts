import type { Db } from 'mongodb';
import type { IMessage } from '../../../definitions/IMessage';
import type { IMessagesModel } from '../../../definitions/IHost';
import { BaseModel } from './BaseModel';

export class MessagesModel extends BaseModel<IMessage> implements IMessagesModel {
  constructor(db: Db) {
    super(db, 'rocketchat_message', [
      { key: { rid: 1, ts: 1 }, name: 'rid_1_ts_1' },
      { key: { tmid: 1 }, name: 'tmid_1', sparse: true },
      { key: { 'u._id': 1 }, name: 'u._id_1' },
      { key: { ts: 1 }, name: 'ts_1' },
    ]);
  }
}
