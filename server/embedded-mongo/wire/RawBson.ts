import { Long, serialize, type Document } from 'bson';
import { toBuffer } from './messages';

/**
 * A tiny BSON document writer for replies that embed many already-serialized documents (cursor batches).
 * Serializing each result document once, straight from storage, is both the clone-on-the-way-out and the
 * measurement of the batch's byte size, so a batch can stop at the 16 MiB limit without a second pass.
 * Layout per the BSON spec (bsonspec.org): int32 total size, elements (type byte, cstring name, value), 0x00.
 */
export class RawBson {
  private readonly parts: Buffer[] = [];
  private size = 4 + 1;

  private push(type: number, name: string, value: Buffer): this {
    const head = Buffer.allocUnsafe(1 + Buffer.byteLength(name) + 1);
    head.writeUInt8(type, 0);
    head.write(name, 1, 'utf8');
    head.writeUInt8(0, head.length - 1);
    this.parts.push(head, value);
    this.size += head.length + value.length;
    return this;
  }

  document(name: string, bytes: Buffer): this {
    return this.push(0x03, name, bytes);
  }

  array(name: string, bytes: Buffer): this {
    return this.push(0x04, name, bytes);
  }

  string(name: string, value: string): this {
    const str = Buffer.from(value, 'utf8');
    const buf = Buffer.allocUnsafe(4 + str.length + 1);
    buf.writeInt32LE(str.length + 1, 0);
    str.copy(buf, 4);
    buf.writeUInt8(0, buf.length - 1);
    return this.push(0x02, name, buf);
  }

  int64(name: string, value: Long): this {
    const buf = Buffer.allocUnsafe(8);
    buf.writeInt32LE(value.low, 0);
    buf.writeInt32LE(value.high, 4);
    return this.push(0x12, name, buf);
  }

  double(name: string, value: number): this {
    const buf = Buffer.allocUnsafe(8);
    buf.writeDoubleLE(value, 0);
    return this.push(0x01, name, buf);
  }

  /** Appends the fields of an ordinary document (serialized by the bson package). */
  fields(doc: Document): this {
    const bytes = toBuffer(serialize(doc));
    // Strip the outer length and trailing 0x00 to splice the elements in.
    const inner = bytes.subarray(4, bytes.length - 1);
    this.parts.push(inner);
    this.size += inner.length;
    return this;
  }

  get byteLength(): number {
    return this.size;
  }

  finish(): Buffer {
    const head = Buffer.allocUnsafe(4);
    head.writeInt32LE(this.size, 0);
    return Buffer.concat([head, ...this.parts, Buffer.from([0])], this.size);
  }
}

/** Builds a BSON array from raw element documents: keys are "0", "1", ... */
export function rawArray(docs: Buffer[]): Buffer {
  const builder = new RawBson();
  docs.forEach((doc, i) => builder.document(String(i), doc));
  return builder.finish();
}
