import type { Document } from 'bson';
import { ErrorCode, MongoCommandError } from '../errors';
import { Collection } from './Collection';
import type { ScanStats } from './ScanStats';

/** Collection names MongoDB refuses (see the server's NamespaceString::validCollectionName). */
export function validateCollectionName(dbName: string, name: unknown): string {
  if (typeof name !== 'string') {
    throw new MongoCommandError(ErrorCode.InvalidNamespace, `collection name has invalid type ${name === null ? 'null' : Array.isArray(name) ? 'array' : typeof name}`);
  }
  if (name.length === 0 || name.includes('$') || name.includes('\0') || name.startsWith('.')) {
    throw new MongoCommandError(ErrorCode.InvalidNamespace, `Invalid namespace specified '${dbName}.${name}'`);
  }
  return name;
}

export function validateDatabaseName(name: unknown): string {
  if (typeof name !== 'string' || name.length === 0 || /[/\\. "$\0]/.test(name) || name.length > 63) {
    throw new MongoCommandError(ErrorCode.InvalidNamespace, `Invalid database name: '${String(name)}'`);
  }
  return name;
}

/** A database: a namespace of collections. It exists (for listDatabases) while it has collections. */
export class Database {
  readonly collections = new Map<string, Collection>();

  constructor(
    readonly name: string,
    private readonly stats: ScanStats,
  ) {}

  get(name: string): Collection | undefined {
    return this.collections.get(name);
  }

  /** Returns the collection, creating it implicitly as MongoDB does on the first write. */
  getOrCreate(name: string, options: Document = {}): { collection: Collection; created: boolean } {
    const existing = this.collections.get(validateCollectionName(this.name, name));
    if (existing) return { collection: existing, created: false };
    const collection = new Collection(this.name, name, options, this.stats);
    this.collections.set(name, collection);
    return { collection, created: true };
  }

  drop(name: string): boolean {
    return this.collections.delete(name);
  }
}
