import type { INotificationFilter } from '../../definitions/INotificationDecision';
import { pass, skip } from './outcomes';
import { DefaultFilterPriority } from './priorities';
import { NotificationReasons as R } from './reasons';

/**
 * Push is switched off for the workspace (`Push_enable`), or all notifications are, for troubleshooting
 * (`Troubleshoot_Disable_Notifications`, which in Rocket.Chat unhooks the sender entirely). Checked here too so
 * that `push.explain` tells the truth.
 */
export const pushDisabled: INotificationFilter = {
  id: 'pushDisabled',
  priority: DefaultFilterPriority.pushDisabled,
  apply(ctx) {
    if (ctx.settings.Push_enable !== true) return skip(R.PUSH_DISABLED, 'Push_enable is off');
    if (ctx.settings.Troubleshoot_Disable_Notifications === true) {
      return skip(R.NOTIFICATIONS_TROUBLESHOOT_DISABLED, 'Troubleshoot_Disable_Notifications is on');
    }
    return pass();
  },
};
