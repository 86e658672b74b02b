import { summarizeMentions } from '../../../lib/mentions/summarizeMentions';

describe('summarizeMentions', () => {
  it('reads @all, @here and user mentions, excluding the sender', () => {
    const summary = summarizeMentions(
      {
        mentions: [
          { _id: 'all', username: 'all' },
          { _id: 'here', username: 'here' },
          { _id: 'u1', username: 'bob' },
          { _id: 'sender', username: 'me' },
          { _id: 'u2', username: 'carol' },
        ],
      },
      'sender',
    );
    expect(summary).toEqual({ toAll: true, toHere: true, userIds: ['u1', 'u2'] });
  });

  it('de-duplicates user ids and ignores team mentions', () => {
    const summary = summarizeMentions(
      {
        mentions: [
          { _id: 'u1', username: 'bob' },
          { _id: 'u1', username: 'bob' },
          { _id: 'team1', username: 'devs', type: 'team' },
        ],
      },
      'sender',
    );
    expect(summary).toEqual({ toAll: false, toHere: false, userIds: ['u1'] });
  });

  it('handles a message without mentions', () => {
    expect(summarizeMentions({}, 's')).toEqual({ toAll: false, toHere: false, userIds: [] });
    expect(summarizeMentions({ mentions: [] }, 's')).toEqual({ toAll: false, toHere: false, userIds: [] });
  });
});
