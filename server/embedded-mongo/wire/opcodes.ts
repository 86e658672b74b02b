/**
 * Wire protocol constants (MongoDB "Wire Protocol" spec, https://www.mongodb.com/docs/manual/reference/mongodb-wire-protocol/).
 * Only OP_MSG is used after the handshake; the driver's very first `hello`/`ismaster` still arrives as a legacy
 * OP_QUERY on `admin.$cmd` and must be answered with OP_REPLY, or the driver never completes the handshake.
 */
export const OpCode = {
  OP_REPLY: 1,
  OP_QUERY: 2004,
  OP_COMPRESSED: 2012,
  OP_MSG: 2013,
} as const;

/** OP_MSG flag bits (spec: "OP_MSG" → "Flag Bits"). */
export const MsgFlag = {
  /** A CRC-32C checksum trails the message; we tolerate (and do not verify) it. */
  checksumPresent: 1 << 0,
  /** The sender will send another message without waiting for a reply (w:0 writes, exhaust replies). */
  moreToCome: 1 << 1,
  /** The client accepts several replies to one request (awaitable `hello` streaming). */
  exhaustAllowed: 1 << 16,
} as const;

export const HEADER_SIZE = 16;
/** Advertised as `maxMessageSizeBytes`; larger frames are rejected and the connection closed. */
export const MAX_MESSAGE_SIZE = 48_000_000;
/** Advertised as `maxBsonObjectSize`; also the byte budget of one cursor batch. */
export const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;
export const MAX_WRITE_BATCH_SIZE = 100_000;
