import type { INotificationFilter } from '../../definitions/INotificationDecision';
import { followsThread, isDirectMessage, isMentioned, isThreadOnlyReply } from './addressing';
import { pass, skip } from './outcomes';
import { DefaultFilterPriority } from './priorities';
import { NotificationReasons as R } from './reasons';

/**
 * A thread reply notifies the thread's followers, the users it mentions or highlights, and in a DM the other
 * member; not the whole room. `@all` inside a thread does not widen that (as in Rocket.Chat). Replies also
 * posted to the room (`tshow`) are treated as room messages.
 */
export const threadNotFollowed: INotificationFilter = {
  id: 'threadNotFollowed',
  priority: DefaultFilterPriority.threadNotFollowed,
  apply(ctx) {
    if (!isThreadOnlyReply(ctx)) return pass();
    if (followsThread(ctx)) return pass('follows the thread');
    if (isMentioned(ctx)) return pass('mentioned in the thread');
    if (ctx.isHighlighted) return pass('highlighted in the thread');
    if (isDirectMessage(ctx)) return pass('thread in a direct message');
    return skip(R.THREAD_NOT_FOLLOWED, 'a thread reply, and the recipient does not follow the thread');
  },
};
