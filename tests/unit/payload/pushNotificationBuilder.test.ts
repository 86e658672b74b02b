import { buildPushNotification, pushNotificationBuilder } from '../../../lib/payload/buildPushNotification';
import { aMessage, aRoom, aSettings, aSubscription, aUser, SENDER } from '../filters/fixtures';

describe('pushNotificationBuilder (one message, many recipients)', () => {
  const room = aRoom({ muted: ['muted-user'] });
  const message = aMessage({ msg: 'a fairly long message '.repeat(20) });
  const settings = aSettings();
  const build = pushNotificationBuilder({ message, room, sender: SENDER, settings });

  it.each([
    ['an ordinary member', aUser({ _id: 'u1', username: 'bob' }), 3],
    ['a member muted in the room', aUser({ _id: 'u2', username: 'muted-user' }), 0],
    ['a negative badge is clamped', aUser({ _id: 'u3', username: 'carol' }), -4],
  ])('builds exactly what buildPushNotification builds for %s', (_case, user, badge) => {
    const recipient = { user, subscription: aSubscription({ u: { _id: user._id, username: user.username } }) };
    expect(build(recipient, badge)).toEqual(buildPushNotification({ message, room, sender: SENDER, recipient, badge, settings }));
  });

  it('varies only the per-recipient fields', () => {
    const a = build({ user: aUser({ username: 'bob' }) }, 1);
    const b = build({ user: aUser({ username: 'muted-user' }) }, 7);
    expect([a.badge, a.category, b.badge, b.category]).toEqual([1, 'MESSAGE', 7, 'MESSAGE_NOREPLY']);
    expect(b.title).toBe(a.title);
    expect(b.body).toBe(a.body);
  });
});
