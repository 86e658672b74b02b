/**
 * The pipeline runs once per room member. This is not a timing test (the machine is shared; benchmarks live in
 * `npm run bench`): it checks that a 10,000-member fan-out built the way the server builds it (one mention
 * summary per message, one context per member, the same ordered filter list) gives every member the right
 * answer, and that members share what should be shared.
 */
import type { INotificationContext } from '../../../definitions/INotificationDecision';
import { buildNotificationContext } from '../../../lib/filters/buildNotificationContext';
import { defaultFilters } from '../../../lib/filters/defaultFilters';
import { evaluateFilters } from '../../../lib/filters/evaluateFilters';
import { summarizeMentions } from '../../../lib/mentions/summarizeMentions';
import { aMessage, aRoom, aSettings, aSubscription, aToken, aUser, NOW } from './fixtures';

describe('10,000-member fan-out', () => {
  it('decides every member correctly from shared per-message data', () => {
    const members = 10_000;
    const room = aRoom({ usersCount: members });
    const settings = aSettings({ Notifications_Max_Room_Members: 0 });
    const message = aMessage({
      msg: '@all release is out, @user7 please check',
      rid: room._id,
      mentions: [
        { _id: 'all', username: 'all' },
        { _id: 'u7', username: 'user7' },
      ],
    });
    const mentions = summarizeMentions(message, message.u._id);
    const token = [aToken()];
    const contexts: INotificationContext[] = [];
    for (let i = 0; i < members; i++) {
      const id = `u${i}`;
      contexts.push(
        buildNotificationContext({
          message,
          room,
          recipient: {
            user: aUser({ _id: id, username: `user${i}`, status: i % 10 === 1 ? 'busy' : 'offline' }),
            subscription: aSubscription({
              _id: `s${i}`,
              u: { _id: id, username: `user${i}` },
              mobilePushNotifications: i % 10 === 2 ? 'nothing' : i % 10 === 3 ? 'mentions' : undefined,
              muteGroupMentions: i % 10 === 4,
              userHighlights: i % 10 === 5 ? ['release'] : i % 10 === 6 ? ['deploy'] : undefined,
            }),
            tokens: token,
          },
          mentions,
          settings,
          now: NOW,
        }),
      );
    }

    const counts: Record<string, number> = {};
    for (const ctx of contexts) {
      const { decision, reason } = evaluateFilters(ctx, defaultFilters);
      const key = `${decision}:${reason}`;
      counts[key] = (counts[key] ?? 0) + 1;
    }

    expect(counts).toEqual({
      'skip:USER_BUSY': 1000,
      'skip:PREFERENCE_NOTHING': 1000,
      // @all passes the 'mentions' preference (as in Rocket.Chat).
      'notify:GROUP_MENTION': 1000 /* 0 */ + 1000 /* 3: mentions */ + 1000 /* 6 */ + 999 /* 7, minus user7 */ + 1000 /* 8 */ + 1000 /* 9 */,
      'skip:GROUP_MENTIONS_MUTED': 1000,
      'notify:HIGHLIGHTED': 1000,
      'notify:MENTIONED': 1, // user7
    });
    // The mention summary is shared, not copied per member.
    expect(contexts[0].mentions).toBe(contexts[9999].mentions);
  });
});
