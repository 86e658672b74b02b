import type { INotificationFilter } from '../../definitions/INotificationDecision';
import { isDirectMessage, isPersonallyAddressed } from './addressing';
import { pass, skip } from './outcomes';
import { DefaultFilterPriority } from './priorities';
import { hasExplicitRoomPreferenceAll } from './resolveMobilePreference';
import { NotificationReasons as R } from './reasons';

/**
 * Seed 8: in a room with more members than `Notifications_Max_Room_Members` (0 = no limit) only personal
 * addressing (mention, highlight, followed thread) or an explicit room preference `all` notifies. A preference
 * copied from the account does not count: that is what keeps big rooms from paging everyone.
 */
export const roomTooLarge: INotificationFilter = {
  id: 'roomTooLarge',
  priority: DefaultFilterPriority.roomTooLarge,
  apply(ctx) {
    const max = ctx.settings.Notifications_Max_Room_Members;
    if (!(max > 0) || !(ctx.room.usersCount > max)) return pass();
    // A DM has two members; only a nonsensical limit of 1 could catch it, and a DM is personal anyway.
    if (isPersonallyAddressed(ctx) || isDirectMessage(ctx)) return pass('large room, but addressed personally');
    if (hasExplicitRoomPreferenceAll(ctx)) return pass("large room, but the room preference is 'all'");
    return skip(R.ROOM_TOO_LARGE, `${ctx.room.usersCount} members, over the limit of ${max}`);
  },
};
