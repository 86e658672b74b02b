import { randomUUID } from 'node:crypto';
import type { IOutboxAttempt, IOutboxEntry, OutboxState } from '../../../definitions/IOutboxEntry';
import type { IDeliveryResult, IPushDelivery, IPushTransport } from '../../../definitions/IPushTransport';
import { computeNextAttempt } from '../../../lib/delivery/computeNextAttempt';
import { isPushError } from '../../../lib/errors';
import type { IOutboxSettlement, OutboxModel } from './OutboxModel';
import type { IRouteGuard } from './IRouteGuard';
import { Semaphore } from './Semaphore';
import { toDelivery } from './toDelivery';

export interface IWorkerLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

/** What happened to one claimed entry; handed to observers (metrics, hooks, the delivery log). */
export interface ISettledDelivery {
  entry: IOutboxEntry;
  result: IDeliveryResult;
  state: OutboxState;
  nextAttemptAt?: Date;
}

export interface IOutboxWorkerOptions {
  outbox: OutboxModel;
  /** The transport for the current settings, asked for every batch: a settings change applies to the next push. */
  transport: () => IPushTransport;
  guard: IRouteGuard;
  /** Retry bounds, read for every outcome so a settings change applies at once. */
  policy: () => { maxAttempts: number; maxAgeMs: number };
  /** The provider declared the device dead: remove it (the worker has already recorded the outcome). */
  onInvalidToken: (entry: IOutboxEntry, result: IDeliveryResult) => Promise<void>;
  /** Observers of every outcome (metrics, `afterPushDelivered`); errors are logged, never rethrown. */
  onSettled?: (settled: ISettledDelivery[]) => Promise<void> | void;
  logger: IWorkerLogger;
  clock?: () => Date;
  random?: () => number;
  /** @defaultValue a random UUID */
  workerId?: string;
  /** How long a claim lasts before another worker may take the entry over. @defaultValue 60000 */
  leaseMs?: number;
  /** Entries claimed per round trip. @defaultValue 200 */
  batchSize?: number;
  /** Deliveries in flight in this process, across routes. @defaultValue 1000 */
  maxInFlight?: number;
  /** Concurrent `send` calls per route (a bulkhead: one slow route cannot take every slot). @defaultValue 8 */
  routeConcurrency?: number;
  /** Deliveries per `send` call. @defaultValue 50 */
  chunkSize?: number;
  /**
   * Longest sleep when nothing is due. Work enqueued in this process wakes the worker at once (`wake()`); the
   * poll only picks up work enqueued by other instances and retries that became due. @defaultValue 1000
   */
  pollIntervalMs?: number;
  /** Sleep after a database error before trying again. @defaultValue 1000 */
  errorBackoffMs?: number;
}

/**
 * Delivers what the outbox holds: claims due entries in batches, sends them through the current transport with a
 * bulkhead per route, and records each outcome durably. Nothing is retried by an in-memory timer alone: a retry is
 * a `nextAttemptAt` in the database, and the worker's timers only decide when to look again.
 */
export class OutboxWorker {
  readonly workerId: string;
  private readonly clock: () => Date;
  private readonly random: () => number;
  private readonly leaseMs: number;
  private readonly batchSize: number;
  private readonly maxInFlight: number;
  private readonly routeConcurrency: number;
  private readonly chunkSize: number;
  private readonly pollIntervalMs: number;
  private readonly errorBackoffMs: number;
  private readonly routeSlots = new Map<string, Semaphore>();
  private readonly tasks = new Set<Promise<void>>();
  private running = false;
  private pumping = false;
  private wakeRequested = false;
  private inFlight = 0;
  private claimSeq = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  /** From the last claim: when the next pending entry it did not take becomes due (null: none). */
  private nextDueAt: Date | null = null;
  /** The last look stopped because `maxInFlight` deliveries were out: finishing one should look again. */
  private capped = false;

  constructor(private readonly options: IOutboxWorkerOptions) {
    this.workerId = options.workerId ?? randomUUID();
    this.clock = options.clock ?? (() => new Date());
    this.random = options.random ?? Math.random;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.batchSize = options.batchSize ?? 200;
    this.maxInFlight = options.maxInFlight ?? 1000;
    this.routeConcurrency = options.routeConcurrency ?? 8;
    this.chunkSize = options.chunkSize ?? 50;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.errorBackoffMs = options.errorBackoffMs ?? 1000;
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** The worker's batching and concurrency settings (the benchmark's like-for-like ceiling uses them). */
  get limits(): { batchSize: number; maxInFlight: number; routeConcurrency: number; chunkSize: number } {
    return { batchSize: this.batchSize, maxInFlight: this.maxInFlight, routeConcurrency: this.routeConcurrency, chunkSize: this.chunkSize };
  }

  /** Deliveries currently being sent by this worker. */
  get deliveriesInFlight(): number {
    return this.inFlight;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.wake();
  }

  /** Look for due work now (called after an enqueue in this process). */
  wake(): void {
    if (!this.running) return;
    void this.pump();
  }

  /** Stops claiming and waits for the deliveries in flight to be recorded. */
  async stop(): Promise<void> {
    this.running = false;
    this.clearTimer();
    while (this.tasks.size > 0) await Promise.allSettled([...this.tasks]);
  }

  private async pump(): Promise<void> {
    if (this.pumping) {
      this.wakeRequested = true;
      return;
    }
    this.pumping = true;
    let retryInMs: number | undefined;
    try {
      do {
        this.wakeRequested = false;
        while (this.running && this.inFlight < this.maxInFlight) {
          const claimId = `${this.workerId}:${++this.claimSeq}`;
          const limit = Math.min(this.batchSize, this.maxInFlight - this.inFlight);
          const now = this.clock();
          const { entries, nextDueAt } = await this.options.outbox.claim(claimId, now, this.leaseMs, limit);
          this.nextDueAt = nextDueAt;
          if (entries.length > 0) this.track(this.dispatch(claimId, entries));
          // The claim saw the front of the queue: stop unless more entries are due already (no empty claim).
          if (nextDueAt === null || nextDueAt.getTime() > now.getTime()) break;
        }
        this.capped = this.inFlight >= this.maxInFlight;
      } while (this.running && this.wakeRequested);
    } catch (error) {
      // The database is unreachable or refused the claim: pause, then look again. Nothing is lost; claimed
      // entries whose outcome could not be recorded become due again when their lease runs out.
      this.options.logger.warn({ err: errorSummary(error) }, 'outbox claim failed; retrying shortly');
      retryInMs = this.errorBackoffMs;
    } finally {
      this.pumping = false;
    }
    this.scheduleNextLook(retryInMs);
  }

  private track(task: Promise<void>): void {
    this.tasks.add(task);
    void task.finally(() => {
      this.tasks.delete(task);
      // Freed capacity matters only if the last look stopped at the in-flight cap; otherwise nothing became due
      // (retries recorded by the task armed the timer for their own time).
      if (this.capped) this.wake();
    });
  }

  /** Arms one timer for the next due entry (or the poll interval, whichever comes first). */
  private scheduleNextLook(forcedDelayMs?: number): void {
    if (!this.running) return;
    let delayMs = forcedDelayMs ?? this.pollIntervalMs;
    if (forcedDelayMs === undefined && this.inFlight < this.maxInFlight && this.nextDueAt) {
      // The last claim saw when the next pending entry becomes due.
      delayMs = Math.min(delayMs, Math.max(0, this.nextDueAt.getTime() - this.clock().getTime()));
    }
    this.armTimer(delayMs);
  }

  /** Looks again in `delayMs` unless a look is already planned sooner. */
  private armTimer(delayMs: number): void {
    if (!this.running) return;
    const at = Date.now() + delayMs;
    if (this.timer && this.timerAt <= at) return;
    this.clearTimer();
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.wake();
    }, delayMs);
    this.timer.unref?.();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }

  private async dispatch(claimId: string, entries: IOutboxEntry[]): Promise<void> {
    this.inFlight += entries.length;
    try {
      const now = this.clock();
      const transport = this.options.transport();
      const expired: IOutboxEntry[] = [];
      const byRoute = new Map<string, IClaimed[]>();
      for (const entry of entries) {
        if (entry.expiresAt.getTime() <= now.getTime()) {
          expired.push(entry);
          continue;
        }
        // Each entry becomes a delivery once: the route and the transport both read it.
        const delivery = toDelivery(entry);
        const route = transport.routeOf(delivery);
        const group = byRoute.get(route);
        if (group) group.push({ entry, delivery });
        else byRoute.set(route, [{ entry, delivery }]);
      }
      const work: Promise<void>[] = [];
      if (expired.length > 0) {
        work.push(this.record(claimId, expired.map((e) => [e, expiredResult(e)])));
      }
      for (const [route, group] of byRoute) work.push(this.sendRoute(claimId, transport, route, group));
      await Promise.all(work);
    } finally {
      this.inFlight -= entries.length;
    }
  }

  private async sendRoute(claimId: string, transport: IPushTransport, route: string, claimed: IClaimed[]): Promise<void> {
    const admission = this.options.guard.admit(route, this.clock());
    if (!admission.allowed) {
      // The route's circuit is open: do not touch it, and do not count this as an attempt.
      await this.record(
        claimId,
        claimed.map(({ entry: e }) => [e, { id: e._id, outcome: 'retry', reason: 'CIRCUIT_OPEN', route, retryAfterMs: 0 }]),
        { circuitOpenUntil: admission.retryAt },
      );
      return;
    }
    if (admission.maxDeliveries !== undefined && claimed.length > admission.maxDeliveries) {
      // A half-open circuit lets a probe through; the rest wait for its answer.
      const waiting = claimed.splice(admission.maxDeliveries);
      await this.record(
        claimId,
        waiting.map(({ entry: e }) => [e, { id: e._id, outcome: 'retry', reason: 'CIRCUIT_PROBING', route }]),
        { circuitOpenUntil: new Date(this.clock().getTime() + 1000) },
      );
    }
    const slots = this.slotsFor(route);
    const chunks: Promise<void>[] = [];
    for (let i = 0; i < claimed.length; i += this.chunkSize) {
      const chunk = claimed.slice(i, i + this.chunkSize);
      chunks.push(
        (async () => {
          await slots.acquire();
          let results: IDeliveryResult[];
          try {
            results = await this.sendChunk(transport, route, chunk.map((c) => c.delivery));
          } finally {
            // The slot bounds sends to the route; recording the outcomes is a database write, and the next chunk
            // need not wait for it.
            slots.release();
          }
          await this.record(claimId, pairResults(chunk, results, route));
        })(),
      );
    }
    await Promise.all(chunks);
  }

  private async sendChunk(transport: IPushTransport, route: string, deliveries: IPushDelivery[]): Promise<IDeliveryResult[]> {
    try {
      return await transport.send(deliveries);
    } catch (error) {
      // A transport throws only when it cannot work at all (e.g. credentials missing). The pushes wait for an
      // admin to fix it, within their age bound; health and push.test say what is wrong.
      const notConfigured = isPushError(error, 'PUSH_ERR_TRANSPORT_NOT_CONFIGURED');
      const reason = isPushError(error) ? error.code : 'TRANSPORT_ERROR';
      return deliveries.map((d) => ({
        id: d.id,
        outcome: 'retry' as const,
        reason,
        route,
        routeHealth: notConfigured ? ('unhealthy' as const) : ('failure' as const),
        detail: error instanceof Error ? error.message : String(error),
      }));
    }
  }

  private async record(
    claimId: string,
    pairs: Array<[IOutboxEntry, IDeliveryResult]>,
    options: { circuitOpenUntil?: Date } = {},
  ): Promise<void> {
    const now = this.clock();
    const policy = this.options.policy();
    const settlements: IOutboxSettlement[] = [];
    const settled: ISettledDelivery[] = [];
    const deadTokens: Array<[IOutboxEntry, IDeliveryResult]> = [];
    let previous: IOutboxAttempt | undefined;
    for (const [entry, result] of pairs) {
      if (!options.circuitOpenUntil && result.reason !== 'EXPIRED') {
        this.options.guard.record(result.route, result.routeHealth ?? 'ok', now);
      }
      let state: OutboxState;
      let nextAttemptAt: Date | undefined;
      switch (result.outcome) {
        case 'delivered':
          state = 'delivered';
          break;
        case 'invalid-token':
          state = 'invalid-token';
          deadTokens.push([entry, result]);
          break;
        case 'rejected':
          state = result.reason === 'EXPIRED' ? 'expired' : 'rejected';
          break;
        case 'retry': {
          if (options.circuitOpenUntil) {
            nextAttemptAt = options.circuitOpenUntil;
          } else {
            const maxAgeMs = Math.min(policy.maxAgeMs, entry.expiresAt.getTime() - entry.createdAt.getTime());
            nextAttemptAt =
              computeNextAttempt({
                attempts: Math.max(1, entry.attempts),
                now,
                createdAt: entry.createdAt,
                maxAttempts: policy.maxAttempts,
                maxAgeMs,
                retryAfterMs: result.retryAfterMs,
                random: this.random,
              }) ?? undefined;
          }
          state = nextAttemptAt ? 'retry' : 'expired';
          break;
        }
      }
      settlements.push({
        id: entry._id,
        claimId,
        state,
        nextAttemptAt,
        deliveredAt: state === 'delivered' ? now : undefined,
        refundAttempt: options.circuitOpenUntil !== undefined,
        attempt: (previous = attemptOf(result, now, previous)),
        now,
      });
      settled.push({ entry, result, state, nextAttemptAt });
    }
    // A retry becomes due at its own time: look again then (the poll interval bounds it anyway).
    let earliestRetry = Infinity;
    for (const s of settlements) if (s.state === 'retry' && s.nextAttemptAt) earliestRetry = Math.min(earliestRetry, s.nextAttemptAt.getTime());
    try {
      await this.options.outbox.settle(settlements);
      if (earliestRetry < Infinity) this.armTimer(Math.max(0, earliestRetry - this.clock().getTime()));
    } catch (error) {
      this.options.logger.error({ err: errorSummary(error), count: settlements.length }, 'could not record delivery outcomes; the entries will be retried when their lease ends');
      return;
    }
    for (const [entry, result] of deadTokens) {
      try {
        await this.options.onInvalidToken(entry, result);
      } catch (error) {
        this.options.logger.warn({ err: errorSummary(error), tokenId: entry.tokenId }, 'could not remove a dead device token');
      }
    }
    if (this.options.onSettled) {
      try {
        await this.options.onSettled(settled);
      } catch (error) {
        this.options.logger.warn({ err: errorSummary(error) }, 'a delivery observer failed');
      }
    }
  }

  private slotsFor(route: string): Semaphore {
    let slots = this.routeSlots.get(route);
    if (!slots) {
      slots = new Semaphore(this.routeConcurrency);
      this.routeSlots.set(route, slots);
    }
    return slots;
  }
}

function expiredResult(entry: IOutboxEntry): IDeliveryResult {
  return { id: entry._id, outcome: 'rejected', reason: 'EXPIRED', route: 'none', detail: 'the push passed its maximum age before it could be delivered' };
}

function missingResult(entry: IOutboxEntry, route: string): IDeliveryResult {
  return { id: entry._id, outcome: 'retry', reason: 'NO_RESULT', route, routeHealth: 'failure', detail: 'the transport returned no result for this delivery' };
}

function errorSummary(error: unknown): { message: string; code?: unknown } {
  if (error instanceof Error) return { message: error.message, code: (error as { code?: unknown }).code };
  return { message: String(error) };
}

/**
 * The attempt record of a result (BSON stores `undefined` as null: absent fields stay absent). The previous
 * record when it says the same (a chunk's answers mostly do): settlements sharing one record are recognised as
 * one update at a glance, and the chunk allocates one record instead of one per push.
 */
function attemptOf(result: IDeliveryResult, at: Date, previous?: IOutboxAttempt): IOutboxAttempt {
  if (
    previous !== undefined &&
    previous.at === at &&
    previous.outcome === result.outcome &&
    previous.route === result.route &&
    previous.status === result.status &&
    previous.reason === result.reason &&
    previous.detail === result.detail
  ) {
    return previous;
  }
  const attempt: IOutboxAttempt = { at, outcome: result.outcome };
  if (result.route !== undefined) attempt.route = result.route;
  if (result.status !== undefined) attempt.status = result.status;
  if (result.reason !== undefined) attempt.reason = result.reason;
  if (result.detail !== undefined) attempt.detail = result.detail;
  return attempt;
}

/** An entry of a claim and the delivery the transport gets for it (built once per entry). */
interface IClaimed {
  entry: IOutboxEntry;
  delivery: IPushDelivery;
}

/**
 * Each entry of a chunk with its result. Transports answer in input order, which is checked entry by entry; any
 * other order is matched by id, and an entry without a result gets one saying so.
 */
function pairResults(chunk: IClaimed[], results: IDeliveryResult[], route: string): Array<[IOutboxEntry, IDeliveryResult]> {
  const pairs = new Array<[IOutboxEntry, IDeliveryResult]>(chunk.length);
  let byId: Map<string, IDeliveryResult> | undefined;
  for (let i = 0; i < chunk.length; i++) {
    const entry = chunk[i].entry;
    let result: IDeliveryResult | undefined = results[i];
    if (result?.id !== entry._id) {
      byId ??= new Map(results.map((r) => [r.id, r]));
      result = byId.get(entry._id);
    }
    pairs[i] = [entry, result ?? missingResult(entry, route)];
  }
  return pairs;
}
