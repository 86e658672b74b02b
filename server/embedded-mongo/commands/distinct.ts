import type { Document } from 'bson';
import { selectDocuments } from '../query/selectDocuments';
import { keyOf } from '../storage/keyOf';
import { EMPTY_ARRAY, valuesAtPath } from '../storage/paths';
import { optionalField, requiredField, targetCollection, type CommandHandler } from './CommandContext';

/** `distinct`: unique values at `key` over matching documents; array values contribute their elements. */
export const distinct: CommandHandler = (command, ctx) => {
  const name = targetCollection(command, ctx);
  const key = requiredField<string>(command, 'distinct', 'key', 'string');
  const query = optionalField<Document>(command, 'distinct', 'query', 'object');
  const docs = selectDocuments(ctx.storage.collection(ctx.dbName, name), query, {}, ctx.storage.stats);
  const seen = new Map<string, unknown>();
  const path = key.split('.');
  for (const doc of docs) {
    for (const value of valuesAtPath(doc, path)) {
      if (value === undefined || value === EMPTY_ARRAY) continue;
      const k = keyOf(value);
      if (!seen.has(k)) seen.set(k, value);
    }
  }
  return { values: [...seen.values()], ok: 1 };
};
