import { deserialize } from 'bson';
import type { AnyBulkWriteOperation, Collection, Db, Filter, IndexDescription, UpdateFilter } from 'mongodb';
import type { IOutboxAttempt, IOutboxEntry, OutboxState } from '../../../definitions/IOutboxEntry';

/** States in which an entry still has work to do. `sending` is included: its lease may have run out. */
export const PENDING_STATES: readonly OutboxState[] = ['queued', 'retry', 'sending'];

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

  /** @param collectionName another collection for a second outbox in the same database (e.g. a mounted gateway). */
  constructor(db: Db, collectionName: string = OutboxModel.collectionName) {
    this.collection = db.collection<IOutboxEntry>(collectionName);
  }

  async ensureIndexes(): Promise<void> {
    await this.collection.createIndexes(OutboxModel.indexes);
  }

  /**
   * Inserts entries, ignoring those whose key already exists (idempotent enqueue).
   * @returns how many were new.
   */
  async enqueue(entries: IOutboxEntry[]): Promise<number> {
    if (entries.length === 0) return 0;
    try {
      const result = await this.collection.insertMany(entries, { ordered: false });
      return result.insertedCount;
    } catch (error) {
      const writeErrors = duplicateOnlyWriteErrors(error);
      if (writeErrors === null) throw error;
      return entries.length - writeErrors;
    }
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
   */
  async claim(claimId: string, now: Date, leaseMs: number, limit: number): Promise<IOutboxClaim> {
    const pending = { state: { $in: [...PENDING_STATES] } };
    // raw + one-pass decoding: the driver's own decoding walks each ~1 KB entry twice (a sixth of a claim's cost).
    const front = ((await this.collection.find(pending, { sort: { nextAttemptAt: 1 }, limit: limit + 1, raw: true }).toArray()) as unknown as Uint8Array[]).map(
      (bytes) => deserialize(bytes) as IOutboxEntry,
    );
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
    if (modified === due.length) {
      return { entries: due.map((entry) => ({ ...entry, ...claimFields, attempts: entry.attempts + 1 })), nextDueAt };
    }
    const ours = await this.collection.find({ _id: { $in: due.map((e) => e._id) }, lockedBy: claimId, state: 'sending' }).toArray();
    return { entries: ours, nextDueAt };
  }

  /**
   * Records outcomes in one round trip. Settlements whose claim was taken over by another worker are ignored.
   * Settlements with the same update (a chunk delivered at once: same state, time and attempt record) become one
   * `updateMany` over their ids, each still conditional on the claim; the others stay one `updateOne` each.
   */
  async settle(settlements: IOutboxSettlement[]): Promise<number> {
    if (settlements.length === 0) return 0;
    const groups = new Map<string, { claimId: string; ids: string[]; update: UpdateFilter<IOutboxEntry> }>();
    for (const s of settlements) {
      const update = settlementUpdate(s);
      const key = `${s.claimId}\u0000${JSON.stringify(update)}`;
      const group = groups.get(key);
      if (group) group.ids.push(s.id);
      else groups.set(key, { claimId: s.claimId, ids: [s.id], update });
    }
    const claimed = (claimId: string, ids: string[]): Filter<IOutboxEntry> =>
      ids.length === 1 ? { _id: ids[0], lockedBy: claimId, state: 'sending' } : { _id: { $in: ids }, lockedBy: claimId, state: 'sending' };
    const list = [...groups.values()];
    if (list.length === 1) {
      // One group (a chunk delivered at once): a plain update costs the driver less than a bulkWrite.
      return (await this.collection.updateMany(claimed(list[0].claimId, list[0].ids), list[0].update)).modifiedCount;
    }
    const operations: AnyBulkWriteOperation<IOutboxEntry>[] = list.map(({ claimId, ids, update }) =>
      ids.length === 1 ? { updateOne: { filter: claimed(claimId, ids), update } } : { updateMany: { filter: claimed(claimId, ids), update } },
    );
    const result = await this.collection.bulkWrite(operations, { ordered: false });
    return result.modifiedCount;
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

/** For an unordered insertMany that failed: the number of duplicate-key errors, or null if any other error occurred. */
function duplicateOnlyWriteErrors(error: unknown): number | null {
  const writeErrors = (error as { writeErrors?: unknown }).writeErrors;
  const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
  if ((error as { code?: number }).code !== 11000 && list.length === 0) return null;
  if (list.length === 0) return 1;
  return list.every((e: { code?: number }) => e.code === 11000) ? list.length : null;
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
