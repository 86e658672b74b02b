import type { INotificationFilter } from '../../definitions/INotificationDecision';
import { delay, pass, skip } from './outcomes';
import { DefaultFilterPriority } from './priorities';
import { NotificationReasons as R } from './reasons';

/**
 * Seed 6: a user connected on desktop sees the message there, so the phone stays quiet unless they turned on
 * "always notify mobile". With `Push_online_strategy` = `delay` the push is held for `Push_online_delay_seconds`
 * instead (and dropped by the server if they read the room meanwhile); a delay of 0 or less means "send now".
 */
export const onlineOnDesktop: INotificationFilter = {
  id: 'onlineOnDesktop',
  priority: DefaultFilterPriority.onlineOnDesktop,
  apply(ctx) {
    const { user } = ctx.recipient;
    if (user.statusConnection !== 'online') return pass();
    if (user.settings?.preferences?.alwaysNotifyMobile === true) return pass('online, but "always notify mobile" is on');
    if (ctx.settings.Push_online_strategy === 'delay') {
      const seconds = ctx.settings.Push_online_delay_seconds;
      if (!(seconds > 0)) return pass('online; delay strategy with no delay configured');
      return delay(R.ONLINE_DELAYED, seconds, `online on desktop: delayed ${seconds} s, cancelled if the room is read`);
    }
    return skip(R.USER_ONLINE, 'online on desktop and "always notify mobile" is off');
  },
};
