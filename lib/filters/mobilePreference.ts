import type { INotificationContext, INotificationFilter } from '../../definitions/INotificationDecision';
import { followsThread, isDirectMessage, isMentioned } from './addressing';
import { notify, skip } from './outcomes';
import { DefaultFilterPriority } from './priorities';
import { resolveMobilePreference } from './resolveMobilePreference';
import { NotificationReasons as R } from './reasons';

/**
 * Seed 7: the effective mobile preference (room → account → server default, see `resolveMobilePreference`).
 * `nothing` stops everything, DMs included. `mentions` lets through what addresses the user: a DM, a mention,
 * a highlight, a followed thread, or `@all` (`@here` never counts for mobile: it calls those who are online).
 * `all` notifies, stating the most specific reason.
 *
 * This filter is the only place where preferences decide (Rocket.Chat's subscription query misspelt the mobile
 * field, so mobile preferences never widened its audience).
 */
export const mobilePreference: INotificationFilter = {
  id: 'mobilePreference',
  priority: DefaultFilterPriority.mobilePreference,
  apply(ctx) {
    const preference = resolveMobilePreference(ctx);
    if (preference.value === 'nothing') return skip(R.PREFERENCE_NOTHING, preference.description);
    const reason = addressedReason(ctx);
    if (reason !== undefined) return notify(reason, preference.description);
    if (preference.value === 'all') return notify(R.PREFERENCE_ALL, preference.description);
    return skip(R.NOT_MENTIONED, `${preference.description}, and the message does not address the recipient`);
  },
};

/** Why the message addresses the recipient, most specific first; undefined when it does not. */
function addressedReason(ctx: INotificationContext): string | undefined {
  if (isMentioned(ctx)) return R.MENTIONED;
  if (ctx.isHighlighted) return R.HIGHLIGHTED;
  if (isDirectMessage(ctx)) return R.DIRECT_MESSAGE;
  if (followsThread(ctx)) return R.THREAD_FOLLOWER;
  if (ctx.mentions.toAll) return R.GROUP_MENTION;
  return undefined;
}
