/**
 * A sorted sequence kept as chunks of at most CHUNK entries, so an insert or delete moves at most one chunk's
 * worth of elements instead of the whole array (a plain array splice made every write O(n) on large indexes).
 */
const CHUNK = 512;

export class SortedList<T> {
  private chunks: T[][] = [];
  private count = 0;

  constructor(private readonly compare: (a: T, b: T) => number) {}

  get size(): number {
    return this.count;
  }

  /** Index of the first chunk whose last element is >= item (or the last chunk). */
  private chunkFor(item: T): number {
    let lo = 0;
    let hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const chunk = this.chunks[mid];
      if (this.compare(chunk[chunk.length - 1], item) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private static lowerBound<T>(chunk: T[], item: T, compare: (a: T, b: T) => number): number {
    let lo = 0;
    let hi = chunk.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compare(chunk[mid], item) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  insert(item: T): void {
    this.count++;
    if (this.chunks.length === 0) {
      this.chunks.push([item]);
      return;
    }
    const c = this.chunkFor(item);
    const chunk = this.chunks[c];
    chunk.splice(SortedList.lowerBound(chunk, item, this.compare), 0, item);
    if (chunk.length > CHUNK * 2) this.chunks.splice(c, 1, chunk.slice(0, CHUNK), chunk.slice(CHUNK));
  }

  /** Removes the element comparing equal to `item`; returns whether one was found. */
  delete(item: T): boolean {
    if (this.chunks.length === 0) return false;
    const c = this.chunkFor(item);
    const chunk = this.chunks[c];
    const at = SortedList.lowerBound(chunk, item, this.compare);
    if (at >= chunk.length || this.compare(chunk[at], item) !== 0) return false;
    chunk.splice(at, 1);
    this.count--;
    if (chunk.length === 0) this.chunks.splice(c, 1);
    return true;
  }

  /** First position in `chunk` (from `from`) where `pred` turns false; `pred` must be true-then-false. */
  private static firstFalse<T>(chunk: T[], pred: (x: T) => boolean): number {
    let lo = 0;
    let hi = chunk.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pred(chunk[mid])) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Elements in order from the first one for which `before(x)` is false up to (excluding) the first one for
   * which `beyond(x)` is true; backwards when `reverse`. Both must be monotone over the order (true-then-false
   * for `before`, false-then-true for `beyond`), so both ends are found by binary search.
   */
  *range(before: (x: T) => boolean, beyond: (x: T) => boolean, reverse = false): Generator<T> {
    const chunks = this.chunks;
    // [startChunk, startIndex] = first element not before; [endChunk, endIndex] = first element beyond.
    const locate = (pred: (x: T) => boolean): [number, number] => {
      let lo = 0;
      let hi = chunks.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        const chunk = chunks[mid];
        if (pred(chunk[chunk.length - 1])) lo = mid + 1;
        else hi = mid;
      }
      if (lo === chunks.length) return [lo, 0];
      return [lo, SortedList.firstFalse(chunks[lo], pred)];
    };
    const [sc, si] = locate(before);
    const [ec, ei] = locate((x) => !beyond(x));
    if (!reverse) {
      for (let c = sc, i = si; c < chunks.length && (c < ec || (c === ec && i < ei)); ) {
        yield chunks[c][i];
        if (++i >= chunks[c].length) {
          c++;
          i = 0;
        }
      }
      return;
    }
    // Walk back from the element just before (ec, ei) down to (sc, si).
    let c = ec;
    let i = ei - 1;
    if (i < 0) {
      c--;
      i = c >= 0 ? chunks[c].length - 1 : -1;
    }
    while (c > sc || (c === sc && i >= si)) {
      if (c < 0) return;
      yield chunks[c][i];
      if (--i < 0) {
        c--;
        if (c < 0) return;
        i = chunks[c].length - 1;
      }
    }
  }
}
