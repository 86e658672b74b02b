import { deserialize, serialize, type Document } from 'bson';
import { HEADER_SIZE, MsgFlag, OpCode } from './opcodes';

/** A decoded request: the command document plus what is needed to address the reply. */
export interface IncomingMessage {
  requestId: number;
  opCode: number;
  /** The command, with OP_MSG kind-1 document sequences folded in as arrays under their identifiers. */
  body: Document;
  /** OP_MSG flag bits (0 for OP_QUERY). */
  flags: number;
  /** For OP_QUERY: the target namespace, e.g. `admin.$cmd`. */
  fullCollectionName?: string;
}

/** Thrown for frames that cannot be decoded; the connection answers with an error and stays open when it can. */
export class MalformedMessageError extends Error {}

/** Deserialize options shared by every incoming document (JS RegExp, promoted numbers: what mingo understands). */
const deserializeOptions = { promoteLongs: true, promoteValues: true, bsonRegExp: false } as const;

function readCString(buf: Buffer, offset: number): [string, number] {
  const end = buf.indexOf(0, offset);
  if (end < 0) throw new MalformedMessageError('unterminated cstring');
  return [buf.toString('utf8', offset, end), end + 1];
}

function readDocument(buf: Buffer, offset: number, limit: number): [Document, number] {
  if (offset + 5 > limit) throw new MalformedMessageError('truncated BSON document');
  const size = buf.readInt32LE(offset);
  if (size < 5 || offset + size > limit) throw new MalformedMessageError('invalid BSON document size');
  try {
    return [deserialize(buf.subarray(offset, offset + size), deserializeOptions), offset + size];
  } catch (error) {
    throw new MalformedMessageError(`invalid BSON: ${(error as Error).message}`);
  }
}

/** Decodes one complete frame (header included). */
export function parseMessage(frame: Buffer): IncomingMessage {
  const requestId = frame.readInt32LE(4);
  const opCode = frame.readInt32LE(12);
  if (opCode === OpCode.OP_MSG) return parseOpMsg(frame, requestId);
  if (opCode === OpCode.OP_QUERY) return parseOpQuery(frame, requestId);
  throw new MalformedMessageError(`unsupported opCode ${opCode}`);
}

function parseOpMsg(frame: Buffer, requestId: number): IncomingMessage {
  const flags = frame.readUInt32LE(HEADER_SIZE);
  // Spec "OP_MSG → Checksum": when present the last 4 bytes are a CRC-32C, not a section.
  const end = flags & MsgFlag.checksumPresent ? frame.length - 4 : frame.length;
  let offset = HEADER_SIZE + 4;
  let body: Document | undefined;
  const sequences: Array<[string, Document[]]> = [];
  while (offset < end) {
    const kind = frame.readUInt8(offset);
    offset += 1;
    if (kind === 0) {
      if (body) throw new MalformedMessageError('OP_MSG has more than one body section');
      [body, offset] = readDocument(frame, offset, end);
    } else if (kind === 1) {
      // Kind 1 = document sequence: int32 size (including itself), cstring identifier, then documents.
      const size = frame.readInt32LE(offset);
      const sectionEnd = offset + size;
      if (size < 5 || sectionEnd > end) throw new MalformedMessageError('invalid document sequence size');
      let [identifier, pos] = readCString(frame, offset + 4);
      const docs: Document[] = [];
      while (pos < sectionEnd) {
        let doc: Document;
        [doc, pos] = readDocument(frame, pos, sectionEnd);
        docs.push(doc);
      }
      sequences.push([identifier, docs]);
      offset = sectionEnd;
    } else {
      throw new MalformedMessageError(`unknown OP_MSG section kind ${kind}`);
    }
  }
  if (!body) throw new MalformedMessageError('OP_MSG without a body section');
  for (const [identifier, docs] of sequences) body[identifier] = docs;
  return { requestId, opCode: OpCode.OP_MSG, body, flags };
}

function parseOpQuery(frame: Buffer, requestId: number): IncomingMessage {
  // OP_QUERY: int32 flags, cstring fullCollectionName, int32 numberToSkip, int32 numberToReturn, document query.
  let offset = HEADER_SIZE + 4;
  let fullCollectionName: string;
  [fullCollectionName, offset] = readCString(frame, offset);
  offset += 8;
  let query: Document;
  [query, offset] = readDocument(frame, offset, frame.length);
  // Old drivers wrap the command as {$query: {...}, $readPreference}; unwrap it.
  const body = query.$query && typeof query.$query === 'object' ? { ...query.$query } : query;
  return { requestId, opCode: OpCode.OP_QUERY, body, flags: 0, fullCollectionName };
}

let nextRequestId = 1;

function header(totalLength: number, responseTo: number, opCode: number): [Buffer, number] {
  const buf = Buffer.allocUnsafe(HEADER_SIZE);
  const requestId = nextRequestId++ & 0x7fffffff;
  buf.writeInt32LE(totalLength, 0);
  buf.writeInt32LE(requestId, 4);
  buf.writeInt32LE(responseTo, 8);
  buf.writeInt32LE(opCode, 12);
  return [buf, requestId];
}

export function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Serializes a reply document (or passes through one already encoded as raw BSON). */
export function encodeDocument(doc: Document | Buffer): Buffer {
  return Buffer.isBuffer(doc) ? doc : toBuffer(serialize(doc));
}

/** OP_MSG reply with a single kind-0 section. Returns the frame and its requestID (exhaust replies chain on it). */
export function encodeOpMsg(responseTo: number, body: Buffer, flags = 0): { frame: Buffer; requestId: number } {
  const [head, requestId] = header(HEADER_SIZE + 4 + 1 + body.length, responseTo, OpCode.OP_MSG);
  const pre = Buffer.allocUnsafe(5);
  pre.writeUInt32LE(flags >>> 0, 0);
  pre.writeUInt8(0, 4);
  return { frame: Buffer.concat([head, pre, body]), requestId };
}

/** OP_REPLY to a legacy OP_QUERY: flags 0, cursorID 0, startingFrom 0, one document. */
export function encodeOpReply(responseTo: number, body: Buffer): Buffer {
  const [head] = header(HEADER_SIZE + 20 + body.length, responseTo, OpCode.OP_REPLY);
  const pre = Buffer.alloc(20);
  pre.writeInt32LE(1, 16); // numberReturned
  return Buffer.concat([head, pre, body]);
}
