import { buildNotificationContext } from '../../../lib/filters/buildNotificationContext';
import { defaultFilters } from '../../../lib/filters/defaultFilters';
import { evaluateFilters } from '../../../lib/filters/evaluateFilters';
import { summarizeMentions } from '../../../lib/mentions/summarizeMentions';
import { aMessage, aRoom, aSettings, aSubscription, aToken, aUser, NOW, RECIPIENT_ID, SENDER } from './fixtures';

function build(o: {
  msg?: string;
  tmid?: string;
  userHighlights?: string[];
  accountHighlights?: string[];
  parent?: { u: { _id: string; username: string }; replies?: string[] } | null;
  mentions?: { _id: string; username: string }[];
}) {
  const message = aMessage({ msg: o.msg ?? 'hello', tmid: o.tmid, mentions: o.mentions });
  return buildNotificationContext({
    message,
    room: aRoom(),
    recipient: {
      user: aUser({}, o.accountHighlights ? { highlights: o.accountHighlights } : undefined),
      subscription: aSubscription({ userHighlights: o.userHighlights }),
      tokens: [aToken()],
    },
    mentions: summarizeMentions(message, message.u._id),
    threadParent: o.parent,
    settings: aSettings(),
    now: NOW,
  });
}

describe('buildNotificationContext', () => {
  it('takes the sender from the message and keeps the inputs', () => {
    const ctx = build({});
    expect(ctx.sender).toBe(SENDER);
    expect(ctx.now).toBe(NOW);
    expect(ctx.recipient.user._id).toBe(RECIPIENT_ID);
  });

  it("matches the subscription's highlight words", () => {
    expect(build({ msg: 'the deploy is done', userHighlights: ['deploy'] }).isHighlighted).toBe(true);
    expect(build({ msg: 'redeploy', userHighlights: ['deploy'] }).isHighlighted).toBe(false);
  });

  it("falls back to the account's highlights when the subscription has no copy", () => {
    expect(build({ msg: 'deploy!', accountHighlights: ['deploy'] }).isHighlighted).toBe(true);
    expect(build({ msg: 'deploy!', userHighlights: [], accountHighlights: ['deploy'] }).isHighlighted).toBe(false);
  });

  it('marks followers of the thread a reply belongs to', () => {
    const parent = { u: { _id: 'author', username: 'author' }, replies: [RECIPIENT_ID] };
    expect(build({ tmid: 'p1', parent }).isThreadFollower).toBe(true);
    expect(build({ tmid: 'p1', parent: { ...parent, replies: ['x'] } }).isThreadFollower).toBe(false);
    expect(build({ tmid: 'p1', parent: { u: { _id: RECIPIENT_ID, username: 'bob' } } }).isThreadFollower).toBe(true);
    expect(build({ tmid: 'p1', parent: null }).isThreadFollower).toBe(false);
  });

  it('never marks a follower for a message outside a thread', () => {
    expect(build({ parent: { u: { _id: RECIPIENT_ID, username: 'bob' } } }).isThreadFollower).toBe(false);
  });

  it('feeds the pipeline end to end: a mention in a large room is sent', () => {
    const message = aMessage({ msg: '@bob look', mentions: [{ _id: RECIPIENT_ID, username: 'bob' }] });
    const ctx = buildNotificationContext({
      message,
      room: aRoom({ usersCount: 5000 }),
      recipient: { user: aUser(), subscription: aSubscription(), tokens: [aToken()] },
      mentions: summarizeMentions(message, SENDER._id),
      settings: aSettings(),
      now: NOW,
    });
    expect(evaluateFilters(ctx, defaultFilters)).toMatchObject({ decision: 'notify', reason: 'MENTIONED' });
  });
});
