import type { IOutboxEntry } from '../../../definitions/IOutboxEntry';

/**
 * What an outbox entry is created with and nothing changes afterwards while it is pending: what is pushed, to
 * which device, and its bounds. (State, attempts, times, locks, history and any other field come from the
 * database on every claim.) Gateway maintenance blanks the texts of *finished* entries only, which are never
 * claimed again.
 */
export const CONTENT_FIELDS = [
  'mid',
  'rid',
  'uid',
  'tokenId',
  'platform',
  'token',
  'appName',
  'notification',
  'apnsId',
  'collapseId',
  'expiresAt',
  'createdAt',
] as const;

const CONTENT = new Set<string>(CONTENT_FIELDS);

/** A find projection leaving the content fields out (the rest of the entry, as stored). */
export const WITHOUT_CONTENT: Readonly<Record<(typeof CONTENT_FIELDS)[number], 0>> = Object.freeze(
  Object.fromEntries(CONTENT_FIELDS.map((field) => [field, 0])) as Record<(typeof CONTENT_FIELDS)[number], 0>,
);

/**
 * The entries this process enqueued, by id, until they are settled for good (or a claim finds nothing pending at
 * all): a claim then reads only the small, changing part of an entry and takes its content (about three quarters
 * of its bytes, and most of the cost of decoding it) from here. Entries enqueued by another instance, or
 * forgotten (beyond `capacity`, oldest first), are simply read whole. Holds the very objects handed to `enqueue`
 * (the outbox never modifies them); a claimed entry shares its content objects with them.
 */
export class EnqueuedContentCache {
  private readonly entries = new Map<string, IOutboxEntry>();

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  remember(entry: IOutboxEntry): void {
    if (this.capacity <= 0) return;
    // Re-inserting moves the id to the newest end.
    this.entries.delete(entry._id);
    this.entries.set(entry._id, entry);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }

  forget(id: string): void {
    this.entries.delete(id);
  }

  clear(): void {
    this.entries.clear();
  }

  /**
   * The whole entry: `stored` (an entry as read with `WITHOUT_CONTENT`) with the content fields of the entry this
   * process enqueued under that id, fields in the stored order; undefined when that entry is not known here.
   */
  complete(stored: Partial<IOutboxEntry> & { _id: string }): IOutboxEntry | undefined {
    const enqueued = this.entries.get(stored._id);
    if (!enqueued) return undefined;
    const whole: Record<string, unknown> = {};
    const source = enqueued as unknown as Record<string, unknown>;
    const read = stored as Record<string, unknown>;
    // The stored document keeps the enqueued field order, with fields added later at the end. (Both are plain
    // objects: for-in walks their own fields, without building key arrays.)
    for (const key in source) {
      if (CONTENT.has(key)) whole[key] = source[key];
      else if (key in read) whole[key] = read[key];
    }
    for (const key in read) if (!(key in whole)) whole[key] = read[key];
    return whole as unknown as IOutboxEntry;
  }
}
