import { ObjectId } from 'bson';
import { compareValues } from './compareValues';

/**
 * `value ∈ operands` as MongoDB's `$in` decides it for one value, in O(1) for the common operand types instead of
 * one comparison per operand (a fan-out's `{_id: {$in: <10,000 ids>}}` would otherwise cost 10,000² comparisons).
 *
 * Equality is `compareValues(...) === 0`, as in the rest of the fast path, and the sets below agree with it:
 * - strings, numbers and booleans: JS `Set` (SameValueZero) is exactly that equality within each of those
 *   types (NaN equals NaN and -0 equals 0, as compareValues has them), and no two of them compare equal across
 *   JS types (separate BSON type brackets);
 * - ObjectIds by hex string, Dates by time value (an invalid date's NaN equals another's, as compareValues says);
 * - `null` matches null and a missing field;
 * - everything else (Long/Decimal128/Int32/Double wrappers, embedded documents, other BSON types) is compared one
 *   by one, and so is any value that is not a string/boolean/number/ObjectId/Date (e.g. a Long in a document).
 *   A plain JS number additionally checks the numeric wrappers among the operands (5 equals Long(5)).
 */
export function compileMembership(operands: readonly unknown[]): (value: unknown) => boolean {
  // Built on first use: when an index lookup already guarantees the condition, the predicate is never called and
  // a 10,000-value $in costs no sets at all.
  let test: ((value: unknown) => boolean) | undefined;
  return (value) => (test ??= buildMembership(operands))(value);
}

function buildMembership(operands: readonly unknown[]): (value: unknown) => boolean {
  const primitives = new Set<unknown>();
  const objectIds = new Set<string>();
  const dates = new Set<number>();
  const others: unknown[] = [];
  let hasNull = false;
  for (const operand of operands) {
    if (operand === null) hasNull = true;
    else if (typeof operand === 'string' || typeof operand === 'number' || typeof operand === 'boolean') primitives.add(operand);
    else if (operand instanceof ObjectId) objectIds.add(operand.toHexString());
    else if (operand instanceof Date) dates.add(operand.getTime());
    else others.push(operand);
  }
  const numericOthers = others.filter(isNumericWrapper);
  const linear = (value: unknown): boolean => operands.some((operand) => operand !== null && compareValues(value, operand) === 0);

  return (value) => {
    if (value === undefined || value === null) return hasNull;
    switch (typeof value) {
      case 'string':
      case 'boolean':
        return primitives.has(value);
      case 'number':
        return primitives.has(value) || (numericOthers.length > 0 && numericOthers.some((o) => compareValues(value, o) === 0));
    }
    if (value instanceof ObjectId) return objectIds.has(value.toHexString());
    if (value instanceof Date) return dates.has(value.getTime());
    return linear(value);
  };
}

function isNumericWrapper(value: unknown): boolean {
  const type = (value as { _bsontype?: string } | null)?._bsontype;
  return type === 'Long' || type === 'Decimal128' || type === 'Int32' || type === 'Double' || typeof value === 'bigint';
}
