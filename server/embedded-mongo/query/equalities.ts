import { ObjectId, type Document } from 'bson';
import type { EqualityCondition } from '../storage/Collection';
import { isPlainObject } from '../storage/paths';

/** Values an index key can answer for: not regexes (pattern match) and not arrays (whole-array equality). */
function indexable(value: unknown): boolean {
  return value !== undefined && !(value instanceof RegExp) && !Array.isArray(value);
}

/** Values whose index key identifies them exactly (key equality ⇔ MongoDB equality), see EqualityCondition.exact. */
function exactlyKeyed(value: unknown): boolean {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean' ||
    value instanceof ObjectId ||
    value instanceof Date
  );
}

function isOperatorObject(value: unknown): value is Record<string, unknown> {
  return isPlainObject(value) && Object.keys(value).some((k) => k.startsWith('$'));
}

/**
 * The equality conditions of a filter that an index can serve: `{f: v}`, `{f: {$eq: v}}` and `{f: {$in: [...]}}`
 * at the top level or inside a top-level `$and`. Anything under `$or`/`$nor`/`$not` is ignored (it cannot
 * narrow the candidates on its own). The result only narrows which documents are examined; the full filter is
 * still applied, so ignoring a condition is always safe.
 */
export function equalityConditions(filter: Document, out: EqualityCondition[] = [], topLevel = true): EqualityCondition[] {
  for (const [path, condition] of Object.entries(filter)) {
    if (path === '$and' && Array.isArray(condition)) {
      for (const part of condition) if (isPlainObject(part)) equalityConditions(part, out, false);
      continue;
    }
    if (path.startsWith('$') || /\.\d+(\.|$)/.test(path)) continue;
    if (isOperatorObject(condition)) {
      // Only a condition that is nothing but this one operator may be skipped after an exact index answer.
      const alone = topLevel && Object.keys(condition).length === 1;
      if ('$eq' in condition && indexable(condition.$eq)) {
        out.push({ path, values: [condition.$eq], exact: alone && exactlyKeyed(condition.$eq) });
      } else if (Array.isArray(condition.$in) && condition.$in.every(indexable)) {
        out.push({ path, values: condition.$in, exact: alone && condition.$in.every(exactlyKeyed) });
      }
      continue;
    }
    if (indexable(condition)) out.push({ path, values: [condition], exact: topLevel && exactlyKeyed(condition) });
  }
  return out;
}
