import type { IMessage } from '../../../definitions/IMessage';
import type { IRoom } from '../../../definitions/IRoom';
import type { IUser } from '../../../definitions/IUser';
import type { HostDeps } from '../HostDeps';
import { badRequest, forbidden } from '../api/ApiError';
import { isAdmin } from '../accounts/publicUser';
import { requireMembership } from '../rooms/membership';
import { randomId } from '../util/random';
import { resolveMentions } from './resolveMentions';

export interface SendMessageInput {
  rid: string;
  msg: string;
  tmid?: string;
  tshow?: boolean;
}

/**
 * `chat.sendMessage`: checks the sender may post, saves the message with its mentions, updates the thread parent
 * and the members' counters, then starts the `afterSaveMessage` hooks.
 *
 * Why the hooks cannot fail or slow the response: the counters are part of saving (awaited, so a push's badge
 * already counts the new message), while the hooks run as a tracked background task that starts after saving and
 * is not awaited by the route. `callbacks.run` catches every handler's error (logged with the handler id), and
 * `host.close()` waits for the task, so nothing is lost on a graceful shutdown.
 */
export class MessagesService {
  constructor(private readonly deps: HostDeps) {}

  async sendMessage(sender: IUser, input: SendMessageInput): Promise<IMessage> {
    const { models } = this.deps;
    const { room, subscription } = await requireMembership(models, sender, input.rid);
    const maxSize = this.deps.settings.get<number>('Message_MaxAllowedSize') ?? 5000;
    if (input.msg.length > maxSize) throw badRequest('error-message-size-exceeded', `Message is longer than ${maxSize} characters`);
    if (input.msg.trim() === '') throw badRequest('error-invalid-message', 'Message is empty');
    if (room.ro && !isAdmin(sender) && !subscription.roles?.includes('owner')) {
      throw forbidden("You can't send messages because the room is read-only");
    }
    if (room.muted?.includes(sender.username)) throw forbidden('You have been muted in this room');

    const parent = input.tmid ? await this.threadRoot(input.tmid, room) : undefined;
    const mentions = await resolveMentions(models, room._id, input.msg);
    const now = this.deps.now();
    const message: IMessage = {
      _id: randomId(),
      rid: room._id,
      msg: input.msg,
      ts: now,
      u: { _id: sender._id, username: sender.username, ...(sender.name ? { name: sender.name } : {}) },
      _updatedAt: now,
      mentions,
      ...(parent ? { tmid: parent._id } : {}),
      ...(parent && input.tshow ? { tshow: true } : {}),
    };
    await models.messages.col.insertOne(message);

    const threadOnly = parent !== undefined && !message.tshow;
    await models.rooms.col.updateOne(
      { _id: room._id },
      threadOnly ? { $inc: { msgs: 1 } } : { $inc: { msgs: 1 }, $set: { lm: now, _updatedAt: now } },
    );
    const mentionedIds = mentions.filter((m) => m.type === 'user' && m._id !== sender._id).map((m) => m._id);
    const groupMention = mentions.some((m) => m._id === 'all' || m._id === 'here');
    if (parent) {
      const followers = await this.updateThread(parent, message, mentionedIds, now);
      if (threadOnly) await this.countThreadReply(message, followers, mentionedIds, groupMention, now);
    }
    if (!threadOnly) await this.countRoomMessage(message, mentionedIds, groupMention, now);

    const savedRoom: IRoom = { ...room, msgs: room.msgs + 1, ...(threadOnly ? {} : { lm: now }) };
    this.deps.tasks.track('afterSaveMessage', this.deps.callbacks.run('afterSaveMessage', message, savedRoom));
    return message;
  }

  /** The thread's root in this room; a reply to a reply joins the root's thread. */
  private async threadRoot(tmid: string, room: IRoom): Promise<IMessage> {
    const parent = await this.deps.models.messages.findOneById(tmid);
    if (!parent || parent.rid !== room._id) throw badRequest('error-invalid-thread', 'Thread parent not found in this room');
    if (!parent.tmid) return parent;
    const root = await this.deps.models.messages.findOneById(parent.tmid);
    if (!root || root.rid !== room._id) throw badRequest('error-invalid-thread', 'Thread parent not found in this room');
    return root;
  }

  /**
   * Adds the sender (and, on the first reply, the parent's author, plus mentioned members) to the thread's
   * followers, as Rocket.Chat's `reply()` does. Returns the followers after the update.
   */
  private async updateThread(parent: IMessage, reply: IMessage, mentionedIds: string[], now: Date): Promise<string[]> {
    const add = [...new Set([...(parent.replies?.length ? [] : [parent.u._id]), reply.u._id, ...mentionedIds])];
    const updated = await this.deps.models.messages.col.findOneAndUpdate(
      { _id: parent._id },
      { $addToSet: { replies: { $each: add } }, $inc: { tcount: 1 }, $set: { tlm: now, _updatedAt: now } },
      { returnDocument: 'after', projection: { replies: 1 } },
    );
    return updated?.replies ?? add;
  }

  /** Every other member: unread +1, alert, open; personally mentioned: userMentions +1; @all/@here: groupMentions +1. */
  private async countRoomMessage(message: IMessage, mentionedIds: string[], groupMention: boolean, now: Date) {
    const { subscriptions } = this.deps.models;
    await subscriptions.col.updateMany(
      { rid: message.rid, 'u._id': { $ne: message.u._id } },
      { $inc: { unread: 1, ...(groupMention ? { groupMentions: 1 } : {}) }, $set: { alert: true, open: true, _updatedAt: now } },
    );
    if (mentionedIds.length > 0) {
      await subscriptions.col.updateMany({ rid: message.rid, 'u._id': { $in: mentionedIds } }, { $inc: { userMentions: 1 } });
    }
  }

  /** A reply shown only in its thread leaves the room counters alone and marks the thread unread for followers. */
  private async countThreadReply(message: IMessage, followers: string[], mentionedIds: string[], groupMention: boolean, now: Date) {
    const { subscriptions } = this.deps.models;
    const tmid = message.tmid!;
    const others = followers.filter((id) => id !== message.u._id);
    if (others.length > 0) {
      await subscriptions.col.updateMany(
        { rid: message.rid, 'u._id': { $in: others } },
        { $addToSet: { tunread: tmid, ...(groupMention ? { tunreadGroup: tmid } : {}) }, $set: { alert: true, _updatedAt: now } },
      );
    }
    if (mentionedIds.length > 0) {
      await subscriptions.col.updateMany({ rid: message.rid, 'u._id': { $in: mentionedIds } }, { $addToSet: { tunreadUser: tmid } });
    }
  }
}
