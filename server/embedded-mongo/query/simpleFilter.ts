import type { Document } from 'bson';
import { isPlainObject, valuesAtPath } from '../storage/paths';
import { compareValues } from './compareValues';
import { compileMembership } from './membership';

type Predicate = (doc: Document) => boolean;

const COMPARISONS = new Set(['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$exists']);

/** Operands the fast path handles: scalars and embedded documents, not regexes or arrays (special semantics). */
function plainOperand(value: unknown): boolean {
  return value !== undefined && !(value instanceof RegExp) && !Array.isArray(value) && !(isPlainObject(value) && Object.keys(value).some((k) => k.startsWith('$')));
}

/** Equal as MongoDB compares (numbers across types; `null` also matches a missing field). */
function equals(value: unknown, operand: unknown): boolean {
  if (operand === null) return value === null || value === undefined;
  return value !== undefined && compareValues(value, operand) === 0;
}

function sameBracket(a: unknown, b: unknown): boolean {
  const bracket = (v: unknown): string => {
    if (v === null || v === undefined) return 'null';
    if (typeof v === 'number' || typeof v === 'bigint') return 'number';
    const t = (v as { _bsontype?: string })?._bsontype;
    if (t === 'Long' || t === 'Decimal128' || t === 'Int32' || t === 'Double') return 'number';
    if (typeof v === 'string') return 'string';
    if (typeof v === 'boolean') return 'boolean';
    if (v instanceof Date) return 'date';
    if (isPlainObject(v)) return 'object';
    return t ?? 'other';
  };
  return bracket(a) === bracket(b);
}

function fieldPredicate(parts: string[], condition: unknown): Predicate | undefined {
  const any = (test: (value: unknown) => boolean): Predicate => (doc) => valuesAtPath(doc, parts).some(test);
  if (!isPlainObject(condition) || !Object.keys(condition).some((k) => k.startsWith('$'))) {
    if (!plainOperand(condition)) return undefined;
    return any((v) => equals(v, condition));
  }
  const tests: Predicate[] = [];
  for (const [op, operand] of Object.entries(condition)) {
    if (!COMPARISONS.has(op)) return undefined;
    switch (op) {
      case '$eq':
        if (!plainOperand(operand)) return undefined;
        tests.push(any((v) => equals(v, operand)));
        break;
      case '$ne':
        if (!plainOperand(operand)) return undefined;
        tests.push((doc) => !valuesAtPath(doc, parts).some((v) => equals(v, operand)));
        break;
      case '$in':
      case '$nin': {
        if (!Array.isArray(operand) || !operand.every(plainOperand)) return undefined;
        const member = compileMembership(operand);
        const hit = (doc: Document) => valuesAtPath(doc, parts).some(member);
        tests.push(op === '$in' ? hit : (doc) => !hit(doc));
        break;
      }
      case '$exists': {
        const want = operand !== false && operand !== 0 && operand !== null;
        tests.push((doc) => valuesAtPath(doc, parts).some((v) => v !== undefined) === want);
        break;
      }
      default: {
        if (!plainOperand(operand)) return undefined;
        const accept =
          op === '$gt' ? (c: number) => c > 0 : op === '$gte' ? (c: number) => c >= 0 : op === '$lt' ? (c: number) => c < 0 : (c: number) => c <= 0;
        // Comparisons never match across type brackets (numbers of any type form one bracket; missing is null).
        tests.push(any((v) => sameBracket(v ?? null, operand) && accept(compareValues(v ?? null, operand))));
      }
    }
  }
  return (doc) => tests.every((t) => t(doc));
}

/**
 * A predicate for the common, simple filters (field equality, $eq/$ne/$gt/$gte/$lt/$lte/$in/$nin/$exists and
 * $and of those), with MongoDB semantics (a field path matches when any value along it does; comparisons stay
 * within a type bracket). Compiling one is far cheaper than building a mingo Query, which copies its operator
 * tables on every construction. Returns undefined for anything else, which mingo then handles.
 */
export function compileSimpleFilter(filter: Document): Predicate | undefined {
  const tests: Predicate[] = [];
  for (const [key, condition] of Object.entries(filter)) {
    if (key === '$and') {
      if (!Array.isArray(condition) || condition.length === 0) return undefined;
      for (const part of condition) {
        if (!isPlainObject(part)) return undefined;
        const inner = compileSimpleFilter(part);
        if (!inner) return undefined;
        tests.push(inner);
      }
      continue;
    }
    if (key.startsWith('$') || key === '' || /(^|\.)\d+(\.|$)/.test(key) || key.split('.').some((p) => p === '' || p.startsWith('$'))) return undefined;
    const predicate = fieldPredicate(key.split('.'), condition);
    if (!predicate) return undefined;
    tests.push(predicate);
  }
  if (tests.length === 1) return tests[0];
  return (doc) => {
    for (const test of tests) if (!test(doc)) return false;
    return true;
  };
}
