import fs from 'node:fs';
import path from 'node:path';
import { deserialize, serialize, type Document } from 'bson';
import { Collection } from './Collection';
import type { IndexSpec } from './Index';
import type { Storage } from './Storage';

/**
 * Optional BSON snapshots under `dbPath`: one file per collection, `<dbPath>/<db>/<collection>.bson` (names
 * URI-encoded), holding a header document `{name, options, indexes}` followed by every document. Files are
 * written to a temporary name and renamed, so a crash mid-write keeps the previous snapshot. Writes are
 * synchronous on purpose: the snapshot is then consistent without copying (no command runs meanwhile).
 */
export class Persistence {
  private lastSignature = '';

  constructor(
    private readonly dbPath: string,
    private readonly storage: Storage,
  ) {}

  /** Loads every snapshot found (a missing dbPath is created and means "empty"). Returns documents loaded. */
  load(): number {
    fs.mkdirSync(this.dbPath, { recursive: true });
    let loaded = 0;
    for (const dbDir of fs.readdirSync(this.dbPath, { withFileTypes: true })) {
      if (!dbDir.isDirectory()) continue;
      const db = this.storage.db(decodeURIComponent(dbDir.name));
      for (const file of fs.readdirSync(path.join(this.dbPath, dbDir.name))) {
        if (!file.endsWith('.bson')) continue;
        const docs = readSequence(fs.readFileSync(path.join(this.dbPath, dbDir.name, file)));
        const header = docs.shift();
        if (!header || typeof header.name !== 'string') continue;
        const { collection } = db.getOrCreate(header.name, (header.options as Document) ?? {});
        for (const spec of (header.indexes as IndexSpec[]) ?? []) collection.addIndex(spec);
        for (const doc of docs) collection.insert(Collection.withId(doc));
        loaded += docs.length;
      }
    }
    this.lastSignature = this.signature();
    return loaded;
  }

  /** Writes changed collections and removes files of dropped ones. No-op when nothing changed since last time. */
  save(): void {
    const signature = this.signature();
    if (signature === this.lastSignature) return;
    const keep = new Set<string>();
    for (const db of this.storage.databases.values()) {
      if (db.collections.size === 0) continue;
      const dir = path.join(this.dbPath, encodeURIComponent(db.name));
      fs.mkdirSync(dir, { recursive: true });
      for (const collection of db.collections.values()) {
        const file = path.join(dir, `${encodeURIComponent(collection.name)}.bson`);
        keep.add(file);
        const marker = `${collection.uuid.toHexString()}:${collection.version}`;
        if (this.lastSignature.includes(`${file}=${marker}\n`)) continue;
        const header = { name: collection.name, options: collection.options, indexes: collection.indexes.map((index) => index.spec) };
        const parts = [Buffer.from(serialize(header))];
        for (const doc of collection.docs.values()) parts.push(Buffer.from(serialize(doc)));
        const tmp = `${file}.tmp`;
        fs.writeFileSync(tmp, Buffer.concat(parts));
        fs.renameSync(tmp, file);
      }
    }
    for (const dbDir of fs.readdirSync(this.dbPath, { withFileTypes: true })) {
      if (!dbDir.isDirectory()) continue;
      const dir = path.join(this.dbPath, dbDir.name);
      for (const file of fs.readdirSync(dir)) {
        const full = path.join(dir, file);
        if (file.endsWith('.bson') && !keep.has(full)) fs.rmSync(full, { force: true });
      }
      if (fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
    }
    this.lastSignature = signature;
  }

  private signature(): string {
    const parts: string[] = [];
    for (const db of this.storage.databases.values()) {
      for (const collection of db.collections.values()) {
        const file = path.join(this.dbPath, encodeURIComponent(db.name), `${encodeURIComponent(collection.name)}.bson`);
        parts.push(`${file}=${collection.uuid.toHexString()}:${collection.version}`);
      }
    }
    return parts.join('\n') + '\n';
  }
}

function readSequence(buffer: Buffer): Document[] {
  const docs: Document[] = [];
  let offset = 0;
  while (offset + 4 <= buffer.length) {
    const size = buffer.readInt32LE(offset);
    if (size < 5 || offset + size > buffer.length) break;
    docs.push(deserialize(buffer.subarray(offset, offset + size), { promoteLongs: true, promoteValues: true, bsonRegExp: false }));
    offset += size;
  }
  return docs;
}
