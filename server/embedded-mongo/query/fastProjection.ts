import type { Document } from 'bson';
import { isPlainObject } from '../storage/paths';

/** Included paths as a tree: `true` = the whole field, a subtree = only those subfields. */
type Tree = Map<string, Tree | true>;

/** Returned by a compiled projection for a document shape it does not handle (the caller uses mingo for it). */
export const NOT_HANDLED = Symbol('not handled');

export type FastProjection = (doc: Document) => Document | typeof NOT_HANDLED;

const isTrue = (v: unknown) => v === true || (typeof v === 'number' && v !== 0);
const isFalse = (v: unknown) => v === false || v === 0;

/**
 * A projection compiled to plain field copying, for the shapes the driver sends for reads like the fan-out's:
 * inclusion of fields and dotted subfields (`{_id: 1, u: 1, 'settings.preferences': 1}`, `_id` kept unless
 * excluded) and exclusion of top-level fields (`{address: 0}`). mingo builds a dependency graph per document for
 * these, which was most of the cost of reading 10,000 documents. Anything else (operators such as `$slice` and
 * `$elemMatch`, positional `a.$`, computed fields, path collisions, dotted exclusions) returns undefined and stays
 * with mingo, as do documents holding an array of arrays along an included path (NOT_HANDLED).
 *
 * Semantics (MongoDB's): output fields keep the document's order; an included subfield of an embedded document
 * yields that document with only those subfields (possibly `{}`); along an array, each element that is a document
 * is projected and other elements are dropped; a scalar where a document was expected is dropped.
 */
export function compileFastProjection(projection: Document): FastProjection | undefined {
  const entries = Object.entries(projection);
  if (entries.length === 0) return undefined;
  for (const [path, value] of entries) {
    if (!isTrue(value) && !isFalse(value)) return undefined;
    if (path === '' || path.split('.').some((part) => part === '' || part.startsWith('$'))) return undefined;
  }
  const included = entries.filter(([path, value]) => isTrue(value) && path !== '_id');
  const excluded = entries.filter(([path, value]) => isFalse(value) && path !== '_id').map(([path]) => path);
  const id = entries.find(([path]) => path === '_id')?.[1];
  const excludesId = id !== undefined && isFalse(id);
  if (included.length > 0 && excluded.length > 0) return undefined; // mixed: an error, mingo says which
  if (included.some(([path]) => path.startsWith('_id.'))) return undefined; // subfields of _id: mingo's business

  if (included.length === 0 && !(id !== undefined && isTrue(id) && excluded.length === 0)) {
    // Exclusion: every other field stays.
    if (id !== undefined && isTrue(id)) return undefined; // {_id: 1, a: 0}: rare, mingo's business
    if (excludesId) excluded.push('_id');
    if (excluded.some((path) => path.includes('.'))) return undefined;
    const drop = new Set(excluded);
    return (doc) => {
      const out: Document = {};
      for (const key of Object.keys(doc)) if (!drop.has(key)) out[key] = doc[key];
      return out;
    };
  }

  const tree: Tree = new Map();
  const paths = included.map(([path]) => path);
  if (!excludesId) paths.unshift('_id');
  for (const path of paths) {
    const parts = path.split('.');
    let node = tree;
    for (let i = 0; i < parts.length; i++) {
      const existing = node.get(parts[i]);
      const last = i === parts.length - 1;
      if (existing === true || (last && existing !== undefined)) return undefined; // path collision: mingo reports it
      if (last) node.set(parts[i], true);
      else if (existing) node = existing;
      else {
        const child: Tree = new Map();
        node.set(parts[i], child);
        node = child;
      }
    }
  }
  return (doc) => include(doc, tree);
}

function include(doc: Record<string, unknown>, tree: Tree): Document | typeof NOT_HANDLED {
  const out: Document = {};
  for (const key of Object.keys(doc)) {
    const node = tree.get(key);
    if (node === undefined) continue;
    const value = doc[key];
    if (node === true) {
      if (value !== undefined) out[key] = value;
      continue;
    }
    if (isPlainObject(value)) {
      const inner = include(value, node);
      if (inner === NOT_HANDLED) return NOT_HANDLED;
      out[key] = inner;
    } else if (Array.isArray(value)) {
      const projected: Document[] = [];
      for (const element of value) {
        if (Array.isArray(element)) return NOT_HANDLED;
        if (!isPlainObject(element)) continue;
        const inner = include(element, node);
        if (inner === NOT_HANDLED) return NOT_HANDLED;
        projected.push(inner);
      }
      out[key] = projected;
    }
  }
  return out;
}
