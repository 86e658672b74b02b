import type { Db } from 'mongodb';
import type { ISettingDocument, ISettingsModel } from '../../../definitions/IHost';
import { BaseModel } from './BaseModel';

export class SettingsModel extends BaseModel<ISettingDocument> implements ISettingsModel {
  constructor(db: Db) {
    super(db, 'rocketchat_settings', [{ key: { public: 1 }, name: 'public_1', sparse: true }]);
  }
}
