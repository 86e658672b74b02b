import { isDeepStrictEqual } from 'node:util';
import type { Document } from 'bson';
import { ErrorCode, MongoCommandError } from '../errors';
import type { Collection } from '../storage/Collection';
import type { IndexSpec } from '../storage/Index';
import { keyOf } from '../storage/keyOf';
import { isPlainObject } from '../storage/paths';
import { requiredField, targetCollection, type CommandHandler } from './CommandContext';

const INDEX_TYPES = new Set(['hashed', 'text', '2d', '2dsphere', 'wildcard']);
/** Options that make two indexes on the same key different (compared when a name or key already exists). */
const DISTINGUISHING = ['unique', 'sparse', 'partialFilterExpression', 'expireAfterSeconds', 'collation'];

function normalizeSpec(raw: unknown): IndexSpec {
  if (!isPlainObject(raw)) throw new MongoCommandError(ErrorCode.TypeMismatch, 'index specification must be an object');
  const { key, name, v: _v, ns: _ns, background: _background, ...options } = raw;
  if (!isPlainObject(key) || Object.keys(key).length === 0) {
    throw new MongoCommandError(ErrorCode.CannotCreateIndex, 'Index keys cannot be an empty field.');
  }
  for (const [field, type] of Object.entries(key)) {
    const valid = (typeof type === 'number' && type !== 0) || (typeof type === 'string' && INDEX_TYPES.has(type));
    if (!valid) {
      throw new MongoCommandError(ErrorCode.CannotCreateIndex, `Values in the index key pattern can only be numbers or strings, got ${JSON.stringify(type)} for field ${field}`);
    }
  }
  if (typeof name !== 'string' || name.length === 0) {
    throw new MongoCommandError(ErrorCode.FailedToParse, "The 'name' field is a required property of an index specification");
  }
  if (options.expireAfterSeconds !== undefined && (typeof options.expireAfterSeconds !== 'number' || options.expireAfterSeconds < 0)) {
    throw new MongoCommandError(ErrorCode.CannotCreateIndex, 'TTL index \'expireAfterSeconds\' option must be numeric and non-negative');
  }
  if (options.unique === false) delete options.unique;
  if (options.sparse === false) delete options.sparse;
  return { v: 2, key, name, ...options };
}

function sameOptions(a: IndexSpec, b: IndexSpec): boolean {
  return DISTINGUISHING.every((option) => isDeepStrictEqual(a[option], b[option]));
}

/** Returns true when an identical index exists; throws on the conflicts MongoDB reports. */
function checkExisting(collection: Collection, spec: IndexSpec): boolean {
  for (const existing of collection.indexSpecs) {
    const sameKey = keyOf(existing.key) === keyOf(spec.key);
    if (existing.name === spec.name) {
      if (sameKey && sameOptions(existing, spec)) return true;
      throw new MongoCommandError(
        ErrorCode.IndexKeySpecsConflict,
        `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(existing)}`,
      );
    }
    if (sameKey && sameOptions(existing, spec)) {
      throw new MongoCommandError(ErrorCode.IndexOptionsConflict, `Index already exists with a different name: ${existing.name}`);
    }
  }
  return false;
}

/** `createIndexes`: builds each index over existing documents; a unique one fails with E11000 on duplicates. */
export const createIndexes: CommandHandler = (command, ctx) => {
  const name = targetCollection(command, ctx);
  const raw = requiredField<unknown[]>(command, 'createIndexes', 'indexes', 'array');
  if (raw.length === 0) throw new MongoCommandError(ErrorCode.BadValue, 'Must specify at least one index to create');
  const specs = raw.map(normalizeSpec);
  const { collection, created } = ctx.storage.db(ctx.dbName).getOrCreate(name);
  const before = collection.indexSpecs.length;
  for (const spec of specs) {
    if (checkExisting(collection, spec)) continue;
    collection.addIndex(spec);
  }
  const after = collection.indexSpecs.length;
  return {
    numIndexesBefore: before,
    numIndexesAfter: after,
    createdCollectionAutomatically: created,
    ...(after === before ? { note: 'all indexes already exist' } : {}),
    ok: 1,
  };
};

function requireCollection(ctx: Parameters<CommandHandler>[1], name: string): Collection {
  const collection = ctx.storage.collection(ctx.dbName, name);
  if (!collection) throw new MongoCommandError(ErrorCode.NamespaceNotFound, `ns does not exist: ${ctx.dbName}.${name}`);
  return collection;
}

export const listIndexes: CommandHandler = (command, ctx) => {
  const name = targetCollection(command, ctx);
  const collection = requireCollection(ctx, name);
  const batchSize = isPlainObject(command.cursor) && typeof command.cursor.batchSize === 'number' ? command.cursor.batchSize : undefined;
  return ctx.cursors.open(`${ctx.dbName}.${name}`, collection.indexSpecs as Document[], { batchSize });
};

/** `dropIndexes`: by name, by key pattern, a list of names, or `'*'` (all but `_id_`). */
export const dropIndexes: CommandHandler = (command, ctx) => {
  const name = targetCollection(command, ctx);
  const collection = requireCollection(ctx, name);
  const nIndexesWas = collection.indexSpecs.length;
  const target = command.index;
  let names: string[];
  if (target === '*') {
    names = collection.indexes.map((index) => index.name);
  } else if (typeof target === 'string') {
    names = [target];
  } else if (Array.isArray(target)) {
    names = target.map(String);
  } else if (isPlainObject(target)) {
    const found = collection.indexSpecs.filter((spec) => keyOf(spec.key) === keyOf(target));
    if (found.length === 0) throw new MongoCommandError(ErrorCode.IndexNotFound, `can't find index with key: ${JSON.stringify(target)}`);
    names = found.map((spec) => spec.name);
  } else {
    throw new MongoCommandError(ErrorCode.TypeMismatch, "BSON field 'dropIndexes.index' is the wrong type, expected types '[string, object, array]'");
  }
  for (const indexName of names) {
    if (indexName === '_id_') throw new MongoCommandError(ErrorCode.InvalidOptions, 'cannot drop _id index');
    if (!collection.findIndex(indexName)) throw new MongoCommandError(ErrorCode.IndexNotFound, `index not found with name [${indexName}]`);
  }
  for (const indexName of names) collection.dropIndex(indexName);
  return { nIndexesWas, ok: 1 };
};
