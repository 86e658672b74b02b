import { Binary, Decimal128, Long, MaxKey, MinKey, ObjectId, Timestamp } from 'bson';
import { EMPTY_ARRAY, isPlainObject } from '../storage/paths';

/**
 * MongoDB's comparison/sort order across BSON types ("Comparison/Sort Order" in the manual): MinKey < null
 * (and missing) < numbers < strings < objects < arrays < BinData < ObjectId < booleans < dates < timestamps <
 * regular expressions < MaxKey. Numbers of different types compare by value.
 */
function rank(value: unknown): number {
  if (value === undefined || value === null) return 1;
  switch (typeof value) {
    case 'number':
    case 'bigint':
      return 2;
    case 'string':
    case 'symbol':
      return 3;
    case 'boolean':
      return 8;
  }
  if (value === EMPTY_ARRAY) return 0.5; // an empty array sorts before null
  if (value instanceof MinKey) return 0;
  if (value instanceof MaxKey) return 12;
  if (value instanceof Long || value instanceof Decimal128) return 2;
  if (isPlainObject(value)) return 4;
  if (Array.isArray(value)) return 5;
  if (value instanceof Binary) return 6;
  if (value instanceof ObjectId) return 7;
  if (value instanceof Date) return 9;
  if (value instanceof Timestamp) return 10;
  if (value instanceof RegExp) return 11;
  const bsonType = (value as { _bsontype?: string })._bsontype;
  if (bsonType === 'Int32' || bsonType === 'Double') return 2;
  return 4;
}

function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Long) return value.toNumber();
  return Number(String(value));
}

const cmp = (a: number | string, b: number | string): number => (a < b ? -1 : a > b ? 1 : 0);

export function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  // Fast paths for the pairs indexes compare most (ids, states, dates); same answers as the general code below.
  const ta = typeof a;
  if (ta === typeof b) {
    if (ta === 'string') return (a as string) < (b as string) ? -1 : 1;
    if (ta === 'number' && !Number.isNaN(a) && !Number.isNaN(b)) return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
  }
  if (a instanceof Date && b instanceof Date) return cmp(a.getTime(), b.getTime());
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 2: {
      if (a instanceof Long && b instanceof Long) return a.compare(b);
      const x = toNumber(a);
      const y = toNumber(b);
      if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : -1) : 1; // NaN is the smallest number
      return cmp(x, y);
    }
    case 3:
      return cmp(String(a), String(b));
    case 4: {
      const ea = Object.entries(a as Record<string, unknown>);
      const eb = Object.entries(b as Record<string, unknown>);
      for (let i = 0; i < Math.min(ea.length, eb.length); i++) {
        const byValueType = rank(ea[i][1]) - rank(eb[i][1]);
        if (byValueType) return byValueType < 0 ? -1 : 1;
        const byName = cmp(ea[i][0], eb[i][0]);
        if (byName) return byName;
        const byValue = compareValues(ea[i][1], eb[i][1]);
        if (byValue) return byValue;
      }
      return cmp(ea.length, eb.length);
    }
    case 5: {
      const xa = a as unknown[];
      const xb = b as unknown[];
      for (let i = 0; i < Math.min(xa.length, xb.length); i++) {
        const c = compareValues(xa[i], xb[i]);
        if (c) return c;
      }
      return cmp(xa.length, xb.length);
    }
    case 6: {
      const ba = a as Binary;
      const bb = b as Binary;
      return cmp(ba.length(), bb.length()) || cmp(ba.sub_type, bb.sub_type) || Buffer.compare(Buffer.from(ba.buffer), Buffer.from(bb.buffer));
    }
    case 7:
      return cmp((a as ObjectId).toHexString(), (b as ObjectId).toHexString());
    case 8:
      return cmp(Number(a), Number(b));
    case 9:
      return cmp((a as Date).getTime(), (b as Date).getTime());
    case 10:
      return (a as Timestamp).compare(b as Timestamp);
    case 11:
      return cmp((a as RegExp).source, (b as RegExp).source) || cmp((a as RegExp).flags, (b as RegExp).flags);
    default:
      return 0;
  }
}
