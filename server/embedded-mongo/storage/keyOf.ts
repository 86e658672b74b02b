import { Binary, Decimal128, Long, ObjectId } from 'bson';

/**
 * A canonical string for a BSON value, used as the key of in-memory indexes and of the `_id` map. Values MongoDB
 * considers equal for index purposes get the same key: all numeric types compare by value (5, 5.0 and Long(5)
 * collide in a unique index as they do in MongoDB), `null` and a missing field share one key (a unique index
 * admits only one document without the field, as in MongoDB). Embedded documents are keyed in field order, as
 * MongoDB compares them.
 */
export function keyOf(value: unknown): string {
  switch (typeof value) {
    case 'undefined':
      return 'z';
    case 'number':
      return 'n' + String(value);
    case 'string':
      return 's' + value;
    case 'boolean':
      return value ? 'b1' : 'b0';
    case 'bigint':
      return 'n' + value.toString();
    case 'object':
      break;
    default:
      return 'u' + String(value);
  }
  if (value === null) return 'z';
  if (value instanceof ObjectId) return 'o' + value.toHexString();
  if (value instanceof Date) return 'd' + value.getTime();
  if (value instanceof Long) return 'n' + value.toString();
  if (value instanceof Decimal128) return 'm' + value.toString();
  if (value instanceof Binary) return 'x' + value.sub_type + ':' + Buffer.from(value.buffer).toString('base64');
  if (value instanceof RegExp) return 'r' + value.source + '/' + value.flags;
  if (Array.isArray(value)) return 'a[' + value.map(keyOf).join(',') + ']';
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) {
    const parts: string[] = [];
    for (const k of Object.keys(value)) parts.push(JSON.stringify(k) + ':' + keyOf((value as Record<string, unknown>)[k]));
    return '{' + parts.join(',') + '}';
  }
  // Other BSON types (Timestamp, MinKey, MaxKey, Code, ...): type name plus their own string form.
  const bsonType = (value as { _bsontype?: string })._bsontype ?? proto?.constructor?.name ?? 'object';
  return 'T' + bsonType + ':' + JSON.stringify(value);
}
