import type { Document } from 'bson';
import { applyUpdateToMany, buildUpsertDocument, validateUpdateSpec } from '../applyUpdate';
import { ErrorCode, MongoCommandError } from '../errors';
import { selectDocuments } from '../query/selectDocuments';
import { isPlainObject } from '../storage/paths';
import { optionalField, requiredField, targetCollection, type CommandHandler } from './CommandContext';
import { WriteResult } from './writeResult';

/**
 * `update`: `updates: [{q, u, upsert?, multi?, arrayFilters?, sort?}]`. Reply `{n, nModified, upserted?}` where
 * `n` counts matched documents (plus upserts) and `nModified` only documents that actually changed.
 */
export const update: CommandHandler = (command, ctx) => {
  const name = targetCollection(command, ctx);
  const updates = requiredField<unknown[]>(command, 'update', 'updates', 'array');
  const ordered = optionalField<boolean>(command, 'update', 'ordered', 'bool') ?? true;
  const db = ctx.storage.db(ctx.dbName);
  const result = new WriteResult();
  const upserted: Document[] = [];
  let n = 0;
  let nModified = 0;
  result.run(updates, ordered, (raw, index) => {
    if (!isPlainObject(raw)) throw new MongoCommandError(ErrorCode.TypeMismatch, 'update statement must be an object');
    const statement = raw as Document;
    const q = statement.q;
    if (!isPlainObject(q)) throw new MongoCommandError(ErrorCode.MissingRequiredField, "BSON field 'update.updates.q' is missing but a required field");
    if (statement.u === undefined) throw new MongoCommandError(ErrorCode.MissingRequiredField, "BSON field 'update.updates.u' is missing but a required field");
    const u = validateUpdateSpec(statement.u);
    const multi = statement.multi === true;
    if (multi && isPlainObject(u) && !Object.keys(u).some((k) => k.startsWith('$')) && Object.keys(u).length > 0) {
      throw new MongoCommandError(ErrorCode.FailedToParse, 'multi update is not supported for replacement-style update');
    }
    const arrayFilters = Array.isArray(statement.arrayFilters) ? (statement.arrayFilters as Document[]) : undefined;
    const collection = db.get(name);
    const matched = selectDocuments(collection, q, { limit: multi ? 0 : 1, sort: statement.sort }, ctx.storage.stats);
    if (matched.length === 0) {
      if (statement.upsert !== true) return;
      const doc = buildUpsertDocument(q, u, arrayFilters);
      db.getOrCreate(name).collection.insert(doc);
      n += 1;
      upserted.push({ index, _id: doc._id });
      return;
    }
    // Multi updates are applied document by document: like MongoDB, a failure part-way leaves earlier ones done.
    const outcomes = applyUpdateToMany(matched, u, { arrayFilters, query: q });
    for (let i = 0; i < matched.length; i++) {
      n++;
      if (!outcomes[i].modified) continue;
      collection!.replace(matched[i], outcomes[i].doc);
      nModified++;
    }
  });
  return result.reply({ n, nModified, ...(upserted.length ? { upserted } : {}) });
};
