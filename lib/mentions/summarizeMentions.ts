import type { IMessage } from '../../definitions/IMessage';
import type { IMentionSummary } from '../../definitions/INotificationDecision';

/**
 * Reads who a saved message addresses from `message.mentions` (the host's resolved mentions): `@all`, `@here`,
 * and the mentioned user ids without the sender (mentioning yourself notifies nobody). Team mentions are left
 * out: the host expands a team into its members before saving. Computed once per message, shared by every
 * recipient's context.
 */
export function summarizeMentions(message: Pick<IMessage, 'mentions'>, senderId: string): IMentionSummary {
  const summary: IMentionSummary = { toAll: false, toHere: false, userIds: [] };
  for (const mention of message.mentions ?? []) {
    if (mention._id === 'all') summary.toAll = true;
    else if (mention._id === 'here') summary.toHere = true;
    else if (mention.type !== 'team' && mention._id !== senderId && !summary.userIds.includes(mention._id)) {
      summary.userIds.push(mention._id);
    }
  }
  return summary;
}
