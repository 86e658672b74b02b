import { isThreadFollower } from '../../../lib/mentions/isThreadFollower';

describe('isThreadFollower', () => {
  const parent = { u: { _id: 'author', username: 'author' }, replies: ['f1', 'f2'] };

  it.each<[string, string, boolean]>([
    ['a user in replies', 'f2', true],
    ['the parent author', 'author', true],
    ['anyone else', 'other', false],
  ])('%s → %p', (_name, userId, expected) => {
    expect(isThreadFollower(parent, userId)).toBe(expected);
  });

  it('counts the author of a parent without replies yet', () => {
    expect(isThreadFollower({ u: { _id: 'author', username: 'a' } }, 'author')).toBe(true);
    expect(isThreadFollower({ u: { _id: 'author', username: 'a' } }, 'f1')).toBe(false);
  });

  it('is false when the parent is unknown', () => {
    expect(isThreadFollower(undefined, 'f1')).toBe(false);
    expect(isThreadFollower(null, 'f1')).toBe(false);
  });
});
