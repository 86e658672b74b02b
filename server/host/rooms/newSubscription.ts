import type { IRoom } from '../../../definitions/IRoom';
import type { ISubscription } from '../../../definitions/ISubscription';
import type { IUser } from '../../../definitions/IUser';
import { randomId } from '../util/random';

/**
 * A member's subscription, seeded like Rocket.Chat's `getDefaultSubscriptionPref`: the account push preference is
 * copied (origin `user`) and the highlights too, so the notification filters read one document.
 */
export function newSubscription(
  room: IRoom,
  user: Pick<IUser, '_id' | 'username' | 'settings'>,
  now: Date,
  extra: Partial<ISubscription> = {},
): ISubscription {
  const preferences = user.settings?.preferences ?? {};
  const subscription: ISubscription = {
    _id: randomId(),
    rid: room._id,
    u: { _id: user._id, username: user.username },
    t: room.t,
    name: room.name ?? '',
    open: true,
    alert: false,
    unread: 0,
    userMentions: 0,
    groupMentions: 0,
    ts: now,
    ls: now,
    _updatedAt: now,
    ...extra,
  };
  if (room.fname && subscription.fname === undefined) subscription.fname = room.fname;
  if (preferences.pushNotifications) {
    subscription.mobilePushNotifications = preferences.pushNotifications;
    subscription.mobilePrefOrigin = 'user';
  }
  if (preferences.highlights && preferences.highlights.length > 0) subscription.userHighlights = [...preferences.highlights];
  return subscription;
}
