import { ObjectId, UUID, type Document } from 'bson';
import { ErrorCode, MongoCommandError } from '../errors';
import { duplicateKeyError } from './duplicateKeyError';
import { Index, type IndexSpec } from './Index';
import { compareValues } from '../query/compareValues';
import { keyOf } from './keyOf';
import { isPlainObject } from './paths';
import type { ScanStats } from './ScanStats';

export const ID_INDEX_SPEC: IndexSpec = { v: 2, key: { _id: 1 }, name: '_id_' };

/** An equality condition on one field: the document must hold one of `values` there. */
export interface EqualityCondition {
  path: string;
  values: unknown[];
  /**
   * Set when the condition is a whole top-level entry of the filter (`{path: v}`, `{path: {$eq: v}}` or
   * `{path: {$in: [...]}}`) whose values an index key identifies exactly (strings, numbers, booleans, null,
   * ObjectIds, dates): the documents an index returns for it are exactly those matching it, so the residual
   * filter need not test that entry again.
   */
  exact?: boolean;
}

/** The documents a query must examine, and the equality condition the index lookup already guarantees (if any). */
export interface CandidatePlan {
  docs: Iterable<Document>;
  guaranteed?: EqualityCondition;
}

/**
 * One collection: documents by `_id` key in natural (insertion) order, plus secondary indexes.
 *
 * Stored documents are immutable: every update builds a new object and swaps it in. Cursors can therefore hold
 * references to stored documents between getMore calls, and replies serialize straight from storage (the BSON
 * encoding is the copy), without cloning anything on reads. Each write method checks every constraint before it
 * changes anything, so a failed write leaves no trace, and none of them awaits: with Node's single thread, a
 * command's read-modify-write cannot interleave with another command's.
 */
export class Collection {
  readonly docs = new Map<string, Document>();
  readonly indexes: Index[] = [];
  readonly uuid = new UUID();
  /** Bumped by every change (documents or indexes); lets snapshots skip unchanged collections. */
  version = 0;

  constructor(
    readonly dbName: string,
    readonly name: string,
    readonly options: Document,
    private readonly stats: ScanStats,
  ) {}

  get ns(): string {
    return `${this.dbName}.${this.name}`;
  }

  get indexSpecs(): IndexSpec[] {
    return [ID_INDEX_SPEC, ...this.indexes.map((index) => index.spec)];
  }

  findIndex(name: string): Index | undefined {
    return this.indexes.find((index) => index.name === name);
  }

  /** Validates `_id` and fills it in when absent; `_id` becomes the first field, as the server stores it. */
  static withId(doc: Document): Document {
    if (!('_id' in doc) || doc._id === undefined) return { _id: new ObjectId(), ...doc };
    if (Object.keys(doc)[0] !== '_id') {
      const { _id, ...rest } = doc;
      doc = { _id, ...rest };
    }
    const id = doc._id;
    if (Array.isArray(id)) throw new MongoCommandError(ErrorCode.InvalidIdField, "The '_id' value cannot be of type array");
    if (id instanceof RegExp) throw new MongoCommandError(ErrorCode.InvalidIdField, "The '_id' value cannot be of type regex");
    if (isPlainObject(id) && Object.keys(id).some((k) => k.startsWith('$'))) {
      throw new MongoCommandError(ErrorCode.DollarPrefixedFieldName, `_id fields may not contain '$'-prefixed fields: ${Object.keys(id).find((k) => k.startsWith('$'))} is not valid for storage.`);
    }
    return doc;
  }

  private checkUnique(doc: Document, id: string): void {
    for (const index of this.indexes) {
      const conflict = index.conflict(doc, id);
      if (conflict) throw duplicateKeyError(this.ns, index.name, index.spec.key, conflict.values);
    }
  }

  /** Inserts a document that already has its `_id`; throws E11000 without side effects on a collision. */
  insert(doc: Document): void {
    const id = keyOf(doc._id);
    if (this.docs.has(id)) throw duplicateKeyError(this.ns, '_id_', { _id: 1 }, [doc._id]);
    this.checkUnique(doc, id);
    this.docs.set(id, doc);
    for (const index of this.indexes) index.add(doc, id);
    this.version++;
  }

  /** Replaces a stored document by a new version with the same `_id`. */
  replace(current: Document, next: Document): void {
    const id = keyOf(current._id);
    // Indexes whose fields the update left alone need no work (an outbox settlement touches 2 of 5).
    const changed = this.indexes.filter((index) => !index.sameKeys(current, next));
    for (const index of changed) {
      const conflict = index.conflict(next, id);
      if (conflict) throw duplicateKeyError(this.ns, index.name, index.spec.key, conflict.values);
    }
    for (const index of changed) index.remove(current, id);
    this.docs.set(id, next);
    for (const index of changed) index.add(next, id);
    this.version++;
  }

  remove(doc: Document): void {
    const id = keyOf(doc._id);
    if (!this.docs.has(id)) return;
    for (const index of this.indexes) index.remove(doc, id);
    this.docs.delete(id);
    this.version++;
  }

  /** Adds a secondary index over the existing documents; throws E11000 (and adds nothing) on duplicates. */
  addIndex(spec: IndexSpec): void {
    const index = new Index(spec);
    for (const [id, doc] of this.docs) {
      const conflict = index.conflict(doc, id);
      if (conflict) throw duplicateKeyError(this.ns, index.name, spec.key, conflict.values);
      index.add(doc, id);
    }
    this.indexes.push(index);
    this.version++;
  }

  dropIndex(name: string): void {
    const at = this.indexes.findIndex((index) => index.name === name);
    if (at >= 0) this.indexes.splice(at, 1);
    this.version++;
  }

  /**
   * The cheapest index answer to a set of equality conditions: when the filter pins `_id` or an index's leading
   * field to one value (or an `$in` list), only the documents under those keys need examining. `cost` is how
   * many that is. Undefined when no index applies (a collection scan).
   */
  plan(equalities: EqualityCondition[]): { cost: number; docs: () => Document[]; condition: EqualityCondition } | undefined {
    let best: { cost: number; docs: () => Document[]; condition: EqualityCondition } | undefined;
    for (const condition of equalities) {
      const { path, values } = condition;
      const keys = values.map(keyOf);
      if (path === '_id') {
        const cost = keys.length;
        if (!best || cost < best.cost) {
          best = {
            cost,
            condition,
            docs: () => {
              const out: Document[] = [];
              for (const key of new Set(keys)) {
                const doc = this.docs.get(key);
                if (doc) out.push(doc);
              }
              return out;
            },
          };
        }
        continue;
      }
      for (const index of this.indexes) {
        if (!index.searchable || index.fields[0] !== path) continue;
        const cost = index.count(keys);
        if (best && cost >= best.cost) continue;
        best = {
          cost,
          condition,
          docs: () => {
            const ids = new Set<string>();
            for (const key of keys) for (const id of index.lookup.get(key) ?? []) ids.add(id);
            const out: Document[] = [];
            for (const id of ids) {
              const doc = this.docs.get(id);
              if (doc) out.push(doc);
            }
            return out;
          },
        };
      }
    }
    return best;
  }

  /** The documents a query must examine (index-narrowed when possible); callers apply the full filter. */
  candidates(equalities: EqualityCondition[]): Iterable<Document> {
    return this.candidatePlan(equalities).docs;
  }

  /**
   * Like `candidates`, plus the condition the index answered when it answered it exactly: callers may then apply
   * the filter without that condition (the lookup is a hash probe per value; re-testing a 10,000-value `$in` on
   * each of 10,000 candidates is what made large fan-outs slow).
   */
  candidatePlan(equalities: EqualityCondition[]): CandidatePlan {
    const best = this.plan(equalities);
    if (best) {
      this.stats.indexLookups++;
      return { docs: best.docs(), guaranteed: best.condition.exact ? best.condition : undefined };
    }
    this.stats.collectionScans++;
    return { docs: this.docs.values() };
  }

  /**
   * Documents in the order of `sort`, read from an ordered index whose fields are: equality-pinned fields of the
   * filter, then exactly the sort fields (all in the index's directions, or all reversed). E.g. index
   * {state: 1, readyAt: 1} serves filter {state: 'queued', ...} sorted by {readyAt: 1} (or -1). A prefix field
   * pinned to several values (`$in`) is served by walking each value's range and merging them by the sort fields
   * (MongoDB's SORT_MERGE), e.g. {state: {$in: ['queued', 'retry']}} sorted by {readyAt: 1}. Yields stored
   * documents lazily, so a limit stops the walk early. Undefined when no index fits.
   */
  sortedScan(equalities: EqualityCondition[], sort: Array<{ field: string; direction: 1 | -1 }>): Iterable<Document> | undefined {
    const pinned = new Map<string, unknown[]>();
    for (const { path, values } of equalities) {
      if (pinned.has(path) || values.length === 0) continue;
      const distinct = new Map(values.map((v) => [keyOf(v), v]));
      pinned.set(path, [...distinct.values()]);
    }
    const single = (field: string) => pinned.get(field)?.length === 1;
    let best: { index: Index; prefixes: unknown[][]; k: number; reverse: boolean } | undefined;
    for (const index of this.indexes) {
      if (!index.canSort) continue;
      let k = 0;
      while (k < index.fields.length && pinned.has(index.fields[k])) k++;
      // Pinned fields may also be sort fields (sorting on a constant): skip them at the start of the sort.
      let s = 0;
      while (s < sort.length && s < k && sort[s].field === index.fields[s] && single(sort[s].field)) s++;
      const rest = sort.slice(s);
      if (k + rest.length > index.fields.length || rest.length === 0) continue;
      const relative = rest.map((item, i) => (item.field === index.fields[k + i] ? item.direction * index.directions[k + i] : 0));
      if (relative.some((r) => r === 0) || new Set(relative).size !== 1) continue;
      const prefixes = combinations(index.fields.slice(0, k).map((f) => pinned.get(f)!), MAX_MERGED_RANGES);
      if (!prefixes) continue;
      if (!best || k > best.k || (k === best.k && prefixes.length < best.prefixes.length)) {
        best = { index, prefixes, k, reverse: relative[0] === -1 };
      }
    }
    if (!best) return undefined;
    this.stats.indexLookups++;
    const { index, prefixes, k, reverse } = best;
    const docs = this.docs;
    if (prefixes.length === 1) {
      return (function* () {
        for (const id of index.idsWithPrefix(prefixes[0], reverse)) {
          const doc = docs.get(id);
          if (doc) yield doc;
        }
      })();
    }
    // Each range is in key order; the next document overall is the smallest head by the sort fields
    // (index fields k..k+sort-1, in the walk's direction). Ties go to the earlier range.
    const width = sort.length;
    const order = (a: { values: unknown[] }, b: { values: unknown[] }): number => {
      for (let i = k; i < k + width; i++) {
        const c = compareValues(a.values[i], b.values[i]) * index.directions[i];
        if (c) return reverse ? -c : c;
      }
      return 0;
    };
    return (function* () {
      const ranges = prefixes.map((prefix) => index.entriesWithPrefix(prefix, reverse)[Symbol.iterator]());
      const heads = ranges.map((range) => range.next());
      for (;;) {
        let pick = -1;
        for (let r = 0; r < heads.length; r++) {
          if (heads[r].done) continue;
          if (pick < 0 || order(heads[r].value, heads[pick].value) < 0) pick = r;
        }
        if (pick < 0) return;
        const doc = docs.get(heads[pick].value.id);
        heads[pick] = ranges[pick].next();
        if (doc) yield doc;
      }
    })();
  }
}

/** Most index ranges merged for one ordered scan (an `$in` prefix); beyond this the planner sorts in memory. */
const MAX_MERGED_RANGES = 64;

/** Every combination of one value per field (cartesian product), or undefined when there are more than `max`. */
function combinations(valuesPerField: unknown[][], max: number): unknown[][] | undefined {
  let out: unknown[][] = [[]];
  for (const values of valuesPerField) {
    if (out.length * values.length > max) return undefined;
    out = out.flatMap((prefix) => values.map((v) => [...prefix, v]));
  }
  return out;
}
