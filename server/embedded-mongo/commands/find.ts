import { Long, type Document } from 'bson';
import { ErrorCode, MongoCommandError } from '../errors';
import { selectDocuments } from '../query/selectDocuments';
import { validateCollectionName } from '../storage/Database';
import { nonNegative, optionalField, requiredField, targetCollection, type CommandHandler } from './CommandContext';
import { projectionTransform } from './projection';

/**
 * `find`: filter, projection, sort, skip, limit, batchSize, singleBatch. A negative limit means "one batch of
 * |limit| documents, no cursor" (legacy semantics the server still honours).
 */
export const findCommand: CommandHandler = (command, ctx) => {
  const name = targetCollection(command, ctx);
  const filter = optionalField<Document>(command, 'find', 'filter', 'object');
  const sort = optionalField<Document>(command, 'find', 'sort', 'object');
  const projection = optionalField<Document>(command, 'find', 'projection', 'object');
  const skip = nonNegative(optionalField<number>(command, 'find', 'skip', 'number'), 'skip');
  let limit = optionalField<number>(command, 'find', 'limit', 'number');
  let singleBatch = optionalField<boolean>(command, 'find', 'singleBatch', 'bool') ?? false;
  if (limit !== undefined && limit < 0) {
    limit = -limit;
    singleBatch = true;
  }
  const batchSize = nonNegative(optionalField<number>(command, 'find', 'batchSize', 'number'), 'batchSize');
  const transform = projectionTransform(projection);
  const docs = selectDocuments(ctx.storage.collection(ctx.dbName, name), filter, { sort, skip, limit }, ctx.storage.stats);
  return ctx.cursors.open(`${ctx.dbName}.${name}`, docs, {
    batchSize: batchSize === undefined ? undefined : limit ? Math.min(batchSize, limit) : batchSize,
    singleBatch,
    transform,
  });
};

export const getMore: CommandHandler = (command, ctx) => {
  const raw = command.getMore;
  let id: Long;
  if (raw instanceof Long) id = raw;
  else if (typeof raw === 'number' && Number.isInteger(raw)) id = Long.fromNumber(raw);
  else throw new MongoCommandError(ErrorCode.TypeMismatch, `BSON field 'getMore.getMore' is the wrong type, expected type 'long'`);
  const collection = validateCollectionName(ctx.dbName, requiredField<string>(command, 'getMore', 'collection', 'string'));
  const batchSize = nonNegative(optionalField<number>(command, 'getMore', 'batchSize', 'number'), 'batchSize');
  return ctx.cursors.getMore(id, `${ctx.dbName}.${collection}`, batchSize);
};

export const killCursors: CommandHandler = (command, ctx) => {
  targetCollection(command, ctx);
  const ids = requiredField<unknown[]>(command, 'killCursors', 'cursors', 'array').map((raw) =>
    raw instanceof Long ? raw : Long.fromNumber(Number(raw)),
  );
  const { killed, notFound } = ctx.cursors.kill(ids);
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
};
