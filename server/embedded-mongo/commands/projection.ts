import type { Document } from 'bson';
import { Query } from 'mingo';
import { fromUnknownError } from '../errors';
import type { BatchTransform } from '../CursorManager';
import { mingoOptions } from '../query/mingoOptions';
import { isPlainObject } from '../storage/paths';

/** A batch transform applying a MongoDB projection with mingo (new objects; stored documents untouched). */
export function projectionTransform(projection: unknown): BatchTransform | undefined {
  if (!isPlainObject(projection) || Object.keys(projection).length === 0) return undefined;
  // Compile once up front so an invalid projection fails the command rather than a later getMore.
  applyProjection([], projection);
  return (docs) => applyProjection(docs, projection);
}

export function applyProjection(docs: Document[], projection: Document): Document[] {
  try {
    // `new Query(...).find` rather than mingo's `find()`, which rebuilds its operator context on every call.
    return new Query({}, mingoOptions()).find(docs, projection).all() as Document[];
  } catch (error) {
    throw fromUnknownError(error);
  }
}
