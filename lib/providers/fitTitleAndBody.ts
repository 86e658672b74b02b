import { truncateToBytes, utf8ByteLength } from '../payload/truncate';

export interface IFittedText {
  title: string;
  body: string;
  /** The measured size with these texts. */
  bytes: number;
  /** False when even an empty title and body exceed the limit (the rest of the payload is too big). */
  fits: boolean;
}

/**
 * Shortens the body, then the title, on grapheme boundaries (with an ellipsis) until `measure(title, body)` is at
 * most `limit` bytes. `measure` builds the real payload, so JSON escaping and texts that appear twice are counted
 * exactly. Each text is cut by a binary search over its byte budget: about a dozen measurements at most.
 * `measured`: `measure(title, body)` when the caller already knows it (it is not measured again).
 */
export function fitTitleAndBody(
  title: string,
  body: string,
  limit: number,
  measure: (title: string, body: string) => number,
  measured?: number,
): IFittedText {
  let bytes = measured ?? measure(title, body);
  if (bytes <= limit) return { title, body, bytes, fits: true };

  const fittedBody = longestFitting(body, (b) => measure(title, b), limit);
  if (fittedBody !== undefined) return { title, body: fittedBody, bytes: measure(title, fittedBody), fits: true };

  const fittedTitle = longestFitting(title, (t) => measure(t, ''), limit);
  if (fittedTitle !== undefined) return { title: fittedTitle, body: '', bytes: measure(fittedTitle, ''), fits: true };

  bytes = measure('', '');
  return { title: '', body: '', bytes, fits: bytes <= limit };
}

/** The longest byte-budget cut of `text` whose payload fits, or undefined when not even '' fits. */
function longestFitting(text: string, measure: (candidate: string) => number, limit: number): string | undefined {
  if (measure('') > limit) return undefined;
  let low = 0; // a budget known to fit
  let high = utf8ByteLength(text); // a budget known (or assumed) not to fit
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (measure(truncateToBytes(text, middle)) <= limit) low = middle;
    else high = middle;
  }
  return truncateToBytes(text, low);
}
