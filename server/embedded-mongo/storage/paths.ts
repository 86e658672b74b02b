/**
 * Field-path helpers with MongoDB's array semantics: a path walks into every element of an array it meets
 * ("a.b" on {a: [{b: 1}, {b: 2}]} yields 1 and 2), an array at the end of the path contributes its elements
 * (a multikey index entry per element), and a missing field yields `undefined` (indexed like null).
 */

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Sentinel for an empty array at the end of a path: indexed under its own key, distinct from null. */
export const EMPTY_ARRAY: readonly unknown[] = Object.freeze([]);

function collect(value: unknown, parts: readonly string[], i: number, out: unknown[]): void {
  if (i === parts.length) {
    if (Array.isArray(value)) {
      if (value.length === 0) out.push(EMPTY_ARRAY);
      else for (const element of value) out.push(element);
    } else {
      out.push(value);
    }
    return;
  }
  if (Array.isArray(value)) {
    const before = out.length;
    if (/^\d+$/.test(parts[i])) collect(value[Number(parts[i])], parts, i + 1, out);
    for (const element of value) if (isPlainObject(element)) collect(element, parts, i, out);
    if (out.length === before) out.push(undefined);
    return;
  }
  if (isPlainObject(value)) {
    collect(value[parts[i]], parts, i + 1, out);
    return;
  }
  out.push(undefined);
}

/** All values a document holds at a dotted path (at least one entry: `undefined` when missing). */
export function valuesAtPath(doc: unknown, path: readonly string[]): unknown[] {
  const out: unknown[] = [];
  collect(doc, path, 0, out);
  return out;
}

/** The value at a dotted path without array traversal (for simple reads such as the TTL field). */
export function getPath(doc: unknown, path: string): unknown {
  let current: unknown = doc;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** Sets a dotted path, creating embedded documents on the way (used to seed upserts from a query). */
export function setPath(doc: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let current: Record<string, unknown> = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    const next = current[parts[i]];
    if (!isPlainObject(next)) current[parts[i]] = {};
    current = current[parts[i]] as Record<string, unknown>;
  }
  current[parts[parts.length - 1]] = value;
}
