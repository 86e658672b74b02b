import type { Document } from 'bson';
import { ErrorCode, MongoCommandError } from '../errors';
import { selectDocuments } from '../query/selectDocuments';
import { isPlainObject } from '../storage/paths';
import { optionalField, requiredField, targetCollection, type CommandHandler } from './CommandContext';
import { WriteResult } from './writeResult';

/** `delete`: `deletes: [{q, limit: 0 | 1}]`; limit 1 removes the first match (in `sort` order if given). */
export const deleteCommand: CommandHandler = (command, ctx) => {
  const name = targetCollection(command, ctx);
  const deletes = requiredField<unknown[]>(command, 'delete', 'deletes', 'array');
  const ordered = optionalField<boolean>(command, 'delete', 'ordered', 'bool') ?? true;
  const collection = ctx.storage.collection(ctx.dbName, name);
  const result = new WriteResult();
  let n = 0;
  result.run(deletes, ordered, (raw) => {
    if (!isPlainObject(raw)) throw new MongoCommandError(ErrorCode.TypeMismatch, 'delete statement must be an object');
    const statement = raw as Document;
    const q = statement.q;
    if (!isPlainObject(q)) throw new MongoCommandError(ErrorCode.MissingRequiredField, "BSON field 'delete.deletes.q' is missing but a required field");
    const limit = statement.limit;
    if (limit !== 0 && limit !== 1) {
      throw new MongoCommandError(ErrorCode.FailedToParse, `The limit field in delete objects must be 0 or 1. Got ${String(limit)}`);
    }
    const victims = selectDocuments(collection, q, { limit, sort: statement.sort }, ctx.storage.stats);
    for (const doc of victims) collection!.remove(doc);
    n += victims.length;
  });
  return result.reply({ n });
};
