/**
 * Cutting user text to a size budget without breaking what the reader sees as one character.
 *
 * Push providers limit payload sizes in UTF-8 bytes (APNs 4 KB, FCM 4 KB of data) and Rocket.Chat limits the
 * title and body lengths (65 / 240). A naive `slice` can split a surrogate pair (leaving invalid UTF-16 that
 * encoders turn into U+FFFD or reject), separate a letter from its combining accent, or cut a ZWJ emoji family
 * or a flag in half. We cut on grapheme-cluster boundaries (`Intl.Segmenter`), so whatever is kept renders the
 * way the sender wrote it, and mark the cut with an ellipsis that counts within the limit.
 *
 * Every function returns well-formed UTF-16: lone surrogates in the input (possible in any JS string, e.g. from
 * a client that sliced an emoji) become U+FFFD, which is exactly what a UTF-8 encoder would send anyway, so the
 * byte counts here match what goes on the wire.
 */

import { PushError } from '../errors';

/** U+2026 HORIZONTAL ELLIPSIS: one UTF-16 code unit, three UTF-8 bytes. */
export const ELLIPSIS = '\u2026';

const REPLACEMENT_CHARACTER = '\uFFFD';

// One segmenter for the whole process: constructing one is far more expensive than using it.
const graphemeSegmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Replaces every lone surrogate with U+FFFD; returns the same string when there is none. */
export function toWellFormed(text: string): string {
  LONE_SURROGATE.lastIndex = 0;
  return LONE_SURROGATE.test(text) ? text.replace(LONE_SURROGATE, REPLACEMENT_CHARACTER) : text;
}

/** Bytes `text` takes in UTF-8 (a lone surrogate counts as the 3 bytes of U+FFFD, as encoders write it). */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * Cuts `text` to at most `maxBytes` UTF-8 bytes, ellipsis included, on a grapheme-cluster boundary.
 * Text that already fits is returned whole (only made well-formed). When the limit cannot even hold the
 * ellipsis, as many whole graphemes as fit are kept without one.
 */
export function truncateToBytes(text: string, maxBytes: number, ellipsis: string = ELLIPSIS): string {
  assertLimit('maxBytes', maxBytes);
  const wellFormed = toWellFormed(text);
  // Fast path: every UTF-16 code unit takes at most 3 UTF-8 bytes (a pair, 2 units, takes 4).
  if (wellFormed.length * 3 <= maxBytes || utf8ByteLength(wellFormed) <= maxBytes) return wellFormed;
  return cutGraphemes(wellFormed, maxBytes, utf8ByteLength, ellipsis);
}

/**
 * Cuts `text` to at most `maxChars` characters, ellipsis included, on a grapheme-cluster boundary.
 *
 * "Characters" are UTF-16 code units, i.e. JavaScript's `string.length`: that is how Rocket.Chat, the push
 * gateway and the mobile apps measure the 65/240 limits, and it is the conservative count (an emoji is 2 units,
 * a ZWJ family up to 11), so the result also fits any limit counted in code points or graphemes.
 */
export function truncateToChars(text: string, maxChars: number, ellipsis: string = ELLIPSIS): string {
  assertLimit('maxChars', maxChars);
  const wellFormed = toWellFormed(text);
  if (wellFormed.length <= maxChars) return wellFormed;
  return cutGraphemes(wellFormed, maxChars, codeUnitLength, ellipsis);
}

/** Keeps the longest run of whole graphemes that, with the ellipsis, fits `limit` as counted by `measure`. */
function cutGraphemes(text: string, limit: number, measure: (s: string) => number, ellipsis: string): string {
  const ellipsisSize = measure(ellipsis);
  const marker = ellipsisSize <= limit ? ellipsis : '';
  const budget = limit - measure(marker);
  let used = 0;
  let end = 0;
  for (const { segment, index } of graphemeSegmenter.segment(text)) {
    const size = measure(segment);
    if (used + size > budget) break;
    used += size;
    end = index + segment.length;
  }
  // "word …" reads worse than "word…", and trimming only ever shortens the result.
  return text.slice(0, end).trimEnd() + marker;
}

function codeUnitLength(text: string): number {
  return text.length;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

function assertLimit(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new PushError('PUSH_ERR_INVALID_INPUT', [`${name} must be a non-negative integer, got ${String(value)}`]);
  }
}
