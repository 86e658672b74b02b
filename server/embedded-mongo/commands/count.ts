import type { Document } from 'bson';
import { selectDocuments } from '../query/selectDocuments';
import { nonNegative, optionalField, targetCollection, type CommandHandler } from './CommandContext';

/** `count` (what estimatedDocumentCount sends): `{n}`; a missing collection counts 0. */
export const count: CommandHandler = (command, ctx) => {
  const name = targetCollection(command, ctx);
  const query = optionalField<Document>(command, 'count', 'query', 'object');
  const skip = nonNegative(optionalField<number>(command, 'count', 'skip', 'number'), 'skip') ?? 0;
  const limit = Math.abs(optionalField<number>(command, 'count', 'limit', 'number') ?? 0);
  const collection = ctx.storage.collection(ctx.dbName, name);
  if (!query || Object.keys(query).length === 0) {
    const total = Math.max(0, (collection?.docs.size ?? 0) - skip);
    return { n: limit ? Math.min(limit, total) : total, ok: 1 };
  }
  return { n: selectDocuments(collection, query, { skip, limit }, ctx.storage.stats).length, ok: 1 };
};
