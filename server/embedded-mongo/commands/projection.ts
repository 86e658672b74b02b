import type { Document } from 'bson';
import { Query } from 'mingo';
import { fromUnknownError } from '../errors';
import type { BatchTransform } from '../CursorManager';
import { compileFastProjection, NOT_HANDLED } from '../query/fastProjection';
import { mingoOptions } from '../query/mingoOptions';
import { isPlainObject } from '../storage/paths';

/**
 * A batch transform applying a MongoDB projection (new objects; stored documents untouched): plain field copying
 * for simple inclusions/exclusions (see compileFastProjection), mingo for everything else.
 */
export function projectionTransform(projection: unknown): BatchTransform | undefined {
  if (!isPlainObject(projection) || Object.keys(projection).length === 0) return undefined;
  const fast = compileFastProjection(projection);
  if (!fast) {
    // Compile once up front so an invalid projection fails the command rather than a later getMore. (A projection
    // the fast path accepts is valid by construction; building a mingo Query costs more than most finds.)
    applyProjection([], projection);
    return (docs) => applyProjection(docs, projection);
  }
  return (docs) =>
    docs.map((doc) => {
      const projected = fast(doc);
      return projected === NOT_HANDLED ? applyProjection([doc], projection)[0] : projected;
    });
}

export function applyProjection(docs: Document[], projection: Document): Document[] {
  try {
    // `new Query(...).find` rather than mingo's `find()`, which rebuilds its operator context on every call.
    return new Query({}, mingoOptions()).find(docs, projection).all() as Document[];
  } catch (error) {
    throw fromUnknownError(error);
  }
}
