/**
 * Finds the `@username`, `@all` and `@here` tokens a message's text addresses. The host resolves the usernames
 * to users and stores them as `message.mentions` (Rocket.Chat shape); the notification pipeline then reads only
 * `message.mentions`, never the text.
 */

import { mentionRegExp, trimMentionName } from './mentionPattern';

export interface IMentionTokens {
  /** Usernames as written (first spelling wins), de-duplicated case-insensitively, without `all` / `here`. */
  usernames: string[];
  all: boolean;
  here: boolean;
}

const MENTION = mentionRegExp();

/** Fenced blocks and inline code spans: `@all` quoted as code is an example, not a call to everyone. */
const CODE = /```[\s\S]*?```|`[^`\n]+`/g;

/** Returns the mention tokens of `text`; see the module comment for what counts. */
export function extractMentionTokens(text: string): IMentionTokens {
  const result: IMentionTokens = { usernames: [], all: false, here: false };
  if (!text || text.indexOf('@') === -1) return result;
  const prose = text.indexOf('`') === -1 ? text : text.replace(CODE, ' ');
  const seen = new Set<string>();
  MENTION.lastIndex = 0;
  for (let match = MENTION.exec(prose); match !== null; match = MENTION.exec(prose)) {
    // `@bob@other.server` is a federated address, not a mention of the local `bob`.
    if (prose[MENTION.lastIndex] === '@') continue;
    const username = trimMentionName(match[1]);
    if (username === '') continue;
    // `all` / `here` are exact lowercase keywords, as in Rocket.Chat (where both names are reserved).
    if (username === 'all') result.all = true;
    else if (username === 'here') result.here = true;
    else {
      const key = username.toLowerCase();
      if (!seen.has(key)) {
        seen.add(key);
        result.usernames.push(username);
      }
    }
  }
  return result;
}
