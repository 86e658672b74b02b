import type { INotificationContext } from '../../definitions/INotificationDecision';
import type { PushPreference } from '../../definitions/IUser';

/** Where the effective mobile preference came from. */
export type PreferenceLevel = 'room' | 'account' | 'server default';

export interface IResolvedPreference {
  value: PushPreference;
  level: PreferenceLevel;
  /** Human wording for traces, e.g. "room preference 'mentions' (set on the room)". */
  description: string;
}

/**
 * The recipient's effective mobile push preference for this room, by the cascade:
 * 1. the subscription's `mobilePushNotifications`: a room override (`mobilePrefOrigin` 'subscription' or unset)
 *    or the account preference copied onto the subscription (`mobilePrefOrigin` 'user');
 * 2. the account preference `settings.preferences.pushNotifications`;
 * 3. the server default `Accounts_Default_User_Preferences_pushNotifications`, or `all` if even that is invalid.
 * Any other stored value (notably `'default'`, which Rocket.Chat's UI uses for "unset") falls through.
 */
export function resolveMobilePreference(ctx: INotificationContext): IResolvedPreference {
  const { subscription, user } = ctx.recipient;
  const onRoom = subscription.mobilePushNotifications;
  if (isPreference(onRoom)) {
    return subscription.mobilePrefOrigin === 'user'
      ? { value: onRoom, level: 'account', description: `account preference '${onRoom}' (copied to the room)` }
      : { value: onRoom, level: 'room', description: `room preference '${onRoom}' (set on the room)` };
  }
  const onAccount = user.settings?.preferences?.pushNotifications;
  if (isPreference(onAccount)) {
    return { value: onAccount, level: 'account', description: `account preference '${onAccount}'` };
  }
  const serverDefault = ctx.settings.Accounts_Default_User_Preferences_pushNotifications;
  const value = isPreference(serverDefault) ? serverDefault : 'all';
  return { value, level: 'server default', description: `server default '${value}'` };
}

/**
 * The recipient chose `all` for this very room (not a copy of their account preference): the one preference
 * that keeps notifying in rooms over `Notifications_Max_Room_Members`.
 */
export function hasExplicitRoomPreferenceAll(ctx: INotificationContext): boolean {
  const { subscription } = ctx.recipient;
  return subscription.mobilePushNotifications === 'all' && subscription.mobilePrefOrigin !== 'user';
}

function isPreference(value: unknown): value is PushPreference {
  return value === 'all' || value === 'mentions' || value === 'nothing';
}
