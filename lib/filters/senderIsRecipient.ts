import type { INotificationFilter } from '../../definitions/INotificationDecision';
import { pass, skip } from './outcomes';
import { DefaultFilterPriority } from './priorities';
import { NotificationReasons as R } from './reasons';

/** Nobody is notified of their own message. */
export const senderIsRecipient: INotificationFilter = {
  id: 'senderIsRecipient',
  priority: DefaultFilterPriority.senderIsRecipient,
  apply(ctx) {
    return ctx.recipient.user._id === ctx.sender._id ? skip(R.SENDER_IS_RECIPIENT, 'the recipient sent the message') : pass();
  },
};
