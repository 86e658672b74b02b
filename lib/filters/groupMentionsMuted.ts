import type { INotificationFilter } from '../../definitions/INotificationDecision';
import { isPersonallyAddressed } from './addressing';
import { pass, skip } from './outcomes';
import { DefaultFilterPriority } from './priorities';
import { NotificationReasons as R } from './reasons';

/**
 * Seed 3: the user muted `@all` / `@here` in this room (`muteGroupMentions`) and this message reaches them only
 * through such a group mention. A personal mention, a highlight or a followed thread still gets through.
 */
export const groupMentionsMuted: INotificationFilter = {
  id: 'groupMentionsMuted',
  priority: DefaultFilterPriority.groupMentionsMuted,
  apply(ctx) {
    if (ctx.recipient.subscription.muteGroupMentions !== true) return pass();
    if (!ctx.mentions.toAll && !ctx.mentions.toHere) return pass('group mentions muted; not a group mention');
    if (isPersonallyAddressed(ctx)) return pass('group mentions muted, but the recipient is addressed personally');
    return skip(R.GROUP_MENTIONS_MUTED, `@${ctx.mentions.toAll ? 'all' : 'here'} is muted in this room`);
  },
};
