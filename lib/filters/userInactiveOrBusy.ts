import type { INotificationFilter } from '../../definitions/INotificationDecision';
import { pass, skip } from './outcomes';
import { DefaultFilterPriority } from './priorities';
import { NotificationReasons as R } from './reasons';

/**
 * Seed 4: deactivated users get nothing; a user who set their status to busy asked not to be disturbed, which
 * wins even over mentions and direct messages.
 */
export const userInactiveOrBusy: INotificationFilter = {
  id: 'userInactiveOrBusy',
  priority: DefaultFilterPriority.userInactiveOrBusy,
  apply(ctx) {
    const { user } = ctx.recipient;
    if (user.active !== true) return skip(R.USER_INACTIVE, 'the user is deactivated');
    if (user.status === 'busy') return skip(R.USER_BUSY, 'the user\'s status is busy');
    return pass();
  },
};
