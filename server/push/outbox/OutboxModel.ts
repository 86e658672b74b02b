import type { AnyBulkWriteOperation, Collection, Db, Document, Filter, IndexDescription, UpdateFilter } from 'mongodb';
import type { IOutboxAttempt, IOutboxEntry, OutboxState } from '../../../definitions/IOutboxEntry';
import { EnqueuedContentCache, WITHOUT_CONTENT } from './EnqueuedContentCache';

/** States in which an entry still has work to do. `sending` is included: its lease may have run out. */
export const PENDING_STATES: readonly OutboxState[] = ['queued', 'retry', 'sending'];

/** Entries enqueued by this process remembered for their claim (about as many as a large backlog). */
const DEFAULT_CONTENT_CACHE_SIZE = 50_000;

/** How many past attempts an entry keeps for explain and the delivery log. */
const HISTORY_LIMIT = 20;

/** A terminal or retry update for one claimed entry, applied only if the claim is still ours. */
export interface IOutboxSettlement {
  id: string;
  claimId: string;
  state: OutboxState;
  attempt: IOutboxAttempt;
  /** For `retry`: when to try again. */
  nextAttemptAt?: Date;
  deliveredAt?: Date;
  /** Give the attempt back (the route was not tried, e.g. its circuit was open). */
  refundAttempt?: boolean;
  now: Date;
}

/** What one claim took, and when the next pending entry it did not take becomes due (null: none pending). */
export interface IOutboxClaim {
  entries: IOutboxEntry[];
  nextDueAt: Date | null;
}

export interface IOutboxStats {
  /** Entries with work left, by state. */
  pending: Record<'queued' | 'retry' | 'sending', number>;
  /** Age of the oldest pending entry, in ms (0 when empty). */
  oldestPendingAgeMs: number;
}

/**
 * The durable delivery outbox (`push_outbox`): one document per (message, user, device), keyed by its idempotency
 * key, so enqueueing the same push twice is a no-op and a restart or a crash loses nothing.
 *
 * Claiming follows Agenda's lock-by-update pattern: an entry is due when `nextAttemptAt <= now` and its state is
 * pending. A claim moves it to `sending` and pushes `nextAttemptAt` to the end of the lease, so an entry whose
 * worker died becomes due again by itself when the lease runs out; no separate "stale lock" query is needed.
 * Every settlement is conditional on the claim id, so a worker that lost its lease cannot overwrite the outcome
 * recorded by the worker that took over.
 */
export class OutboxModel {
  static readonly collectionName = 'push_outbox';

  static readonly indexes: IndexDescription[] = [
    // The claim query: pending states, oldest due first.
    { key: { state: 1, nextAttemptAt: 1 }, name: 'claimNextIndex' },
    // Explain and the admin's delivery log: what happened to this user's pushes for this message.
    { key: { mid: 1, uid: 1 }, name: 'messageUserIndex' },
    // Cancelling delayed pushes when the user reads the room.
    { key: { uid: 1, rid: 1 }, name: 'userRoomIndex' },
    // A dead token fails every pending entry addressed to it.
    { key: { token: 1 }, name: 'tokenIndex' },
    // Purging finished entries.
    { key: { _updatedAt: 1 }, name: 'updatedAtIndex' },
  ];

  readonly collection: Collection<IOutboxEntry>;
  private readonly db: Db;
  private readonly enqueued: EnqueuedContentCache;

  /**
   * @param collectionName another collection for a second outbox in the same database (e.g. a mounted gateway).
   * @param options.contentCacheSize how many entries enqueued by this process are remembered for their claim
   *   (see EnqueuedContentCache; 0 reads every claimed entry whole). @defaultValue 50000
   */
  constructor(db: Db, collectionName: string = OutboxModel.collectionName, options: { contentCacheSize?: number } = {}) {
    this.db = db;
    this.collection = db.collection<IOutboxEntry>(collectionName);
    this.enqueued = new EnqueuedContentCache(options.contentCacheSize ?? DEFAULT_CONTENT_CACHE_SIZE);
  }

  async ensureIndexes(): Promise<void> {
    await this.collection.createIndexes(OutboxModel.indexes);
  }

  /**
   * Inserts entries, ignoring those whose key already exists (idempotent enqueue). The entries inserted are
   * remembered for their claim; they must not be modified afterwards.
   * @returns how many were new.
   */
  async enqueue(entries: IOutboxEntry[]): Promise<number> {
    if (entries.length === 0) return 0;
    try {
      const result = await this.collection.insertMany(entries, { ordered: false });
      for (const entry of entries) this.enqueued.remember(entry);
      return result.insertedCount;
    } catch (error) {
      const writeErrors = duplicateOnlyWriteErrors(error);
      if (writeErrors === null) throw error;
      // Only what this call inserted: an existing entry under the same key may hold other content.
      const refused = new Set(writeErrors.map((e) => e.index));
      if (!refused.has(-1)) {
        entries.forEach((entry, i) => {
          if (!refused.has(i)) this.enqueued.remember(entry);
        });
      }
      return entries.length - writeErrors.length;
    }
  }

  /**
   * Forgets the content remembered from this process's enqueues (claims then read entries whole until the next
   * enqueue). For when entries were removed behind the model's back, e.g. a test or a benchmark emptying the
   * collection: nothing is kept for entries that no longer exist.
   */
  forgetEnqueued(): void {
    this.enqueued.clear();
  }

  /**
   * Claims up to `limit` due entries for `claimId`, atomically per entry: two workers racing for the same entry
   * cannot both get it, because the update re-checks that it is still due.
   */
  async claimDue(claimId: string, now: Date, leaseMs: number, limit: number): Promise<IOutboxEntry[]> {
    return (await this.claim(claimId, now, leaseMs, limit)).entries;
  }

  /**
   * `claimDue`, plus when to look again, in two round trips in the common case:
   * 1. the front of the queue (pending entries by `nextAttemptAt`, `limit + 1` of them): the due ones are the
   *    candidates, and the first one left tells when the next entry becomes due (no separate query);
   * 2. one conditional `updateMany` per distinct `attempts` value among the candidates, in one bulkWrite: each
   *    entry is taken only if it is still due and nobody claimed it in between (a claim would have changed
   *    `attempts`, or moved it out of the due states).
   * When every candidate was taken, the claimed entries are the fetched ones with the claim's fields applied
   * (exactly what the update wrote); otherwise another worker won some, and what is ours is read back.
   * The front is read without the entries' content (`WITHOUT_CONTENT`), which comes from the entries this
   * process enqueued; the content of any other claimed entry is read afterwards (a third round trip).
   */
  async claim(claimId: string, now: Date, leaseMs: number, limit: number): Promise<IOutboxClaim> {
    const pending = { state: { $in: [...PENDING_STATES] } };
    const front = await this.read(pending, { sort: { nextAttemptAt: 1 }, limit: limit + 1, projection: WITHOUT_CONTENT });
    // Nothing pending: nothing remembered can still be claimed (e.g. entries deleted behind the model's back).
    if (front.length === 0) this.enqueued.clear();
    const due: IOutboxEntry[] = [];
    for (const entry of front) {
      if (due.length === limit || entry.nextAttemptAt.getTime() > now.getTime()) break;
      due.push(entry);
    }
    const nextDueAt = front.length > due.length ? front[due.length].nextAttemptAt : null;
    if (due.length === 0) return { entries: [], nextDueAt };

    const leaseEnd = new Date(now.getTime() + leaseMs);
    const byAttempts = new Map<number, string[]>();
    for (const entry of due) {
      const ids = byAttempts.get(entry.attempts);
      if (ids) ids.push(entry._id);
      else byAttempts.set(entry.attempts, [entry._id]);
    }
    const claimFields = { state: 'sending' as const, lockedBy: claimId, lockedUntil: leaseEnd, nextAttemptAt: leaseEnd, _updatedAt: now };
    const updates = [...byAttempts].map(([attempts, ids]) => ({
      filter: { _id: { $in: ids }, attempts, ...pending, nextAttemptAt: { $lte: now } },
      update: { $set: claimFields, $inc: { attempts: 1 } },
    }));
    // Usually one group (fresh entries): a plain updateMany costs the driver less than a bulkWrite.
    const modified =
      updates.length === 1
        ? (await this.collection.updateMany(updates[0].filter, updates[0].update)).modifiedCount
        : (await this.collection.bulkWrite(updates.map((updateMany) => ({ updateMany })), { ordered: false })).modifiedCount;
    let ours: IOutboxEntry[];
    if (modified === due.length) {
      // The fetched entries are this call's own decoded copies: apply the claim's fields to them in place.
      for (const entry of due) {
        entry.state = claimFields.state;
        entry.lockedBy = claimId;
        entry.lockedUntil = leaseEnd;
        entry.nextAttemptAt = leaseEnd;
        entry._updatedAt = now;
        entry.attempts += 1;
      }
      ours = due;
    } else {
      ours = await this.read({ _id: { $in: due.map((e) => e._id) }, lockedBy: claimId, state: 'sending' }, { limit: due.length, projection: WITHOUT_CONTENT });
    }
    return { entries: await this.withContent(ours, claimId), nextDueAt };
  }

  /**
   * Entries matching `filter`, read with a plain `find` command: the driver decodes its reply in one pass, where a
   * cursor decodes each document twice (it first indexes every document's fields). The first batch is asked to
   * hold everything (`limit`, or every id of an `$in`); should it not fit in one reply, the rest follows by getMore.
   */
  private async read(filter: Filter<IOutboxEntry>, options: { sort?: Document; limit: number; projection?: Document }): Promise<IOutboxEntry[]> {
    const name = this.collection.collectionName;
    const command: Document = { find: name, filter };
    if (options.sort) command.sort = options.sort;
    if (options.projection) command.projection = options.projection;
    command.limit = options.limit;
    command.batchSize = options.limit;
    let reply = (await this.db.command(command)) as IFindReply;
    const entries = reply.cursor.firstBatch ?? [];
    while (!isZeroCursorId(reply.cursor.id)) {
      reply = (await this.db.command({ getMore: reply.cursor.id, collection: name })) as IFindReply;
      for (const entry of reply.cursor.nextBatch ?? []) entries.push(entry);
    }
    return entries;
  }

  /**
   * Claimed entries read without content, made whole: from the entries this process enqueued, else read whole
   * (and remembered, for a retry). An entry that can no longer be read is left out (it was removed meanwhile).
   */
  private async withContent(entries: IOutboxEntry[], claimId: string): Promise<IOutboxEntry[]> {
    const whole = new Array<IOutboxEntry | undefined>(entries.length);
    let missing: number[] | undefined;
    for (let i = 0; i < entries.length; i++) {
      whole[i] = this.enqueued.complete(entries[i]);
      if (!whole[i]) (missing ??= []).push(i);
    }
    if (!missing) return whole as IOutboxEntry[];
    const read = await this.read({ _id: { $in: missing.map((i) => entries[i]._id) }, lockedBy: claimId }, { limit: missing.length });
    const byId = new Map(read.map((entry) => [entry._id, entry]));
    for (const i of missing) {
      const entry = byId.get(entries[i]._id);
      if (entry) this.enqueued.remember(entry);
      whole[i] = entry;
    }
    return whole.filter((entry): entry is IOutboxEntry => entry !== undefined);
  }

  /**
   * Records outcomes in one round trip. Settlements whose claim was taken over by another worker are ignored.
   * Settlements with the same update (a chunk delivered at once: same state, time and attempt record) become one
   * `updateMany` over their ids, each still conditional on the claim; the others stay one `updateOne` each.
   */
  async settle(settlements: IOutboxSettlement[]): Promise<number> {
    if (settlements.length === 0) return 0;
    const groups: Array<{ first: IOutboxSettlement; ids: string[] }> = [];
    const byKey = new Map<string, Array<{ first: IOutboxSettlement; ids: string[] }>>();
    let last: { first: IOutboxSettlement; ids: string[] } | undefined;
    for (const s of settlements) {
      // Settlements of a chunk usually follow one another with the same update.
      if (last && sameSettlementUpdate(last.first, s)) {
        last.ids.push(s.id);
        continue;
      }
      // A cheap key narrows the search; the fields themselves decide (no serialisation of each update).
      const key = `${s.claimId}\u0000${s.state}\u0000${s.now.getTime()}\u0000${s.attempt.outcome}\u0000${s.attempt.reason}\u0000${s.attempt.at.getTime()}`;
      const candidates = byKey.get(key);
      const group = candidates?.find((g) => sameSettlementUpdate(g.first, s));
      if (group) {
        group.ids.push(s.id);
        last = group;
        continue;
      }
      const created = { first: s, ids: [s.id] };
      groups.push(created);
      if (candidates) candidates.push(created);
      else byKey.set(key, [created]);
      last = created;
    }
    const claimed = (claimId: string, ids: string[]): Filter<IOutboxEntry> =>
      ids.length === 1 ? { _id: ids[0], lockedBy: claimId, state: 'sending' } : { _id: { $in: ids }, lockedBy: claimId, state: 'sending' };
    let modified: number;
    if (groups.length === 1) {
      // One group (a chunk delivered at once): a plain update costs the driver less than a bulkWrite.
      const { first, ids } = groups[0];
      modified = (await this.collection.updateMany(claimed(first.claimId, ids), settlementUpdate(first))).modifiedCount;
    } else {
      const operations: AnyBulkWriteOperation<IOutboxEntry>[] = groups.map(({ first, ids }) => {
        const filter = claimed(first.claimId, ids);
        const update = settlementUpdate(first);
        return ids.length === 1 ? { updateOne: { filter, update } } : { updateMany: { filter, update } };
      });
      modified = (await this.collection.bulkWrite(operations, { ordered: false })).modifiedCount;
    }
    // Settled for good: never claimed again (a retry keeps its content for the next claim).
    for (const s of settlements) if (!PENDING_STATES.includes(s.state)) this.enqueued.forget(s.id);
    return modified;
  }

  /**
   * Ends every pending entry addressed to a token the provider declared dead; they would fail the same way.
   * Entries currently being sent are left to their worker.
   */
  async failPendingForToken(token: string, reason: string, now: Date): Promise<number> {
    const result = await this.collection.updateMany(
      { token, state: { $in: ['queued', 'retry'] } },
      {
        $set: { state: 'invalid-token', _updatedAt: now, lastError: { reason, at: now } },
        $push: { history: { $each: [{ at: now, outcome: 'invalid-token', reason }], $slice: -HISTORY_LIMIT } },
      },
    );
    return result.modifiedCount;
  }

  /** Cancels pushes that were delayed because the user was online, now that they read the room. */
  async cancelDelayed(uid: string, rid: string, now: Date): Promise<number> {
    const result = await this.collection.updateMany(
      { uid, rid, cancelOnRead: true, state: 'queued', nextAttemptAt: { $gt: now } },
      {
        $set: { state: 'cancelled', _updatedAt: now },
        $push: { history: { $each: [{ at: now, outcome: 'rejected', reason: 'READ_BEFORE_DELAY' }], $slice: -HISTORY_LIMIT } },
      },
    );
    return result.modifiedCount;
  }

  findForMessageUser(mid: string, uid: string): Promise<IOutboxEntry[]> {
    return this.collection.find({ mid, uid }, { sort: { createdAt: 1 } }).toArray();
  }

  /** The most recently changed entries, newest first (the admin's delivery log). */
  recent(limit: number): Promise<IOutboxEntry[]> {
    return this.collection.find({}, { sort: { _updatedAt: -1 }, limit }).toArray();
  }

  /** When the next pending entry becomes due, or null when nothing is pending. */
  async nextDueAt(): Promise<Date | null> {
    const next = await this.collection.findOne(
      { state: { $in: [...PENDING_STATES] } },
      { projection: { nextAttemptAt: 1 }, sort: { nextAttemptAt: 1 } },
    );
    return next?.nextAttemptAt ?? null;
  }

  async stats(now: Date): Promise<IOutboxStats> {
    const pending = { queued: 0, retry: 0, sending: 0 };
    const groups = await this.collection
      .aggregate<{ _id: OutboxState; n: number; oldest: Date }>([
        { $match: { state: { $in: [...PENDING_STATES] } } },
        { $group: { _id: '$state', n: { $sum: 1 }, oldest: { $min: '$createdAt' } } },
      ])
      .toArray();
    let oldest = now.getTime();
    for (const group of groups) {
      if (group._id in pending) pending[group._id as keyof typeof pending] = group.n;
      oldest = Math.min(oldest, new Date(group.oldest).getTime());
    }
    return { pending, oldestPendingAgeMs: now.getTime() - oldest };
  }

  /** Deletes finished entries last changed before `before`. */
  async purgeFinished(before: Date): Promise<number> {
    const result = await this.collection.deleteMany({
      state: { $nin: [...PENDING_STATES] },
      _updatedAt: { $lt: before },
    });
    return result.deletedCount;
  }
}

/**
 * For an unordered insertMany that failed: its duplicate-key write errors (with the index of each refused entry),
 * or null if any other error occurred.
 */
function duplicateOnlyWriteErrors(error: unknown): Array<{ index: number }> | null {
  const writeErrors = (error as { writeErrors?: unknown }).writeErrors;
  const list = (Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : []) as Array<{ code?: number; index?: number }>;
  if ((error as { code?: number }).code !== 11000 && list.length === 0) return null;
  // A duplicate-key error without details: one refused entry of unknown index (-1: which ones were new is unknown).
  if (list.length === 0) return [{ index: -1 }];
  if (!list.every((e) => e.code === 11000)) return null;
  return list.map((e) => ({ index: typeof e.index === 'number' ? e.index : -1 }));
}

/** The reply to `find` / `getMore`. */
interface IFindReply {
  cursor: { id: unknown; firstBatch?: IOutboxEntry[]; nextBatch?: IOutboxEntry[] };
}

/** A cursor id of 0 (a number, or a `Long` for ids beyond 2^53) means the server has nothing more. */
function isZeroCursorId(id: unknown): boolean {
  if (typeof id === 'number' || typeof id === 'bigint') return id == 0;
  return typeof (id as { isZero?: () => boolean })?.isZero === 'function' ? (id as { isZero: () => boolean }).isZero() : true;
}

/** Whether two settlements write the very same update (they may then share one `updateMany`). */
function sameSettlementUpdate(a: IOutboxSettlement, b: IOutboxSettlement): boolean {
  return (
    a.claimId === b.claimId &&
    a.state === b.state &&
    a.now.getTime() === b.now.getTime() &&
    sameTime(a.nextAttemptAt, b.nextAttemptAt) &&
    sameTime(a.deliveredAt, b.deliveredAt) &&
    !a.refundAttempt === !b.refundAttempt &&
    sameAttempt(a.attempt, b.attempt)
  );
}

function sameTime(a: Date | undefined, b: Date | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.getTime() === b.getTime());
}

function sameAttempt(a: IOutboxAttempt, b: IOutboxAttempt): boolean {
  if (a === b) return true;
  // Same fields in the same order (the stored attempt keeps the first one's), same values.
  const keys = Object.keys(a) as Array<keyof IOutboxAttempt>;
  const others = Object.keys(b);
  if (keys.length !== others.length) return false;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (others[i] !== key) return false;
    const x = a[key];
    const y = b[key];
    if (x instanceof Date ? !(y instanceof Date && x.getTime() === y.getTime()) : x !== y) return false;
  }
  return true;
}

/** The conditional update recording one settlement (its claim is checked by the filter). */
function settlementUpdate(s: IOutboxSettlement): UpdateFilter<IOutboxEntry> {
  const set: Partial<IOutboxEntry> = { state: s.state, _updatedAt: s.now };
  if (s.nextAttemptAt) set.nextAttemptAt = s.nextAttemptAt;
  if (s.deliveredAt) set.deliveredAt = s.deliveredAt;
  if (s.attempt.outcome !== 'delivered') {
    const { status, reason, detail, at } = s.attempt;
    set.lastError = { at, ...(status !== undefined && { status }), ...(reason !== undefined && { reason }), ...(detail !== undefined && { detail }) };
  }
  return {
    $set: set,
    $unset: { lockedBy: '', lockedUntil: '' },
    $push: { history: { $each: [s.attempt], $slice: -HISTORY_LIMIT } },
    ...(s.refundAttempt ? { $inc: { attempts: -1 } } : {}),
  };
}
