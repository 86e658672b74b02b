import { isPlainObject } from './paths';

/**
 * Deep copy that keeps BSON value classes intact. `structuredClone` would strip the prototypes of ObjectId, Long,
 * Decimal128, Binary... (they become plain objects and serialize wrongly); a BSON serialize/deserialize round trip
 * is correct but several times slower. Stored documents are never mutated in place (copy-on-write), so the
 * immutable BSON value objects can be shared between copies; only containers and Dates are copied.
 */
export function cloneDocument<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(cloneDocument) as T;
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) out[key] = cloneDocument(value[key]);
    return out as T;
  }
  return value;
}
