/**
 * Android's `notId` groups (and replaces) notifications: the same number for every push of one room means the
 * phone shows one conversation, not a pile. It must be a positive 32-bit signed integer, stable across restarts
 * and instances, so it is a hash, not a counter: FNV-1a (32-bit) over the UTF-8 bytes, cut to 31 bits.
 */

const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a of the UTF-8 encoding of `text`, as a positive 31-bit integer (1…2³¹−1; 0 is mapped to 1). */
export function hash31(text: string): number {
  let hash = FNV_OFFSET_BASIS;
  const mix = (byte: number) => {
    hash ^= byte;
    hash = Math.imul(hash, FNV_PRIME);
  };
  for (const char of text) {
    const cp = char.codePointAt(0) as number;
    if (cp < 0x80) mix(cp);
    else if (cp < 0x800) {
      mix(0xc0 | (cp >> 6));
      mix(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      mix(0xe0 | (cp >> 12));
      mix(0x80 | ((cp >> 6) & 0x3f));
      mix(0x80 | (cp & 0x3f));
    } else {
      mix(0xf0 | (cp >> 18));
      mix(0x80 | ((cp >> 12) & 0x3f));
      mix(0x80 | ((cp >> 6) & 0x3f));
      mix(0x80 | (cp & 0x3f));
    }
  }
  return (hash & 0x7fffffff) || 1;
}

/** The per-room `notId`: `hash31("<workspace uniqueID>|<rid>")`, as Rocket.Chat groups by workspace and room. */
export function notificationId(uniqueId: string, rid: string): number {
  return hash31(`${uniqueId}|${rid}`);
}
