import { Binary, Decimal128, Long, ObjectId } from 'bson';
import { ErrorCode, MongoCommandError } from '../errors';

/** Renders a value the way the server prints it inside `dup key: { ... }` (shell-like syntax). */
function render(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof ObjectId) return `ObjectId('${value.toHexString()}')`;
  if (value instanceof Date) return `new Date(${value.getTime()})`;
  if (value instanceof Long) return value.toString();
  if (value instanceof Decimal128) return value.toString();
  if (value instanceof Binary) return `BinData(${value.sub_type}, ${Buffer.from(value.buffer).toString('hex').toUpperCase()})`;
  if (Array.isArray(value)) return `[ ${value.map(render).join(', ')} ]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}: ${render(v)}`);
    return entries.length ? `{ ${entries.join(', ')} }` : '{}';
  }
  return String(value);
}

/**
 * MongoDB's duplicate key error: code 11000, `keyPattern` and `keyValue` fields (the driver exposes both on
 * MongoServerError) and the message shape
 * `E11000 duplicate key error collection: db.coll index: name dup key: { field: value }`.
 */
export function duplicateKeyError(
  ns: string,
  indexName: string,
  keyPattern: Record<string, unknown>,
  values: unknown[],
): MongoCommandError {
  const fields = Object.keys(keyPattern);
  const keyValue: Record<string, unknown> = {};
  fields.forEach((field, i) => (keyValue[field] = values[i] === undefined ? null : values[i]));
  const shown = fields.map((field) => `${field}: ${render(keyValue[field])}`).join(', ');
  return new MongoCommandError(
    ErrorCode.DuplicateKey,
    `E11000 duplicate key error collection: ${ns} index: ${indexName} dup key: { ${shown} }`,
    { keyPattern: { ...keyPattern }, keyValue },
  );
}
