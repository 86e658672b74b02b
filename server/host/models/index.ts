import type { Db } from 'mongodb';
import type { IHostModels } from '../../../definitions/IHost';
import { UsersModel } from './UsersModel';
import { RoomsModel } from './RoomsModel';
import { SubscriptionsModel } from './SubscriptionsModel';
import { MessagesModel } from './MessagesModel';
import { SettingsModel } from './SettingsModel';
import { PushAppTokensModel } from './PushAppTokensModel';

export { UsersModel, RoomsModel, SubscriptionsModel, MessagesModel, SettingsModel, PushAppTokensModel };
export { USER_PUBLIC_PROJECTION } from './UsersModel';

/** The host's models, with their concrete classes (the `IHostModels` contract plus host-only helpers). */
export interface HostModels extends IHostModels {
  users: UsersModel;
  rooms: RoomsModel;
  subscriptions: SubscriptionsModel;
  messages: MessagesModel;
  settings: SettingsModel;
  pushAppTokens: PushAppTokensModel;
}

export function createModels(db: Db): HostModels {
  return {
    users: new UsersModel(db),
    rooms: new RoomsModel(db),
    subscriptions: new SubscriptionsModel(db),
    messages: new MessagesModel(db),
    settings: new SettingsModel(db),
    pushAppTokens: new PushAppTokensModel(db),
  };
}

/** Creates every model's indexes (idempotent). */
export async function ensureIndexes(models: HostModels): Promise<void> {
  for (const model of Object.values(models)) await model.ensureIndexes();
}
