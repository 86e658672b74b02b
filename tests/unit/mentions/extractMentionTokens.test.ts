import { extractMentionTokens } from '../../../lib/mentions/extractMentionTokens';

describe('extractMentionTokens', () => {
  it.each<[string, string, string[]]>([
    ['a plain mention', 'hello @bob', ['bob']],
    ['a mention at the start', '@bob hi', ['bob']],
    ['dots, dashes and underscores', 'ping @john.doe and @mary-jane and @x_y', ['john.doe', 'mary-jane', 'x_y']],
    ['Unicode letters and digits', 'hola @josé and @用户1 and @Ωmega', ['josé', '用户1', 'Ωmega']],
    ['a combining mark in the name', 'hi @jose\u0301!', ['jose\u0301']],
    ['case as written', 'hey @Bob', ['Bob']],
    ['case-insensitive duplicates keep the first spelling', '@Bob @bob @BOB', ['Bob']],
    ['punctuation around', '(@bob), @alice: hi; "@carol"', ['bob', 'alice', 'carol']],
    ['a trailing sentence dot', 'thanks @bob.', ['bob']],
    ['an email address is not a mention', 'mail a@b.com or first.last@host.org', []],
    ['a federated address is not a local mention', 'ask @bob@other.server', []],
    ['a lone @', 'meet @ 5pm', []],
    ['inline code is not a mention', 'type `@all` or `@bob` to ping', []],
    ['fenced code is not a mention', 'see\n```\n@bob do this\n```\nthen @carol', ['carol']],
    ['an unclosed backtick does not hide mentions', 'it`s @bob', ['bob']],
  ])('%s', (_name, text, usernames) => {
    expect(extractMentionTokens(text).usernames).toEqual(usernames);
  });

  it('reports @all and @here as flags, never as usernames', () => {
    expect(extractMentionTokens('@all please read, @here too')).toEqual({ usernames: [], all: true, here: true });
    expect(extractMentionTokens('@here only')).toEqual({ usernames: [], all: false, here: true });
    expect(extractMentionTokens('@all, @bob')).toEqual({ usernames: ['bob'], all: true, here: false });
  });

  it('treats @all / @here as keywords only in lowercase, as Rocket.Chat does', () => {
    expect(extractMentionTokens('@ALL')).toEqual({ usernames: ['ALL'], all: false, here: false });
  });

  it('does not take @allison for @all', () => {
    expect(extractMentionTokens('@allison @hereford')).toEqual({ usernames: ['allison', 'hereford'], all: false, here: false });
  });

  it('returns an empty result for empty text', () => {
    expect(extractMentionTokens('')).toEqual({ usernames: [], all: false, here: false });
  });

  it('is repeatable (no state leaks between calls through the global regex)', () => {
    const first = extractMentionTokens('@a @b @c');
    const second = extractMentionTokens('@a @b @c');
    expect(second).toEqual(first);
    expect(first.usernames).toEqual(['a', 'b', 'c']);
  });
});
