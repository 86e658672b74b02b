import type { INotificationFilter } from '../../definitions/INotificationDecision';
import { pass, skip } from './outcomes';
import { DefaultFilterPriority } from './priorities';
import { NotificationReasons as R } from './reasons';

/** Seed 1: the user turned this room's notifications off (`subscription.disableNotifications`). */
export const roomNotificationsDisabled: INotificationFilter = {
  id: 'roomNotificationsDisabled',
  priority: DefaultFilterPriority.roomNotificationsDisabled,
  apply(ctx) {
    return ctx.recipient.subscription.disableNotifications === true
      ? skip(R.ROOM_NOTIFICATIONS_DISABLED, 'notifications are disabled for this room')
      : pass();
  },
};
