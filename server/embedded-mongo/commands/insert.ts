import type { Document } from 'bson';
import { ErrorCode, MongoCommandError } from '../errors';
import { Collection } from '../storage/Collection';
import { isPlainObject } from '../storage/paths';
import { optionalField, requiredField, targetCollection, type CommandHandler } from './CommandContext';
import { WriteResult } from './writeResult';

/** `insert`: documents arrive in the body or as an OP_MSG kind-1 sequence (already folded into `documents`). */
export const insert: CommandHandler = (command, ctx) => {
  const name = targetCollection(command, ctx);
  const documents = requiredField<unknown[]>(command, 'insert', 'documents', 'array');
  const ordered = optionalField<boolean>(command, 'insert', 'ordered', 'bool') ?? true;
  const result = new WriteResult();
  let n = 0;
  if (documents.length === 0) return result.reply({ n });
  const { collection } = ctx.storage.db(ctx.dbName).getOrCreate(name);
  result.run(documents, ordered, (raw) => {
    if (!isPlainObject(raw)) throw new MongoCommandError(ErrorCode.TypeMismatch, 'document to insert must be an object');
    collection.insert(Collection.withId(raw as Document));
    n++;
  });
  return result.reply({ n });
};
