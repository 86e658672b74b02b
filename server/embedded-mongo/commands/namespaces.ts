import { serialize, type Document } from 'bson';
import { Query } from 'mingo';
import { ErrorCode, MongoCommandError, fromUnknownError } from '../errors';
import { mingoOptions } from '../query/mingoOptions';
import type { Collection } from '../storage/Collection';
import { validateCollectionName, validateDatabaseName } from '../storage/Database';
import { isPlainObject } from '../storage/paths';
import { targetCollection, type CommandHandler } from './CommandContext';

function applyFilter(docs: Document[], filter: unknown): Document[] {
  if (!isPlainObject(filter) || Object.keys(filter).length === 0) return docs;
  try {
    const query = new Query(filter, mingoOptions());
    return docs.filter((doc) => query.test(doc));
  } catch (error) {
    throw fromUnknownError(error);
  }
}

/** Approximate data size: BSON bytes of every document (cheap enough for the sizes this server is meant for). */
function dataSize(collection: Collection): number {
  let size = 0;
  for (const doc of collection.docs.values()) size += serialize(doc).length;
  return size;
}

export const listDatabases: CommandHandler = (command, ctx) => {
  const nameOnly = command.nameOnly === true;
  let databases: Document[] = ctx.storage.nonEmptyDatabases().map((db) => {
    if (nameOnly) return { name: db.name };
    let size = 0;
    for (const collection of db.collections.values()) size += dataSize(collection);
    return { name: db.name, sizeOnDisk: size, empty: false };
  });
  databases = applyFilter(databases, command.filter);
  if (nameOnly) return { databases, ok: 1 };
  const totalSize = databases.reduce((sum, db) => sum + (db.sizeOnDisk as number), 0);
  return { databases, totalSize, totalSizeMb: Math.floor(totalSize / 1024 / 1024), ok: 1 };
};

/** `listCollections` with `filter` and `nameOnly`; the reply is a cursor, like every list command. */
export const listCollections: CommandHandler = (command, ctx) => {
  const nameOnly = command.nameOnly === true;
  const db = ctx.storage.databases.get(ctx.dbName);
  const infos: Document[] = [...(db?.collections.values() ?? [])].map((collection) =>
    nameOnly
      ? { name: collection.name, type: 'collection' }
      : {
          name: collection.name,
          type: 'collection',
          options: collection.options,
          info: { readOnly: false, uuid: collection.uuid },
          idIndex: { v: 2, key: { _id: 1 }, name: '_id_' },
        },
  );
  const batchSize = isPlainObject(command.cursor) && typeof command.cursor.batchSize === 'number' ? command.cursor.batchSize : undefined;
  return ctx.cursors.open(`${ctx.dbName}.$cmd.listCollections`, applyFilter(infos, command.filter), { batchSize });
};

/** `create`: explicit creation; an existing name is NamespaceExists (48). Options are kept for listCollections. */
export const create: CommandHandler = (command, ctx) => {
  const name = targetCollection(command, ctx);
  const db = ctx.storage.db(ctx.dbName);
  if (db.get(name)) throw new MongoCommandError(ErrorCode.NamespaceExists, `Collection ${ctx.dbName}.${name} already exists.`);
  const options: Document = {};
  for (const [key, value] of Object.entries(command)) {
    if (key === 'create' || key.startsWith('$') || ['lsid', 'writeConcern', 'comment', 'txnNumber', 'apiVersion', 'apiStrict', 'apiDeprecationErrors'].includes(key)) continue;
    options[key] = value;
  }
  db.getOrCreate(name, options);
  return { ok: 1 };
};

/** `drop`: like MongoDB 7, dropping a missing collection succeeds. */
export const drop: CommandHandler = (command, ctx) => {
  const name = targetCollection(command, ctx);
  const db = ctx.storage.databases.get(ctx.dbName);
  const collection = db?.get(name);
  if (!collection) return { ok: 1 };
  const nIndexesWas = collection.indexSpecs.length;
  db!.drop(name);
  return { nIndexesWas, ns: collection.ns, ok: 1 };
};

export const dropDatabase: CommandHandler = (_command, ctx) => {
  ctx.storage.dropDatabase(ctx.dbName);
  return { ok: 1 };
};

/** `renameCollection` (admin command, full namespaces): `{renameCollection: 'db.a', to: 'db.b', dropTarget}`. */
export const renameCollection: CommandHandler = (command, ctx) => {
  const split = (ns: unknown): [string, string] => {
    if (typeof ns !== 'string' || !ns.includes('.')) throw new MongoCommandError(ErrorCode.InvalidNamespace, `Invalid namespace specified '${String(ns)}'`);
    const at = ns.indexOf('.');
    return [validateDatabaseName(ns.slice(0, at)), ns.slice(at + 1)];
  };
  const [fromDb, fromName] = split(command.renameCollection);
  const [toDb, toName] = split(command.to);
  validateCollectionName(toDb, toName);
  const source = ctx.storage.collection(fromDb, fromName);
  if (!source) throw new MongoCommandError(ErrorCode.NamespaceNotFound, 'Source collection does not exist');
  if (fromDb !== toDb) throw new MongoCommandError(ErrorCode.IllegalOperation, 'renaming across databases is not supported by the embedded server');
  const db = ctx.storage.db(toDb);
  if (db.get(toName)) {
    if (command.dropTarget !== true) throw new MongoCommandError(ErrorCode.NamespaceExists, 'target namespace exists');
    db.drop(toName);
  }
  const { collection } = db.getOrCreate(toName, source.options);
  for (const index of source.indexes) collection.addIndex(index.spec);
  for (const doc of source.docs.values()) collection.insert(doc);
  db.drop(fromName);
  return { ok: 1 };
};

export const dbStats: CommandHandler = (_command, ctx) => {
  const db = ctx.storage.databases.get(ctx.dbName);
  let objects = 0;
  let size = 0;
  let indexes = 0;
  for (const collection of db?.collections.values() ?? []) {
    objects += collection.docs.size;
    size += dataSize(collection);
    indexes += collection.indexSpecs.length;
  }
  const collections = db?.collections.size ?? 0;
  return { db: ctx.dbName, collections, views: 0, objects, avgObjSize: objects ? size / objects : 0, dataSize: size, storageSize: size, indexes, indexSize: 0, ok: 1 };
};

export const collStats: CommandHandler = (command, ctx) => {
  const name = targetCollection(command, ctx);
  const collection = ctx.storage.collection(ctx.dbName, name);
  if (!collection) throw new MongoCommandError(ErrorCode.NamespaceNotFound, `Collection [${ctx.dbName}.${name}] not found.`);
  const size = dataSize(collection);
  const count = collection.docs.size;
  return { ns: collection.ns, count, size, avgObjSize: count ? size / count : 0, storageSize: size, nindexes: collection.indexSpecs.length, ok: 1 };
};

