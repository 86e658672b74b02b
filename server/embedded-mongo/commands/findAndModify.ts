import type { Document } from 'bson';
import { applyUpdate, buildUpsertDocument, validateUpdateSpec } from '../applyUpdate';
import { ErrorCode, MongoCommandError } from '../errors';
import { selectDocuments } from '../query/selectDocuments';
import { optionalField, targetCollection, type CommandHandler } from './CommandContext';
import { applyProjection } from './projection';

/**
 * `findAndModify`: find one document (first in `sort` order), then update, upsert or remove it, returning the
 * document before or (`new: true`) after, plus `lastErrorObject`. Unlike insert/update, its failures (e.g. a
 * duplicate key) are command errors, not writeErrors. Finding and writing happen in one synchronous step, so
 * two clients racing for the same document cannot both get it.
 */
export const findAndModify: CommandHandler = (command, ctx) => {
  const commandName = Object.keys(command)[0];
  const name = targetCollection(command, ctx);
  const query = optionalField<Document>(command, commandName, 'query', 'object') ?? {};
  const sort = optionalField<Document>(command, commandName, 'sort', 'object');
  const fields = optionalField<Document>(command, commandName, 'fields', 'object');
  const remove = optionalField<boolean>(command, commandName, 'remove', 'bool') ?? false;
  const returnNew = optionalField<boolean>(command, commandName, 'new', 'bool') ?? false;
  const upsert = optionalField<boolean>(command, commandName, 'upsert', 'bool') ?? false;
  const arrayFilters = Array.isArray(command.arrayFilters) ? (command.arrayFilters as Document[]) : undefined;
  const hasUpdate = command.update !== undefined && command.update !== null;

  if (remove && hasUpdate) throw new MongoCommandError(ErrorCode.FailedToParse, 'Cannot specify both an update and remove=true');
  if (!remove && !hasUpdate) throw new MongoCommandError(ErrorCode.FailedToParse, 'Either an update or remove=true must be specified');
  if (remove && upsert) throw new MongoCommandError(ErrorCode.FailedToParse, 'Cannot specify both upsert=true and remove=true');
  if (remove && returnNew) {
    throw new MongoCommandError(ErrorCode.FailedToParse, "Cannot specify both new=true and remove=true; 'remove' always returns the deleted document");
  }
  const updateSpec = hasUpdate ? validateUpdateSpec(command.update) : undefined;

  const db = ctx.storage.db(ctx.dbName);
  const collection = db.get(name);
  const [current] = selectDocuments(collection, query, { sort, limit: 1 }, ctx.storage.stats);
  const shape = (doc: Document | undefined): Document | null => {
    if (!doc) return null;
    return fields && Object.keys(fields).length ? applyProjection([doc], fields)[0] : doc;
  };

  if (remove) {
    if (current) collection!.remove(current);
    return { lastErrorObject: { n: current ? 1 : 0 }, value: shape(current), ok: 1 };
  }
  if (!current) {
    if (!upsert) return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 };
    const doc = buildUpsertDocument(query, updateSpec!, arrayFilters);
    db.getOrCreate(name).collection.insert(doc);
    return { lastErrorObject: { n: 1, updatedExisting: false, upserted: doc._id }, value: returnNew ? shape(doc) : null, ok: 1 };
  }
  const outcome = applyUpdate(current, updateSpec!, { arrayFilters, query });
  if (outcome.modified) collection!.replace(current, outcome.doc);
  return { lastErrorObject: { n: 1, updatedExisting: true }, value: shape(returnNew ? outcome.doc : current), ok: 1 };
};
