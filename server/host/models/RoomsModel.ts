import type { Db } from 'mongodb';
import type { IRoom } from '../../../definitions/IRoom';
import type { IRoomsModel } from '../../../definitions/IHost';
import { BaseModel, exactInsensitive } from './BaseModel';

export class RoomsModel extends BaseModel<IRoom> implements IRoomsModel {
  constructor(db: Db) {
    super(db, 'rocketchat_room', [
      // Direct messages have no name: sparse keeps them out of the unique index.
      { key: { name: 1 }, name: 'name_1', unique: true, sparse: true },
      { key: { t: 1 }, name: 't_1' },
      { key: { uids: 1 }, name: 'uids_1', sparse: true },
      { key: { ts: 1 }, name: 'ts_1' },
    ]);
  }

  /** Room names are unique case-insensitively across channels and groups. */
  findOneByName(name: string): Promise<IRoom | null> {
    return this.col.findOne({ name: exactInsensitive(name) });
  }
}
