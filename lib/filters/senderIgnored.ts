import type { INotificationFilter } from '../../definitions/INotificationDecision';
import { pass, skip } from './outcomes';
import { DefaultFilterPriority } from './priorities';
import { NotificationReasons as R } from './reasons';

/** Seed 2: the user ignores the sender in this room (`subscription.ignored`). */
export const senderIgnored: INotificationFilter = {
  id: 'senderIgnored',
  priority: DefaultFilterPriority.senderIgnored,
  apply(ctx) {
    const ignored = ctx.recipient.subscription.ignored;
    return ignored !== undefined && ignored.includes(ctx.sender._id)
      ? skip(R.SENDER_IGNORED, `the recipient ignores @${ctx.sender.username}`)
      : pass();
  },
};
