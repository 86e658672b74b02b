/**
 * A minimal DER (ASN.1 Distinguished Encoding Rules) writer and reader: just what building and inspecting X.509
 * certificates needs. We write it ourselves because CI machines may have no `openssl` binary and Node's `crypto`
 * can sign bytes but cannot assemble a certificate.
 */

import { isIPv4, isIPv6 } from 'net';

/** Universal tags used here. */
export const Tag = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** One TLV element with the given tag byte. */
export function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(content.length), content]);
}

export const sequence = (...items: Buffer[]): Buffer => tlv(Tag.SEQUENCE, Buffer.concat(items));
export const set = (...items: Buffer[]): Buffer => tlv(Tag.SET, Buffer.concat(items));
export const octetString = (content: Buffer): Buffer => tlv(Tag.OCTET_STRING, content);
export const utf8String = (text: string): Buffer => tlv(Tag.UTF8_STRING, Buffer.from(text, 'utf8'));
export const printableString = (text: string): Buffer => tlv(Tag.PRINTABLE_STRING, Buffer.from(text, 'latin1'));
export const ia5String = (text: string): Buffer => tlv(Tag.IA5_STRING, Buffer.from(text, 'latin1'));
export const derNull = (): Buffer => Buffer.from([Tag.NULL, 0x00]);
export const boolean = (value: boolean): Buffer => tlv(Tag.BOOLEAN, Buffer.from([value ? 0xff : 0x00]));
/** `[n] EXPLICIT` wrapper (constructed, context-specific). */
export const explicit = (n: number, content: Buffer): Buffer => tlv(0xa0 | n, content);

/** A non-negative INTEGER from big-endian bytes (minimal form; a leading zero keeps it positive). */
export function unsignedInteger(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  let body = bytes.subarray(start);
  if (body.length === 0) body = Buffer.from([0]);
  if (body[0] & 0x80) body = Buffer.concat([Buffer.from([0]), body]);
  return tlv(Tag.INTEGER, body);
}

export const smallInteger = (value: number): Buffer => unsignedInteger(Buffer.from([value & 0xff]));

/** BIT STRING holding whole bytes (signatures, keys). */
export const bitString = (bytes: Buffer): Buffer => tlv(Tag.BIT_STRING, Buffer.concat([Buffer.from([0]), bytes]));

/** BIT STRING of named bits (bit 0 = most significant bit of the first byte), as keyUsage wants it. */
export function namedBits(bitIndexes: number[]): Buffer {
  const highest = Math.max(...bitIndexes);
  const bytes = Buffer.alloc(Math.floor(highest / 8) + 1);
  for (const bit of bitIndexes) bytes[bit >> 3] |= 0x80 >> (bit & 7);
  const unused = 7 - (highest & 7);
  return tlv(Tag.BIT_STRING, Buffer.concat([Buffer.from([unused]), bytes]));
}

export function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map((p) => Number(p));
  if (parts.length < 2 || parts.some((p) => !Number.isInteger(p) || p < 0)) {
    throw new Error(`Invalid OID ${dotted}`);
  }
  const bytes: number[] = [parts[0] * 40 + parts[1]];
  for (const part of parts.slice(2)) {
    const chunk: number[] = [part & 0x7f];
    for (let rest = Math.floor(part / 128); rest > 0; rest = Math.floor(rest / 128)) chunk.unshift(0x80 | (rest & 0x7f));
    bytes.push(...chunk);
  }
  return tlv(Tag.OID, Buffer.from(bytes));
}

/** X.509 Time: UTCTime until 2049, GeneralizedTime from 2050 (RFC 5280 §4.1.2.5). */
export function time(date: Date): Buffer {
  const iso = date.toISOString(); // 2026-12-04T16:00:00.000Z
  const digits = iso.slice(0, 19).replace(/[-:T]/g, ''); // 20261204160000
  if (date.getUTCFullYear() < 2050) return tlv(Tag.UTC_TIME, Buffer.from(digits.slice(2) + 'Z', 'latin1'));
  return tlv(Tag.GENERALIZED_TIME, Buffer.from(digits + 'Z', 'latin1'));
}

/** The 4 or 16 address bytes of an IP literal (for iPAddress SAN entries). */
export function ipAddressBytes(ip: string): Buffer {
  if (isIPv4(ip)) return Buffer.from(ip.split('.').map((p) => Number(p)));
  if (!isIPv6(ip)) throw new Error(`Not an IP address: ${ip}`);
  let text = ip;
  const tail: number[] = [];
  const v4Tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4Tail) {
    tail.push(...v4Tail[1].split('.').map((p) => Number(p)));
    text = text.slice(0, -v4Tail[1].length) + '0:0';
  }
  const [head, rest] = text.split('::');
  const headGroups = head ? head.split(':') : [];
  const restGroups = rest !== undefined && rest !== '' ? rest.split(':') : [];
  const missing = 8 - headGroups.length - restGroups.length;
  const groups = rest === undefined ? headGroups : [...headGroups, ...Array(missing).fill('0'), ...restGroups];
  const bytes = Buffer.alloc(16);
  groups.forEach((g, i) => bytes.writeUInt16BE(parseInt(g, 16), i * 2));
  if (tail.length) Buffer.from(tail).copy(bytes, 12);
  return bytes;
}

// ---------------------------------------------------------------------------------------------------------------
// Reader

export interface DerElement {
  tag: number;
  /** The content bytes (without tag and length). */
  content: Buffer;
  /** The whole element (tag, length and content). */
  raw: Buffer;
}

/** Reads the element starting at `offset`. Only single-byte tags, which is all X.509 uses. */
export function readElement(buffer: Buffer, offset = 0): DerElement {
  if (offset + 2 > buffer.length) throw new Error('DER: truncated element');
  const tag = buffer[offset];
  let length = buffer[offset + 1];
  let headerLength = 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw new Error('DER: unsupported length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + buffer[offset + 2 + i];
    headerLength += count;
  }
  const end = offset + headerLength + length;
  if (end > buffer.length) throw new Error('DER: element longer than its container');
  return { tag, content: buffer.subarray(offset + headerLength, end), raw: buffer.subarray(offset, end) };
}

/** The elements inside a constructed element's content. */
export function readChildren(content: Buffer): DerElement[] {
  const children: DerElement[] = [];
  for (let offset = 0; offset < content.length; ) {
    const element = readElement(content, offset);
    children.push(element);
    offset += element.raw.length;
  }
  return children;
}

export function decodeOid(content: Buffer): string {
  const parts = [Math.floor(content[0] / 40), content[0] % 40];
  let value = 0;
  for (let i = 1; i < content.length; i++) {
    value = value * 128 + (content[i] & 0x7f);
    if (!(content[i] & 0x80)) {
      parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}
