import type { Document } from 'bson';
import { valuesAtPath } from '../storage/paths';
import { compareValues } from './compareValues';

export type SortSpec = Array<{ path: string[]; direction: 1 | -1 }>;

export function toSortSpec(sort: Document): SortSpec {
  return Object.entries(sort).map(([field, direction]) => ({ path: field.split('.'), direction: direction === -1 ? -1 : 1 }));
}

/**
 * The value a document sorts by on one field: for an array, its smallest element ascending and its largest
 * descending, as MongoDB does; missing sorts like null.
 */
function sortKey(doc: Document, path: string[], direction: 1 | -1): unknown {
  const values = valuesAtPath(doc, path);
  let best = values[0];
  for (let i = 1; i < values.length; i++) {
    const c = compareValues(values[i], best);
    if (direction === 1 ? c < 0 : c > 0) best = values[i];
  }
  return best;
}

/**
 * Sorts documents by a MongoDB sort spec (stable: ties keep natural order). When only the first `keep` documents
 * are needed (limit + skip), keeps a bounded buffer instead of sorting everything: O(n log k).
 */
export function sortDocuments(docs: Document[], spec: SortSpec, keep = Infinity): Document[] {
  const keyed = docs.map((doc, i) => ({ doc, i, keys: spec.map(({ path, direction }) => sortKey(doc, path, direction)) }));
  type Keyed = (typeof keyed)[number];
  const compare = (a: Keyed, b: Keyed): number => {
    for (let f = 0; f < spec.length; f++) {
      const c = compareValues(a.keys[f], b.keys[f]);
      if (c) return spec[f].direction === 1 ? c : -c;
    }
    return a.i - b.i;
  };
  if (keep >= keyed.length / 4) return keyed.sort(compare).map((k) => k.doc);
  const top: Keyed[] = [];
  for (const item of keyed) {
    if (top.length === keep && compare(item, top[top.length - 1]) >= 0) continue;
    let lo = 0;
    let hi = top.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compare(top[mid], item) <= 0) lo = mid + 1;
      else hi = mid;
    }
    top.splice(lo, 0, item);
    if (top.length > keep) top.pop();
  }
  return top.map((k) => k.doc);
}
