import type { IMessageMention } from '../../definitions/IMessage';
import type { IUserRef } from '../../definitions/IUser';
import { mentionRegExp, trimMentionName } from '../mentions/mentionPattern';

/** The name to show for a user: their real name when `UI_Use_Real_Name` is on and they have one, else the username. */
export function displayName(user: Pick<IUserRef, 'username' | 'name'>, useRealName: boolean): string {
  const realName = user.name?.trim();
  return useRealName && realName ? realName : user.username;
}

/**
 * With `UI_Use_Real_Name`, `@username` in the text reads as the person's name (as Rocket.Chat renders it).
 * Only mentions the host resolved (with a name) are rewritten; `@all`, `@here` and unknown names stay as written.
 */
export function withRealNames(text: string, mentions: readonly IMessageMention[] | undefined): string {
  if (!mentions || mentions.length === 0 || text.indexOf('@') === -1) return text;
  const names = new Map<string, string>();
  for (const mention of mentions) {
    const name = mention.name?.trim();
    if (name && mention.username) names.set(mention.username.toLowerCase(), name);
  }
  if (names.size === 0) return text;
  return text.replace(mentionRegExp(), (token: string, raw: string, offset: number) => {
    if (text[offset + token.length] === '@') return token; // `@bob@other.server` is someone else
    const username = trimMentionName(raw);
    const name = names.get(username.toLowerCase());
    return name === undefined ? token : name + raw.slice(username.length);
  });
}
