import type { Document } from 'bson';
import { Query } from 'mingo';
import { ErrorCode, MongoCommandError, fromUnknownError } from '../errors';
import type { Collection } from '../storage/Collection';
import { getPath, isPlainObject } from '../storage/paths';
import { compareValues } from './compareValues';
import type { ScanStats } from '../storage/ScanStats';
import { equalityConditions } from './equalities';
import { mingoOptions } from './mingoOptions';
import { compileSimpleFilter } from './simpleFilter';
import { sortDocuments, toSortSpec } from './sortDocuments';

export interface SelectOptions {
  sort?: Document;
  skip?: number;
  /** 0 or undefined = no limit. */
  limit?: number;
}

export interface Matcher {
  test(doc: Document): boolean;
}

/**
 * Compiles a filter: simple ones to our own predicate, the rest with mingo (whose complaints become
 * MongoDB-coded errors, e.g. an unknown operator → BadValue).
 */
export function compileFilter(filter: unknown): Matcher {
  if (filter !== undefined && filter !== null && !isPlainObject(filter)) {
    throw new MongoCommandError(ErrorCode.TypeMismatch, `filter must be an object, got ${typeof filter}`);
  }
  const simple = filter ? compileSimpleFilter(filter as Document) : undefined;
  if (simple) return { test: simple };
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

/** Below this many index candidates, sorting them in memory beats walking an ordered index. */
const SMALL_CANDIDATE_SET = 256;

/**
 * Runs a filter against a collection and returns matching stored documents (read-only references) in order:
 * - with a sort and a limit, an ordered index that fits (equality prefix + sort fields) is walked in order and
 *   the walk stops once skip+limit documents matched, unless an equality index already narrows the candidates
 *   to a handful;
 * - otherwise index-narrowed candidates (or a collection scan) are matched, then sorted (bounded top-k when
 *   only skip+limit are needed);
 * - without a sort, matching stops as soon as skip+limit documents are found.
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
  const equalities = emptyFilter ? [] : equalityConditions(filter);

  // {$natural: ±1} asks for storage order, which is our iteration order.
  const natural = sort && Object.keys(sort).length === 1 && '$natural' in sort ? (sort.$natural as number) : undefined;
  const sortFields =
    sort && natural === undefined
      ? Object.entries(sort)
          .filter(([, direction]) => direction === 1 || direction === -1)
          .map(([field, direction]) => ({ field, direction: direction as 1 | -1 }))
      : [];

  let matcher: Matcher | undefined = emptyFilter ? undefined : query;
  const test = (doc: Document): boolean => {
    stats.docsExamined++;
    return matcher === undefined || matcher.test(doc);
  };
  const wanted = limit > 0 ? skip + limit : Infinity;

  try {
    if (sortFields.length > 0 && limit > 0) {
      const narrow = collection.plan(equalities);
      const ordered = narrow && narrow.cost <= SMALL_CANDIDATE_SET ? undefined : collection.sortedScan(equalities, sortFields);
      if (ordered) {
        const out: Document[] = [];
        const pastRange = filter ? rangeEnd(filter, sortFields[0]) : undefined;
        for (const doc of ordered) {
          if (pastRange?.(doc)) break;
          if (!test(doc)) continue;
          out.push(doc);
          if (out.length >= wanted) break;
        }
        return out.slice(skip);
      }
    }

    const matches: Document[] = [];
    const stopAt = sortFields.length === 0 && natural !== -1 ? wanted : Infinity;
    const plan = collection.candidatePlan(equalities);
    if (plan.guaranteed && filter) matcher = residualMatcher(filter, plan.guaranteed.path);
    for (const doc of plan.docs) {
      if (!test(doc)) continue;
      matches.push(doc);
      if (matches.length >= stopAt) break;
    }
    let ordered = matches;
    if (natural === -1) ordered = matches.reverse();
    if (sortFields.length > 0) {
      ordered = sortDocuments(matches, toSortSpec(Object.fromEntries(sortFields.map((f) => [f.field, f.direction]))), wanted);
    }
    if (skip === 0 && (limit === 0 || ordered.length <= limit)) return ordered;
    return ordered.slice(skip, limit > 0 ? skip + limit : undefined);
  } catch (error) {
    throw fromUnknownError(error);
  }
}

/**
 * The filter without its top-level entry `path`, which an exact index lookup already guaranteed for every
 * candidate (undefined: nothing left to test). The full filter was compiled before, so errors are unchanged.
 */
function residualMatcher(filter: Document, path: string): Matcher | undefined {
  const rest: Document = {};
  for (const key of Object.keys(filter)) if (key !== path) rest[key] = filter[key];
  return Object.keys(rest).length === 0 ? undefined : compileFilter(rest);
}

/**
 * For a walk in the order of `sort` (an ordered index: single values, no arrays), a test telling when the walk has
 * passed the filter's bound on that field (`$lt`/`$lte` ascending, `$gt`/`$gte` descending), after which no
 * document can match: e.g. the outbox's `nextAttemptAt: {$lte: now}` stops at the first entry not yet due instead
 * of examining every leased one. Comparison is BSON order, so values of a later type bracket are past it too.
 */
function rangeEnd(filter: Document, sort: { field: string; direction: 1 | -1 }): ((doc: Document) => boolean) | undefined {
  const condition = filter[sort.field];
  if (!isPlainObject(condition)) return undefined;
  const [strict, inclusive] = sort.direction === 1 ? ['$lt', '$lte'] : ['$gt', '$gte'];
  const op = strict in condition ? strict : inclusive in condition ? inclusive : undefined;
  if (!op) return undefined;
  const bound = condition[op];
  if (bound === undefined || bound instanceof RegExp || Array.isArray(bound) || isPlainObject(bound)) return undefined;
  const sign = sort.direction;
  return (doc) => {
    const c = compareValues(getPath(doc, sort.field) ?? null, bound) * sign;
    return op === strict ? c >= 0 : c > 0;
  };
}
