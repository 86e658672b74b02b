import type { Document } from 'bson';
import { Query } from 'mingo';
import { ErrorCode, MongoCommandError, fromUnknownError } from '../errors';
import type { Collection } from '../storage/Collection';
import { isPlainObject } from '../storage/paths';
import type { ScanStats } from '../storage/ScanStats';
import { equalityConditions } from './equalities';
import { mingoOptions } from './mingoOptions';

export interface SelectOptions {
  sort?: Document;
  skip?: number;
  /** 0 or undefined = no limit. */
  limit?: number;
}

/** Compiles a filter, turning mingo's complaints into MongoDB-coded errors (unknown operator → BadValue). */
export function compileFilter(filter: unknown): Query {
  if (filter !== undefined && filter !== null && !isPlainObject(filter)) {
    throw new MongoCommandError(ErrorCode.TypeMismatch, `filter must be an object, got ${typeof filter}`);
  }
  try {
    return new Query((filter ?? {}) as Document, mingoOptions());
  } catch (error) {
    throw fromUnknownError(error);
  }
}

export function validateSort(sort: unknown): Document | undefined {
  if (sort === undefined || sort === null) return undefined;
  if (!isPlainObject(sort)) throw new MongoCommandError(ErrorCode.TypeMismatch, 'sort must be an object');
  for (const [field, direction] of Object.entries(sort)) {
    if (isPlainObject(direction) && '$meta' in direction) continue;
    if (direction !== 1 && direction !== -1) {
      throw new MongoCommandError(ErrorCode.BadValue, `$sort key ordering must be 1 (for ascending) or -1 (for descending) for field ${field}`);
    }
  }
  return sort;
}

/**
 * Runs a filter against a collection: index-narrowed candidates, mingo matching, then sort/skip/limit.
 * Without a sort, matching stops as soon as skip+limit documents are found. Returns stored documents
 * (read-only references).
 */
export function selectDocuments(
  collection: Collection | undefined,
  filter: Document | undefined,
  options: SelectOptions,
  stats: ScanStats,
): Document[] {
  const query = compileFilter(filter);
  if (!collection) return [];
  const sort = validateSort(options.sort);
  const skip = options.skip ?? 0;
  const limit = options.limit ?? 0;
  const emptyFilter = !filter || Object.keys(filter).length === 0;
  const candidates = collection.candidates(emptyFilter ? [] : equalityConditions(filter));

  // {$natural: ±1} asks for storage order, which is our iteration order.
  const natural = sort && Object.keys(sort).length === 1 && '$natural' in sort ? (sort.$natural as number) : undefined;
  const realSort = sort && natural === undefined && Object.keys(sort).length > 0 ? sort : undefined;

  const matches: Document[] = [];
  const stopAt = !realSort && natural !== -1 && limit > 0 ? skip + limit : Infinity;
  try {
    for (const doc of candidates) {
      stats.docsExamined++;
      if (emptyFilter || query.test(doc)) {
        matches.push(doc);
        if (matches.length >= stopAt) break;
      }
    }
  } catch (error) {
    throw fromUnknownError(error);
  }
  let ordered = matches;
  if (natural === -1) ordered = matches.reverse();
  if (realSort) {
    try {
      ordered = new Query({}, mingoOptions()).find(matches).sort(realSort as Record<string, 1 | -1>).all() as Document[];
    } catch (error) {
      throw fromUnknownError(error);
    }
  }
  if (skip === 0 && (limit === 0 || ordered.length <= limit)) return ordered;
  return ordered.slice(skip, limit > 0 ? skip + limit : undefined);
}
