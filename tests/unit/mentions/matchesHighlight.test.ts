import { compileHighlights, matchesHighlight } from '../../../lib/mentions/matchesHighlight';

describe('matchesHighlight', () => {
  it.each<[string, string, string[], boolean]>([
    ['a whole word', 'the release is out', ['release'], true],
    ['case-insensitively', 'The RELEASE is out', ['Release'], true],
    ['not inside a longer word', 'meet at the cafeteria', ['cafe'], false],
    ['not as a suffix', 'a decafe drink', ['cafe'], false],
    ['next to punctuation', 'cafe!', ['cafe'], true],
    ['Spanish punctuation and ñ', '¡ñu!', ['ñu'], true],
    ['ñ is a word character', 'ñuño', ['ñu'], false],
    ['accented letters are word characters', 'cafés', ['café'], false],
    ['accented word, composed vs decomposed', 'un cafe\u0301 noir', ['café'], true],
    ['a combining mark after the word makes it longer', 'cafe\u0301', ['cafe'], false],
    ['Cyrillic case-insensitively', 'Привет МИР', ['мир'], true],
    ['Cyrillic inside a word', 'мировой', ['мир'], false],
    ['Greek', 'ΑΛΦΑ beta', ['άλφα', 'alfa', 'ΑΛΦΑ'], true],
    ['digits are word characters', 'release2', ['release'], false],
    ['underscore is a word character', 'my_release', ['release'], false],
    ['CJK word between spaces', '今日 会議 です', ['会議'], true],
    ['Japanese word inside unspaced text (scripts without spaces match anywhere)', '今日は会議です', ['会議'], true],
    ['Chinese word inside unspaced text', '明天开会讨论', ['开会'], true],
    ['Thai word inside unspaced text', 'วันนี้ประชุมนะ', ['ประชุม'], true],
    ['Japanese word absent', '今日は休みです', ['会議'], false],
    ['a Latin edge keeps its boundary next to CJK', '会議abc', ['会議ab'], false],
    ['a Latin edge next to CJK text is a boundary', 'abc会議', ['abc'], false],
    ['regex metacharacters are literal', 'we use c++ here', ['c++'], true],
    ['a dot is not "any character"', 'a-b', ['a.b'], false],
    ['parentheses and brackets are literal', 'see (x) and [y]', ['(x)'], true],
    ['a backslash is literal', 'path a\\b', ['a\\b'], true],
    ['a multi-word phrase', 'the Big Release is near', ['big release'], true],
    ['one of several words', 'deploy now', ['release', 'deploy'], true],
    ['none of several words', 'nothing here', ['release', 'deploy'], false],
    ['empty list', 'anything', [], false],
    ['blank words are ignored', 'a b c', ['', '  '], false],
    ['surrounding spaces in a word are ignored', 'ship it', ['  ship '], true],
  ])('%s', (_name, text, words, expected) => {
    expect(matchesHighlight(text, words)).toBe(expected);
  });

  it('handles missing lists and empty text', () => {
    expect(matchesHighlight('release', undefined)).toBe(false);
    expect(matchesHighlight('release', null)).toBe(false);
    expect(matchesHighlight('', ['release'])).toBe(false);
  });

  it('gives the same answers on repeated calls with the same and different lists (cache is keyed by content)', () => {
    for (let i = 0; i < 3; i++) {
      expect(matchesHighlight('ship it', ['ship'])).toBe(true);
      expect(matchesHighlight('ship it', ['sh'])).toBe(false);
      expect(matchesHighlight('ship it', ['ship', 'x'])).toBe(true);
      expect(matchesHighlight('ship it', ['x', 'y'])).toBe(false);
    }
  });

  it('does not confuse two lists whose words join to the same string', () => {
    expect(matchesHighlight('a b', ['a b'])).toBe(true);
    expect(matchesHighlight('a', ['a', 'b'])).toBe(true);
    expect(matchesHighlight('a', ['a b'])).toBe(false);
  });

  it('stays correct when more lists are used than the cache holds', () => {
    for (let i = 0; i < 1100; i++) {
      expect(matchesHighlight(`word${i} here`, [`word${i}`])).toBe(true);
    }
    expect(matchesHighlight('word0 here', ['word0'])).toBe(true);
    expect(matchesHighlight('word0 here', ['word1'])).toBe(false);
  });
});

describe('compileHighlights', () => {
  it('compiles once and tests many texts', () => {
    const matcher = compileHighlights(['Deploy', 'deploy', ' release ']);
    expect(matcher.words).toEqual(['Deploy', 'release']);
    expect(matcher.test('we deploy today')).toBe(true);
    expect(matcher.test('redeploy')).toBe(false);
    expect(matcher.test('RELEASE!')).toBe(true);
  });

  it('returns a matcher that never matches for an empty list', () => {
    const matcher = compileHighlights([]);
    expect(matcher.words).toEqual([]);
    expect(matcher.test('anything')).toBe(false);
  });

  it('prefers no partial match when a shorter word is a prefix of a longer one', () => {
    const matcher = compileHighlights(['ship', 'shipping']);
    expect(matcher.test('shipping soon')).toBe(true);
    expect(matcher.test('shipment')).toBe(false);
  });
});
