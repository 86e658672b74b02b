import type { Document, ObjectId } from 'bson';
import type { CursorManager } from '../CursorManager';
import { ErrorCode, MongoCommandError } from '../errors';
import type { Storage } from '../storage/Storage';
import { validateCollectionName } from '../storage/Database';

/** What a command handler may use. Handlers are synchronous on purpose: see Collection (atomicity). */
export interface CommandContext {
  storage: Storage;
  cursors: CursorManager;
  /** `$db` of the command. */
  dbName: string;
  connectionId: number;
  /** Identifies this server process in `topologyVersion`. */
  processId: ObjectId;
  now(): Date;
}

/** A reply document, or raw BSON already assembled (cursor replies). `ok: 1` is added to documents if missing. */
export type CommandReply = Document | Buffer;
export type CommandHandler = (command: Document, ctx: CommandContext) => CommandReply;

/** The collection a command targets: the value of its first field, e.g. `{find: "users"}`. */
export function targetCollection(command: Document, ctx: CommandContext): string {
  const name = Object.keys(command)[0];
  return validateCollectionName(ctx.dbName, command[name]);
}

/** Validates a collection name given as a command argument. */
export function validateName(ctx: CommandContext, value: unknown): string {
  return validateCollectionName(ctx.dbName, value);
}

/** BSON type names as MongoDB's IDL prints them in TypeMismatch messages. */
function bsonTypeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'double';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (value instanceof Date) return 'date';
  if (typeof value === 'object') return (value as { _bsontype?: string })._bsontype?.toLowerCase() ?? 'object';
  return typeof value;
}

type Expected = 'object' | 'array' | 'number' | 'string' | 'bool';

function matches(value: unknown, expected: Expected): boolean {
  switch (expected) {
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
    case 'array':
      return Array.isArray(value);
    case 'number':
      return typeof value === 'number' || (typeof value === 'object' && value !== null && (value as { _bsontype?: string })._bsontype === 'Long');
    case 'string':
      return typeof value === 'string';
    case 'bool':
      return typeof value === 'boolean' || typeof value === 'number';
  }
}

/**
 * Reads an optional field with MongoDB's IDL error: `BSON field 'find.limit' is the wrong type 'string',
 * expected type 'int'` (code 14 TypeMismatch).
 */
export function optionalField<T>(command: Document, commandName: string, field: string, expected: Expected): T | undefined {
  const value = command[field];
  if (value === undefined || value === null) return undefined;
  if (!matches(value, expected)) {
    throw new MongoCommandError(ErrorCode.TypeMismatch, `BSON field '${commandName}.${field}' is the wrong type '${bsonTypeName(value)}', expected type '${expected === 'number' ? 'int' : expected}'`);
  }
  if (expected === 'number' && typeof value === 'object') return Number(value) as T;
  if (expected === 'bool' && typeof value === 'number') return (value !== 0) as T;
  return value as T;
}

/** Like optionalField, but absent is `BSON field 'insert.documents' is missing but a required field` (40414). */
export function requiredField<T>(command: Document, commandName: string, field: string, expected: Expected): T {
  const value = optionalField<T>(command, commandName, field, expected);
  if (value === undefined) {
    throw new MongoCommandError(ErrorCode.MissingRequiredField, `BSON field '${commandName}.${field}' is missing but a required field`);
  }
  return value;
}

export function nonNegative(value: number | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isFinite(value) || value < 0) throw new MongoCommandError(ErrorCode.BadValue, `${what} value must be non-negative, but received: ${value}`);
  return Math.floor(value);
}
