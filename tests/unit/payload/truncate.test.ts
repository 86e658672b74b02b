import {
  ELLIPSIS,
  toWellFormed,
  truncateToBytes,
  truncateToChars,
  utf8ByteLength,
} from '../../../lib/payload/truncate';
import { isPushError } from '../../../lib/errors';

const FAMILY = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466}'; // 👨‍👩‍👧‍👦: 7 code points, 11 units, 25 bytes
const FLAG_FR = '\u{1F1EB}\u{1F1F7}'; // 🇫🇷: two regional indicators, 4 units, 8 bytes
const THUMBS_DARK = '\u{1F44D}\u{1F3FF}'; // 👍🏿: emoji + skin tone modifier, 4 units, 8 bytes
const E_ACUTE_DECOMPOSED = 'e\u0301'; // é as e + combining acute: 2 units, 3 bytes
const LONE_HIGH = '\uD83D';
const LONE_LOW = '\uDE00';

/** Every grapheme of `result` (minus the ellipsis) must be a whole grapheme of `source`, in order, from the start. */
function expectGraphemePrefix(result: string, source: string): void {
  const kept = result.endsWith(ELLIPSIS) ? result.slice(0, -ELLIPSIS.length) : result;
  expect(source.startsWith(kept)).toBe(true);
  const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  const boundaries = new Set([...segmenter.segment(source)].map((s) => s.index));
  boundaries.add(source.length);
  expect(boundaries.has(kept.length)).toBe(true);
}

function hasLoneSurrogate(text: string): boolean {
  return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

describe('utf8ByteLength', () => {
  it.each([
    ['', 0],
    ['abc', 3],
    ['ñ', 2],
    ['中文', 6],
    ['😀', 4],
    [FAMILY, 25],
    [FLAG_FR, 8],
    [E_ACUTE_DECOMPOSED, 3],
    [LONE_HIGH, 3],
    [LONE_LOW + 'a', 4],
  ])('%j takes %i bytes, as Buffer.byteLength says', (text, bytes) => {
    expect(utf8ByteLength(text)).toBe(bytes);
    expect(utf8ByteLength(text)).toBe(Buffer.byteLength(text, 'utf8'));
  });
});

describe('toWellFormed', () => {
  it('replaces lone surrogates (high, low, reversed pair) with U+FFFD and keeps valid pairs', () => {
    expect(toWellFormed(`a${LONE_HIGH}b`)).toBe('a\uFFFDb');
    expect(toWellFormed(`a${LONE_LOW}`)).toBe('a\uFFFD');
    expect(toWellFormed(`${LONE_LOW}${LONE_HIGH}`)).toBe('\uFFFD\uFFFD');
    expect(toWellFormed('😀')).toBe('😀');
    expect(toWellFormed(`${LONE_HIGH}😀${LONE_HIGH}`)).toBe('\uFFFD😀\uFFFD');
  });
});

describe('truncateToBytes', () => {
  it('returns text that fits unchanged, without ellipsis', () => {
    expect(truncateToBytes('hello', 5)).toBe('hello');
    expect(truncateToBytes('中文', 6)).toBe('中文');
    expect(truncateToBytes(FAMILY, 25)).toBe(FAMILY);
  });

  it('cuts ASCII and appends an ellipsis counted within the limit', () => {
    const result = truncateToBytes('abcdefghij', 8);
    expect(result).toBe('abcde' + ELLIPSIS); // 5 + 3 bytes
    expect(utf8ByteLength(result)).toBe(8);
  });

  it('never cuts a CJK character in its middle', () => {
    // 10 ideographs, 30 bytes; limit 13 → 10 bytes for text → 3 ideographs (9 bytes) + ellipsis.
    const text = '中文字符测试一二三四';
    const result = truncateToBytes(text, 13);
    expect(result).toBe('中文字' + ELLIPSIS);
    expect(utf8ByteLength(result)).toBeLessThanOrEqual(13);
  });

  it.each([
    ['a ZWJ family', `x${FAMILY}y`, 20],
    ['a flag', `x${FLAG_FR}${FLAG_FR}`, 10],
    ['a skin-tone emoji', `x${THUMBS_DARK}y`, 8],
    ['a combining sequence', `ab${E_ACUTE_DECOMPOSED}cd`, 6],
    ['a surrogate pair', 'a😀😀', 8],
  ])('keeps %s whole or drops it whole', (_name, text, limit) => {
    const result = truncateToBytes(text, limit);
    expect(utf8ByteLength(result)).toBeLessThanOrEqual(limit);
    expect(result.endsWith(ELLIPSIS)).toBe(true);
    expectGraphemePrefix(result, text);
    expect(hasLoneSurrogate(result)).toBe(false);
  });

  it('drops a ZWJ family entirely when only part of it would fit', () => {
    expect(truncateToBytes(`x${FAMILY}`, 20)).toBe('x' + ELLIPSIS);
  });

  it('does not separate e from its combining accent', () => {
    // "ab" + e+◌́ (3 bytes): limit 6 leaves 3 bytes for text; "ab" fits, the 3-byte cluster would not.
    expect(truncateToBytes(`ab${E_ACUTE_DECOMPOSED}cd`, 6)).toBe('ab' + ELLIPSIS);
    expect(truncateToBytes(`ab${E_ACUTE_DECOMPOSED}cdef`, 8)).toBe(`ab${E_ACUTE_DECOMPOSED}` + ELLIPSIS);
  });

  it('handles lone surrogates safely: replaced, counted as 3 bytes, never left split', () => {
    const text = `ab${LONE_HIGH}cd${LONE_LOW}ef`;
    expect(truncateToBytes(text, 100)).toBe('ab\uFFFDcd\uFFFDef');
    const cut = truncateToBytes(text, 8); // 5 bytes of text: "ab" + U+FFFD (3 bytes)
    expect(cut).toBe('ab\uFFFD' + ELLIPSIS);
    expect(hasLoneSurrogate(cut)).toBe(false);
    expect(Buffer.byteLength(cut, 'utf8')).toBe(8);
    expect(truncateToBytes(`${LONE_HIGH}😀`, 4)).toBe(ELLIPSIS); // U+FFFD (3 bytes) + ellipsis would not fit
  });

  it('respects the limit for long emoji and mixed text at every limit', () => {
    const text = `Héllo ${FAMILY} 世界 ${FLAG_FR} ${THUMBS_DARK} ${E_ACUTE_DECOMPOSED}`.repeat(5);
    for (let limit = 0; limit <= utf8ByteLength(text) + 2; limit++) {
      const result = truncateToBytes(text, limit);
      expect(Buffer.byteLength(result, 'utf8')).toBeLessThanOrEqual(limit);
      expectGraphemePrefix(result, text);
      expect(hasLoneSurrogate(result)).toBe(false);
    }
  });

  it('omits the ellipsis when the limit cannot even hold it', () => {
    expect(truncateToBytes('abcdef', 2)).toBe('ab');
    expect(truncateToBytes('abcdef', 0)).toBe('');
    expect(truncateToBytes('中文', 2)).toBe('');
  });

  it('trims whitespace before the ellipsis', () => {
    expect(truncateToBytes('hello world', 9)).toBe('hello' + ELLIPSIS);
  });

  it('accepts a custom ellipsis', () => {
    expect(truncateToBytes('abcdefghij', 6, '...')).toBe('abc...');
    expect(truncateToBytes('abcdefghij', 6, '')).toBe('abcdef');
  });

  it.each([-1, 1.5, Number.NaN])('rejects the invalid limit %p with PUSH_ERR_INVALID_INPUT', (limit) => {
    expect(() => truncateToBytes('abc', limit)).toThrow();
    try {
      truncateToBytes('abc', limit);
    } catch (error) {
      expect(isPushError(error, 'PUSH_ERR_INVALID_INPUT')).toBe(true);
    }
  });
});

describe('truncateToChars', () => {
  it('returns text that fits unchanged', () => {
    expect(truncateToChars('hello', 5)).toBe('hello');
    expect(truncateToChars('', 0)).toBe('');
  });

  it('counts UTF-16 code units (string length), ellipsis included', () => {
    const result = truncateToChars('abcdefghij', 5);
    expect(result).toBe('abcd' + ELLIPSIS);
    expect(result.length).toBe(5);
  });

  it('cuts CJK per character', () => {
    expect(truncateToChars('一二三四五六七八九十', 4)).toBe('一二三' + ELLIPSIS);
  });

  it.each([
    ['an emoji (surrogate pair)', 'a😀😀😀', 4, 'a😀' + ELLIPSIS],
    ['a flag', `a${FLAG_FR}${FLAG_FR}`, 8, `a${FLAG_FR}` + ELLIPSIS],
    ['a ZWJ family', `a${FAMILY}b`, 11, 'a' + ELLIPSIS],
    ['a combining sequence', `a${E_ACUTE_DECOMPOSED}b`, 3, 'a' + ELLIPSIS],
  ])('never splits %s', (_name, text, limit, expected) => {
    const result = truncateToChars(text, limit);
    expect(result).toBe(expected);
    expect(result.length).toBeLessThanOrEqual(limit);
  });

  it('keeps every cut of a long emoji text within the limit and on grapheme boundaries', () => {
    const text = `${FAMILY}${FLAG_FR}😀${THUMBS_DARK}中${E_ACUTE_DECOMPOSED}`.repeat(20);
    for (let limit = 0; limit <= text.length + 1; limit++) {
      const result = truncateToChars(text, limit);
      expect(result.length).toBeLessThanOrEqual(limit);
      expectGraphemePrefix(result, text);
      expect(hasLoneSurrogate(result)).toBe(false);
    }
  });

  it('makes lone surrogates well-formed even when no cut is needed', () => {
    expect(truncateToChars(`a${LONE_LOW}`, 10)).toBe('a\uFFFD');
    expect(hasLoneSurrogate(truncateToChars(`${LONE_HIGH}${LONE_HIGH}abc`, 3))).toBe(false);
  });
});
