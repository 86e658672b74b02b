import { randomBytes } from 'node:crypto';
import { Long, serialize, type Document } from 'bson';
import { ErrorCode, MongoCommandError } from './errors';
import { toBuffer } from './wire/messages';
import { MAX_BSON_OBJECT_SIZE } from './wire/opcodes';
import { RawBson, rawArray } from './wire/RawBson';

/** Turns a slice of stored documents into what is returned (projection); must not mutate its input. */
export type BatchTransform = (docs: Document[]) => Document[];

interface OpenCursor {
  id: Long;
  ns: string;
  docs: Document[];
  position: number;
  transform?: BatchTransform;
  lastUsed: number;
}

/** Default size of a first batch (find/aggregate/listIndexes... without batchSize), as in MongoDB. */
const DEFAULT_FIRST_BATCH = 101;
/** Per-batch byte budget: a reply must stay under maxBsonObjectSize with room for the envelope. */
const BATCH_BYTES = MAX_BSON_OBJECT_SIZE - 16 * 1024;
/** How many documents are transformed at a time when a batch is bounded by bytes only. */
const SLICE = 1000;

/**
 * Server-side cursors. A command's results are computed at once (references to immutable stored documents) and
 * handed out in batches; what is left waits here for getMore. Replies are assembled as raw BSON from documents
 * serialized one by one, so a batch stops at the byte budget exactly. Cursor ids are int64 (`Long`): the driver
 * rejects a reply whose `cursor.id` is not (spec: find/getMore commands, "Cursor id").
 */
export class CursorManager {
  private readonly cursors = new Map<string, OpenCursor>();

  constructor(private readonly now: () => number = Date.now) {}

  get size(): number {
    return this.cursors.size;
  }

  private newId(): Long {
    for (;;) {
      const id = Long.fromBytesLE([...randomBytes(8)]).and(Long.MAX_VALUE);
      if (!id.isZero() && !this.cursors.has(id.toString())) return id;
    }
  }

  /**
   * Replies to find/aggregate/list*: the first batch, and a live cursor if documents remain.
   * `batchSize` undefined = 101 documents; 0 = an empty first batch with the cursor kept open.
   */
  open(ns: string, docs: Document[], options: { batchSize?: number; singleBatch?: boolean; transform?: BatchTransform }, extra: Document = {}): Buffer {
    const cursor: OpenCursor = { id: Long.ZERO, ns, docs, position: 0, transform: options.transform, lastUsed: this.now() };
    const batch = this.takeBatch(cursor, options.batchSize ?? DEFAULT_FIRST_BATCH);
    let id = Long.ZERO;
    if (cursor.position < docs.length && !options.singleBatch) {
      id = this.newId();
      cursor.id = id;
      this.cursors.set(id.toString(), cursor);
    }
    return this.reply('firstBatch', batch, id, ns, extra);
  }

  /** getMore: the next batch (`batchSize` undefined or 0 = as much as fits in one reply). */
  getMore(id: Long, ns: string, batchSize: number | undefined): Buffer {
    const cursor = this.cursors.get(id.toString());
    if (!cursor) throw new MongoCommandError(ErrorCode.CursorNotFound, `cursor id ${id.toString()} not found`);
    if (cursor.ns !== ns) {
      throw new MongoCommandError(ErrorCode.Unauthorized, `Requested getMore on namespace '${ns}', but cursor belongs to a different namespace ${cursor.ns}`);
    }
    cursor.lastUsed = this.now();
    const batch = this.takeBatch(cursor, batchSize && batchSize > 0 ? batchSize : Infinity);
    let replyId = cursor.id;
    if (cursor.position >= cursor.docs.length) {
      this.cursors.delete(id.toString());
      replyId = Long.ZERO;
    }
    return this.reply('nextBatch', batch, replyId, cursor.ns, {});
  }

  kill(ids: Long[]): { killed: Long[]; notFound: Long[] } {
    const killed: Long[] = [];
    const notFound: Long[] = [];
    for (const id of ids) (this.cursors.delete(id.toString()) ? killed : notFound).push(id);
    return { killed, notFound };
  }

  /** Drops cursors unused for `idleMs` (MongoDB: cursorTimeoutMillis, 10 minutes). */
  sweepIdle(idleMs: number): number {
    const limit = this.now() - idleMs;
    let n = 0;
    for (const [key, cursor] of this.cursors) {
      if (cursor.lastUsed < limit) {
        this.cursors.delete(key);
        n++;
      }
    }
    return n;
  }

  clear(): void {
    this.cursors.clear();
  }

  private takeBatch(cursor: OpenCursor, maxDocs: number): Buffer[] {
    const out: Buffer[] = [];
    let bytes = 0;
    while (out.length < maxDocs && cursor.position < cursor.docs.length) {
      const count = Math.min(maxDocs - out.length, SLICE, cursor.docs.length - cursor.position);
      const slice = cursor.docs.slice(cursor.position, cursor.position + count);
      const shaped = cursor.transform ? cursor.transform(slice) : slice;
      let used = 0;
      for (const doc of shaped) {
        const encoded = toBuffer(serialize(doc));
        if (out.length > 0 && bytes + encoded.length > BATCH_BYTES) break;
        out.push(encoded);
        bytes += encoded.length + 8;
        used++;
      }
      cursor.position += used;
      if (used < shaped.length) break;
    }
    return out;
  }

  private reply(field: 'firstBatch' | 'nextBatch', batch: Buffer[], id: Long, ns: string, extra: Document): Buffer {
    const cursorDoc = new RawBson().array(field, rawArray(batch)).int64('id', id).string('ns', ns).finish();
    const top = new RawBson().document('cursor', cursorDoc);
    if (Object.keys(extra).length) top.fields(extra);
    return top.double('ok', 1).finish();
  }
}
