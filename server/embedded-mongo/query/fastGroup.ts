import type { Document } from 'bson';
import { keyOf } from '../storage/keyOf';
import { isPlainObject } from '../storage/paths';

/** Returned when a document holds something the fast path does not handle; the caller runs mingo instead. */
export const GROUP_NOT_HANDLED = Symbol('group not handled');

export type FastGroup = (docs: Iterable<Document>) => Document[] | typeof GROUP_NOT_HANDLED;

type Accumulator =
  | { field: string; kind: 'count'; by: number }
  | { field: string; kind: 'sum'; path: string[] }
  | { field: string; kind: 'min' | 'max'; path: string[] };

const NOT_SIMPLE = Symbol('not simple');

/** `$a.b` → ['a', 'b']; anything else (variables, expressions, `$$ROOT`) → undefined. */
function fieldPath(expression: unknown): string[] | undefined {
  if (typeof expression !== 'string' || !expression.startsWith('$') || expression.startsWith('$$')) return undefined;
  const parts = expression.slice(1).split('.');
  return parts.every((p) => p !== '' && !p.startsWith('$')) ? parts : undefined;
}

/** The value of a field path without arrays on the way (NOT_SIMPLE when an array or a non-document is met midway). */
function valueAt(doc: Document, path: string[]): unknown {
  let current: unknown = doc;
  for (let i = 0; i < path.length; i++) {
    if (Array.isArray(current)) return NOT_SIMPLE;
    if (!isPlainObject(current)) return undefined;
    current = current[path[i]];
  }
  return current;
}

/**
 * `$group` for the shapes the push module runs over thousands of documents (badge counts, outbox statistics):
 * `_id` a field path or a constant, accumulators `$sum` of a field path or of a number (`{$sum: 1}` counts), and
 * `$min`/`$max` of a field path. mingo evaluates an expression tree per document and accumulator; this is a single
 * pass with a map keyed like MongoDB groups (numbers by value, null and missing together).
 *
 * Semantics kept: `$sum` adds numbers and ignores everything else (strings, null, missing, arrays); `$min`/`$max`
 * ignore null and missing and compare only numbers, strings or dates of one kind (else the group is left to
 * mingo); a group with nothing to sum gets 0, with nothing to compare gets null. Documents with an array on a
 * grouped path, or non-JS-number numerics (Decimal128, large Longs) are handed back (GROUP_NOT_HANDLED).
 * Returns undefined for any other `$group` specification.
 */
export function compileFastGroup(spec: unknown): FastGroup | undefined {
  if (!isPlainObject(spec) || !('_id' in spec)) return undefined;
  const idSpec = spec._id;
  let idPath: string[] | undefined;
  let constantId: unknown;
  if (typeof idSpec === 'string' && idSpec.startsWith('$')) {
    idPath = fieldPath(idSpec);
    if (!idPath) return undefined;
  } else if (idSpec === null || typeof idSpec === 'number' || typeof idSpec === 'boolean' || (typeof idSpec === 'string' && !idSpec.startsWith('$'))) {
    constantId = idSpec;
  } else {
    return undefined;
  }
  const accumulators: Accumulator[] = [];
  for (const [field, definition] of Object.entries(spec)) {
    if (field === '_id') continue;
    if (field.includes('.') || field.startsWith('$') || !isPlainObject(definition) || Object.keys(definition).length !== 1) return undefined;
    const [operator, argument] = Object.entries(definition)[0];
    if (operator === '$sum' && typeof argument === 'number' && Number.isFinite(argument)) {
      accumulators.push({ field, kind: 'count', by: argument });
      continue;
    }
    const path = fieldPath(argument);
    if (!path) return undefined;
    if (operator === '$sum') accumulators.push({ field, kind: 'sum', path });
    else if (operator === '$min' || operator === '$max') accumulators.push({ field, kind: operator === '$min' ? 'min' : 'max', path });
    else return undefined;
  }

  return (docs) => {
    const groups = new Map<string, { id: unknown; values: unknown[]; counts: number[] }>();
    for (const doc of docs) {
      let id = constantId;
      if (idPath) {
        id = valueAt(doc, idPath);
        if (id === NOT_SIMPLE || Array.isArray(id)) return GROUP_NOT_HANDLED;
        if (id === undefined) id = null;
      }
      const key = keyOf(id);
      let group = groups.get(key);
      if (!group) {
        group = { id, values: accumulators.map((a) => (a.kind === 'min' || a.kind === 'max' ? undefined : 0)), counts: accumulators.map(() => 0) };
        groups.set(key, group);
      }
      for (let i = 0; i < accumulators.length; i++) {
        const accumulator = accumulators[i];
        if (accumulator.kind === 'count') {
          group.values[i] = (group.values[i] as number) + accumulator.by;
          continue;
        }
        const value = valueAt(doc, accumulator.path);
        if (value === NOT_SIMPLE) return GROUP_NOT_HANDLED;
        if (value === undefined || value === null) continue;
        if (accumulator.kind === 'sum') {
          if (typeof value === 'number') group.values[i] = (group.values[i] as number) + value;
          else if (typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date) && !isPlainObject(value)) return GROUP_NOT_HANDLED; // Decimal128, Long...
          continue;
        }
        const current = group.values[i];
        if (current === undefined) {
          if (!comparable(value)) return GROUP_NOT_HANDLED;
          group.values[i] = value;
          continue;
        }
        if (!comparable(value) || kindOf(value) !== kindOf(current)) return GROUP_NOT_HANDLED;
        const less = (value as number) < (current as number);
        if (accumulator.kind === 'min' ? less : (value as number) > (current as number)) group.values[i] = value;
      }
    }
    const out: Document[] = [];
    for (const group of groups.values()) {
      const row: Document = { _id: group.id };
      accumulators.forEach((accumulator, i) => (row[accumulator.field] = group.values[i] === undefined ? null : group.values[i]));
      out.push(row);
    }
    return out;
  };
}

function comparable(value: unknown): boolean {
  return (typeof value === 'number' && !Number.isNaN(value)) || typeof value === 'string' || (value instanceof Date && !Number.isNaN(value.getTime()));
}

function kindOf(value: unknown): string {
  return value instanceof Date ? 'date' : typeof value;
}
