import type { Document } from 'bson';
import type { Collection } from './Collection';
import { Database, validateDatabaseName } from './Database';
import { compareValues } from '../query/compareValues';
import { getPath } from './paths';
import { ScanStats } from './ScanStats';

/** All databases of one server instance (in memory; see Persistence for optional snapshots). */
export class Storage {
  readonly databases = new Map<string, Database>();
  readonly stats = new ScanStats();

  /** The database, created on demand (it only shows up in listDatabases once it holds a collection). */
  db(name: string): Database {
    let db = this.databases.get(name);
    if (!db) {
      db = new Database(validateDatabaseName(name), this.stats);
      this.databases.set(name, db);
    }
    return db;
  }

  collection(dbName: string, name: string): Collection | undefined {
    return this.databases.get(dbName)?.get(name);
  }

  dropDatabase(name: string): boolean {
    return this.databases.delete(name);
  }

  /** Database names that currently hold at least one collection, sorted like the server lists them. */
  nonEmptyDatabases(): Database[] {
    return [...this.databases.values()].filter((db) => db.collections.size > 0).sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * Deletes documents whose TTL has passed: for each index with `expireAfterSeconds`, a document expires when the
   * indexed field holds a date (or an array of dates: the earliest counts) older than now - expireAfterSeconds.
   * Documents without a date there never expire (MongoDB's TTL monitor behaves the same). Returns how many went.
   */
  sweepExpired(now: Date): number {
    let removed = 0;
    for (const db of this.databases.values()) {
      for (const collection of db.collections.values()) {
        for (const index of collection.indexes) {
          const seconds = index.ttlSeconds;
          if (seconds === undefined) continue;
          const cutoff = now.getTime() - seconds * 1000;
          const expired: Document[] = [];
          const ordered = index.ascendingEntries();
          if (ordered) {
            // Ascending BSON order puts dates after null/numbers/strings/objects/arrays/ids/booleans: skip
            // those, then take dates up to the cutoff and stop.
            for (const { values, id } of ordered) {
              const value = values[0];
              if (!(value instanceof Date)) {
                if (compareValues(value, now) > 0) break; // a type sorting after dates: no dates left
                continue;
              }
              if (value.getTime() > cutoff) break;
              const doc = collection.docs.get(id);
              if (doc) expired.push(doc);
            }
          } else {
            for (const doc of collection.docs.values()) {
              const value = getPath(doc, index.fields[0]);
              const dates = (Array.isArray(value) ? value : [value]).filter((v): v is Date => v instanceof Date);
              if (dates.length > 0 && Math.min(...dates.map((d) => d.getTime())) <= cutoff) expired.push(doc);
            }
          }
          for (const doc of expired) collection.remove(doc);
          removed += expired.length;
        }
      }
    }
    return removed;
  }
}
