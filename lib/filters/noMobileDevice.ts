import type { INotificationFilter } from '../../definitions/INotificationDecision';
import { pass, skip } from './outcomes';
import { DefaultFilterPriority } from './priorities';
import { NotificationReasons as R } from './reasons';

/** Seed 5: there is no device to push to (no enabled push token). */
export const noMobileDevice: INotificationFilter = {
  id: 'noMobileDevice',
  priority: DefaultFilterPriority.noMobileDevice,
  apply(ctx) {
    const { tokens } = ctx.recipient;
    for (let i = 0; i < tokens.length; i++) {
      if (tokens[i].enabled !== false) return pass();
    }
    return skip(R.NO_MOBILE_DEVICE, tokens.length === 0 ? 'no registered device' : 'every device is disabled');
  },
};
