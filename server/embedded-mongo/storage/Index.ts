import type { Document } from 'bson';
import { Query } from 'mingo';
import { compareValues } from '../query/compareValues';
import { keyOf } from './keyOf';
import { isPlainObject, valuesAtPath } from './paths';
import { SortedList } from './SortedList';

/** What `listIndexes` reports and `createIndexes` accepts (fields beyond these are kept verbatim). */
export interface IndexSpec {
  v: number;
  key: Record<string, unknown>;
  name: string;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Document;
  expireAfterSeconds?: number;
  [option: string]: unknown;
}

/** One unique-index entry of a document: the composite key and the values it was built from. */
interface UniqueEntry {
  key: string;
  values: unknown[];
}

/** A key collision found before a write: enough to build MongoDB's E11000 error. */
export interface IndexConflict {
  index: Index;
  values: unknown[];
}

/** An entry of the ordered view: the document's value for each indexed field, and its id. */
interface OrderedEntry {
  values: unknown[];
  id: string;
}

const NOT_SCALAR = Symbol('not scalar');

/** The value at a path if no array lies on the way (else NOT_SCALAR): ordered views hold single-key documents only. */
function scalarAt(doc: unknown, path: readonly string[]): unknown {
  let current: unknown = doc;
  for (const part of path) {
    if (Array.isArray(current)) return NOT_SCALAR;
    if (!isPlainObject(current)) return undefined;
    current = current[part];
  }
  return Array.isArray(current) ? NOT_SCALAR : current;
}

/** Cap on multikey combinations per document (compound index over several arrays grows as a product). */
const MAX_COMBINATIONS = 10_000;

/**
 * A secondary index held in memory:
 * - `lookup` maps the *leading* field's key to the ids of every document holding it (all documents, whatever the
 *   sparse/partial options, so an equality or `$in` on that field can be answered from it without a scan);
 * - for unique indexes, `owners` maps the full compound key to the one document owning it, honouring `sparse`
 *   and `partialFilterExpression` as MongoDB does.
 */
export class Index {
  readonly spec: IndexSpec;
  readonly name: string;
  readonly fields: string[];
  private readonly paths: string[][];
  readonly unique: boolean;
  private readonly sparse: boolean;
  private readonly partial?: Query;
  /** Whether equality lookups may use it (text and geo indexes are stored but not searchable). */
  readonly searchable: boolean;
  readonly lookup = new Map<string, Set<string>>();
  private readonly owners = new Map<string, string>();
  /** Per-field direction (1/-1) of the key pattern. */
  readonly directions: Array<1 | -1>;
  /**
   * The index in key order (MongoDB's BSON order, then id), used to answer a sort (after an equality prefix)
   * without sorting. Dropped for good once a document has an array in an indexed field (multikey): sorting then
   * falls back to an in-memory sort, which stays correct.
   */
  private ordered: SortedList<OrderedEntry> | undefined;

  constructor(spec: IndexSpec) {
    this.spec = spec;
    this.name = spec.name;
    this.fields = Object.keys(spec.key);
    this.paths = this.fields.map((f) => f.split('.'));
    this.unique = spec.unique === true;
    this.sparse = spec.sparse === true;
    if (spec.partialFilterExpression) this.partial = new Query(spec.partialFilterExpression, {});
    this.searchable = Object.values(spec.key).every((v) => typeof v === 'number' || v === 'hashed');
    this.directions = Object.values(spec.key).map((v) => (typeof v === 'number' && v < 0 ? -1 : 1));
    if (Object.values(spec.key).every((v) => typeof v === 'number')) this.ordered = new SortedList((a, b) => this.compareEntries(a, b));
  }

  /** Whether this index can provide an order (not multikey, not hashed/text). */
  get canSort(): boolean {
    return this.ordered !== undefined;
  }

  private compareEntries(a: OrderedEntry, b: OrderedEntry): number {
    for (let i = 0; i < this.directions.length; i++) {
      const c = compareValues(a.values[i], b.values[i]);
      if (c) return c * this.directions[i];
    }
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  }

  /** All entries in ascending value order of the first field (undefined when the index cannot sort). */
  ascendingEntries(): Iterable<{ values: unknown[]; id: string }> | undefined {
    if (!this.ordered) return undefined;
    return this.ordered.range(() => false, () => false, this.directions[0] === -1);
  }

  /**
   * Ids of the entries whose first `prefix.length` values equal `prefix` (by BSON comparison), in key order
   * (or reversed).
   */
  idsWithPrefix(prefix: unknown[], reverse: boolean): Iterable<string> {
    const entries = this.entriesWithPrefix(prefix, reverse);
    return (function* () {
      for (const entry of entries) yield entry.id;
    })();
  }

  /** Like idsWithPrefix, with each entry's indexed values (for merging several prefixes in key order). */
  entriesWithPrefix(prefix: unknown[], reverse: boolean): Iterable<{ values: unknown[]; id: string }> {
    const comparePrefix = (entry: OrderedEntry): number => {
      for (let i = 0; i < prefix.length; i++) {
        const c = compareValues(entry.values[i], prefix[i] === undefined ? null : prefix[i]);
        if (c) return c * this.directions[i];
      }
      return 0;
    };
    const list = this.ordered;
    return (function* () {
      if (!list) return;
      yield* list.range((e) => comparePrefix(e) < 0, (e) => comparePrefix(e) > 0, reverse);
    })();
  }

  private orderedValues(doc: Document): unknown[] | undefined {
    const values = new Array<unknown>(this.paths.length);
    for (let i = 0; i < this.paths.length; i++) {
      const value = scalarAt(doc, this.paths[i]);
      if (value === NOT_SCALAR) return undefined;
      values[i] = value;
    }
    return values;
  }

  get ttlSeconds(): number | undefined {
    const value = this.spec.expireAfterSeconds;
    return typeof value === 'number' && this.fields.length === 1 ? value : undefined;
  }

  /** The lookup keys of a document's leading-field values (usually one: no Set or arrays for that case). */
  private leadingKeys(doc: Document): Iterable<string> {
    const scalar = scalarAt(doc, this.paths[0]);
    if (scalar !== NOT_SCALAR) return [keyOf(scalar)];
    return new Set(valuesAtPath(doc, this.paths[0]).map(keyOf));
  }

  private uniqueEntries(doc: Document): UniqueEntry[] {
    if (this.partial && !this.partial.test(doc)) return [];
    const perField = this.paths.map((path) => valuesAtPath(doc, path));
    if (this.sparse && perField.every((values) => values.every((v) => v === undefined))) return [];
    let combos: unknown[][] = [[]];
    for (const values of perField) {
      const unique = new Map<string, unknown>();
      for (const v of values) unique.set(keyOf(v), v);
      const next: unknown[][] = [];
      for (const combo of combos) {
        for (const v of unique.values()) {
          next.push([...combo, v]);
          if (next.length > MAX_COMBINATIONS) break;
        }
      }
      combos = next;
    }
    return combos.map((values) => ({ key: values.map(keyOf).join('\u0000'), values }));
  }

  /** The first collision `doc` would cause, ignoring the document with id `selfId` (itself, on update). */
  conflict(doc: Document, selfId: string): IndexConflict | null {
    if (!this.unique) return null;
    for (const entry of this.uniqueEntries(doc)) {
      const owner = this.owners.get(entry.key);
      if (owner !== undefined && owner !== selfId) return { index: this, values: entry.values };
    }
    return null;
  }

  add(doc: Document, id: string): void {
    for (const key of this.leadingKeys(doc)) {
      let ids = this.lookup.get(key);
      if (!ids) this.lookup.set(key, (ids = new Set()));
      ids.add(id);
    }
    if (this.unique) for (const entry of this.uniqueEntries(doc)) this.owners.set(entry.key, id);
    if (this.ordered) {
      const values = this.orderedValues(doc);
      if (!values) this.ordered = undefined;
      else this.ordered.insert({ values, id });
    }
  }

  remove(doc: Document, id: string): void {
    for (const key of this.leadingKeys(doc)) {
      const ids = this.lookup.get(key);
      if (!ids) continue;
      ids.delete(id);
      if (ids.size === 0) this.lookup.delete(key);
    }
    if (this.unique) {
      for (const entry of this.uniqueEntries(doc)) if (this.owners.get(entry.key) === id) this.owners.delete(entry.key);
    }
    if (this.ordered) {
      const values = this.orderedValues(doc);
      if (values) this.ordered.delete({ values, id });
    }
  }

  /**
   * Whether two versions of a document hold the very same values on every indexed path (same references or equal
   * primitives, no arrays on the way): replacing one by the other then changes nothing in this index. Updates
   * copy-on-write, so fields an update did not touch are the same objects. Conservative: false whenever unsure
   * (a partial filter may read other fields).
   */
  sameKeys(a: Document, b: Document): boolean {
    if (this.partial) return false;
    for (const path of this.paths) {
      let x: unknown = a;
      let y: unknown = b;
      for (const part of path) {
        if (Array.isArray(x) || Array.isArray(y)) return false;
        x = isPlainObject(x) ? x[part] : undefined;
        y = isPlainObject(y) ? y[part] : undefined;
        if (x === y) break; // the same subtree (or both missing): equal below too
      }
      if (x !== y || Array.isArray(x)) return false;
    }
    return true;
  }

  /** Number of documents under the given leading-field keys (the planner's cost estimate). */
  count(keys: string[]): number {
    let n = 0;
    for (const key of keys) n += this.lookup.get(key)?.size ?? 0;
    return n;
  }
}
