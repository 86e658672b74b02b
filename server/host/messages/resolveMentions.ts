import type { IMessageMention } from '../../../definitions/IMessage';
import type { HostModels } from '../models';
import { extractMentionTokens } from '../../../lib/mentions/extractMentionTokens';
import { exactInsensitive } from '../models/BaseModel';

/**
 * `message.mentions` in Rocket.Chat's shape: the `@username`s of the text that name members of the room (in text
 * order), then the pseudo users `all` and `here`. Names outside the room are left out: they would not be notified.
 */
export async function resolveMentions(models: HostModels, rid: string, text: string): Promise<IMessageMention[]> {
  const tokens = extractMentionTokens(text);
  const mentions: IMessageMention[] = [];
  if (tokens.usernames.length > 0) {
    const members = await models.subscriptions.col
      .find({ rid, 'u.username': { $in: tokens.usernames.map(exactInsensitive) } }, { projection: { u: 1 } })
      .toArray();
    const users = await models.users.findByIds(members.map((m) => m.u._id));
    for (const username of tokens.usernames) {
      const user = users.find((u) => u.username.toLowerCase() === username.toLowerCase());
      if (user) mentions.push({ _id: user._id, username: user.username, ...(user.name ? { name: user.name } : {}), type: 'user' });
    }
  }
  if (tokens.all) mentions.push({ _id: 'all', username: 'all' });
  if (tokens.here) mentions.push({ _id: 'here', username: 'here' });
  return mentions;
}
