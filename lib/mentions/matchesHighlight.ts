/**
 * Highlight words: a user's personal keywords that count as a mention (Rocket.Chat `highlights`, copied to
 * each subscription as `userHighlights`). A word matches case-insensitively and as a whole word in any script:
 * letters, combining marks, digits and `_` of every language are word characters, so `cafe` does not match
 * `cafeteria` and `ñu` matches in `¡ñu!`. Words are literal text; regex metacharacters mean themselves.
 *
 * One exception: Chinese, Japanese, Thai, Lao, Khmer and Myanmar are written without spaces between words, so
 * "whole word" would make a highlight in those scripts never match real text; at an edge written in one of
 * them the word matches without a boundary check (`会議` matches in `今日は会議です`).
 *
 * The pipeline asks this once per room member, so compiling is kept off the hot path: `compileHighlights`
 * builds one regex per word list, and `matchesHighlight` keeps a bounded cache of compiled lists (members
 * often share the same few lists, and most have none).
 */

export interface IHighlightMatcher {
  /** The normalized, de-duplicated words this matcher looks for. */
  readonly words: readonly string[];
  test(text: string): boolean;
}

const WORD_CHAR = '[\\p{L}\\p{M}\\p{N}_]';
// Exactly the syntax characters (and `/`): the `u` flag rejects escaping anything else, such as `-`.
const REGEX_SPECIAL = /[\\^$.*+?()[\]{}|/]/g;

const NEVER: IHighlightMatcher = Object.freeze({ words: Object.freeze([]) as readonly string[], test: () => false });

/** Builds a matcher for `words` (blank entries ignored). Reuse it for every text checked against the same list. */
export function compileHighlights(words: readonly string[] | null | undefined): IHighlightMatcher {
  const unique = normalizeWords(words);
  if (unique.length === 0) return NEVER;
  // Longest first, so that of two overlapping words the longer one is tried first at a position.
  const alternatives = [...unique].sort((a, b) => b.length - a.length).map(wordPattern).join('|');
  const pattern = new RegExp(alternatives, 'iu');
  return Object.freeze({
    words: Object.freeze(unique),
    test: (text: string) => text.length > 0 && pattern.test(normalizeText(text)),
  });
}

const CACHE_LIMIT = 1000;
const cache = new Map<string, IHighlightMatcher>();

/**
 * True when `text` contains one of `words` as a whole word, case-insensitively. Compiled matchers are cached by
 * word list (up to 1,000 lists, oldest dropped first), so calling this per member costs one regex test.
 */
export function matchesHighlight(text: string, words: readonly string[] | null | undefined): boolean {
  if (!words || words.length === 0 || !text) return false;
  const key = words.length === 1 ? words[0] : words.join('\u0000');
  let matcher = cache.get(key);
  if (matcher === undefined) {
    matcher = compileHighlights(words);
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(key, matcher);
  }
  return matcher.test(text);
}

function normalizeWords(words: readonly string[] | null | undefined): string[] {
  const seen = new Set<string>();
  const result: string[] = [];
  for (const raw of words ?? []) {
    if (typeof raw !== 'string') continue;
    const word = raw.trim().normalize('NFC');
    const key = word.toLowerCase();
    if (word !== '' && !seen.has(key)) {
      seen.add(key);
      result.push(word);
    }
  }
  return result;
}

// Composed and decomposed accents must compare equal ("café" typed either way). Normalizing the same message
// text for every member would be wasteful, so the last result is remembered.
let lastText = '';
let lastNormalized = '';
function normalizeText(text: string): string {
  if (text !== lastText) {
    lastText = text;
    lastNormalized = isAscii(text) ? text : text.normalize('NFC');
  }
  return lastNormalized;
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

const UNSPACED_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

/** The word, literal, with a word boundary at each edge unless that edge is in a script written without spaces. */
function wordPattern(word: string): string {
  const codePoints = Array.from(word);
  const before = UNSPACED_SCRIPT.test(codePoints[0]) ? '' : `(?<!${WORD_CHAR})`;
  const after = UNSPACED_SCRIPT.test(codePoints[codePoints.length - 1]) ? '' : `(?!${WORD_CHAR})`;
  return `${before}${escapeRegExp(word)}${after}`;
}

function escapeRegExp(word: string): string {
  return word.replace(REGEX_SPECIAL, '\\$&');
}
