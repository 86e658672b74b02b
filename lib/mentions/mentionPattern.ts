/**
 * The `@username` pattern shared by mention extraction and the real-name rewrite of push texts.
 * A username: Unicode letters, marks and digits plus `.`, `_` and `-` (Rocket.Chat's default `[0-9a-zA-Z-_.]`
 * widened to other scripts, as its `UTF8_User_Names_Validation` setting allows). The `@` must not follow a
 * character that could belong to an email's local part, so `a@b.com` and `x.y@host` are not mentions.
 */
export const MENTION_PATTERN_SOURCE = '(?<![\\p{L}\\p{M}\\p{N}._+\\-@])@([\\p{L}\\p{M}\\p{N}._-]+)';

/** A fresh global regex for the pattern (global regexes carry `lastIndex`, so each user gets their own). */
export function mentionRegExp(): RegExp {
  return new RegExp(MENTION_PATTERN_SOURCE, 'gu');
}

/** A sentence may end right after a name ("thanks @bob."); names do not end with a dot in practice. */
export function trimMentionName(raw: string): string {
  return raw.replace(/\.+$/, '');
}
