import type { Document } from 'bson';
import { Query } from 'mingo';
import { keyOf } from './keyOf';
import { valuesAtPath } from './paths';

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

  constructor(spec: IndexSpec) {
    this.spec = spec;
    this.name = spec.name;
    this.fields = Object.keys(spec.key);
    this.paths = this.fields.map((f) => f.split('.'));
    this.unique = spec.unique === true;
    this.sparse = spec.sparse === true;
    if (spec.partialFilterExpression) this.partial = new Query(spec.partialFilterExpression, {});
    this.searchable = Object.values(spec.key).every((v) => typeof v === 'number' || v === 'hashed');
  }

  get ttlSeconds(): number | undefined {
    const value = this.spec.expireAfterSeconds;
    return typeof value === 'number' && this.fields.length === 1 ? value : undefined;
  }

  private leadingKeys(doc: Document): Set<string> {
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
  }

  /** Number of documents under the given leading-field keys (the planner's cost estimate). */
  count(keys: string[]): number {
    let n = 0;
    for (const key of keys) n += this.lookup.get(key)?.size ?? 0;
    return n;
  }
}
