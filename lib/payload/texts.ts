/** Fixed push texts and limits (Rocket.Chat's, so the official apps and gateway see what they expect). */

/** Shown instead of the content when the content is hidden (privacy mode, `Push_show_message` off) or empty. */
export const GENERIC_MESSAGE_TEXT = 'You have a new message';

export const TEST_MESSAGE_TEXT = 'This is a push test message';

/** Rocket.Chat's `Push.send` limits, in characters (JavaScript string length). */
export const TITLE_MAX_CHARS = 65;
export const BODY_MAX_CHARS = 240;

/** What the gateway protocol's `from` says for every chat push. */
export const PUSH_FROM = 'push';

export const PUSH_SOUND = 'default';
