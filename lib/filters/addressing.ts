import type { INotificationContext } from '../../definitions/INotificationDecision';

/**
 * Small questions several filters ask about one context. Each is a few comparisons: cheap enough to ask per
 * member without caching.
 */

/** The message mentions the recipient by `@username`. */
export function isMentioned(ctx: INotificationContext): boolean {
  return ctx.mentions.userIds.includes(ctx.recipient.user._id);
}

/** A thread reply (`tmid`) that only lives in the thread; `tshow` replies are also posted to the room. */
export function isThreadOnlyReply(ctx: INotificationContext): boolean {
  return ctx.message.tmid !== undefined && ctx.message.tmid !== '' && ctx.message.tshow !== true;
}

/** The message replies to a thread the recipient follows. */
export function followsThread(ctx: INotificationContext): boolean {
  return ctx.isThreadFollower && ctx.message.tmid !== undefined && ctx.message.tmid !== '';
}

export function isDirectMessage(ctx: INotificationContext): boolean {
  return ctx.room.t === 'd';
}

/**
 * The message addresses the recipient personally: a mention by name, one of their highlight words, or a reply
 * in a thread they follow. `@all` / `@here` are not personal.
 */
export function isPersonallyAddressed(ctx: INotificationContext): boolean {
  return ctx.isHighlighted || followsThread(ctx) || isMentioned(ctx);
}
