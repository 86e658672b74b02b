/**
 * What a simulator accepted, per device token, with event-based waiting (no polling loops). Bounded: past
 * `maxEntries` the oldest pushes are dropped, so a 20,000-push benchmark or a long `npm start` stays lean.
 */

import { PushError } from '../../lib/errors';

interface Waiter<T> {
  matches: (inbox: Inbox<T>, entry: T | undefined) => boolean;
  settle: () => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export class Inbox<T> {
  private entries: T[] = [];
  private head = 0;
  private readonly byKey = new Map<string, T[]>();
  private readonly waiters = new Set<Waiter<T>>();
  /** Accepted since the last clear(), including entries dropped for room. */
  private added = 0;

  constructor(
    private readonly keyOf: (entry: T) => string,
    private readonly maxEntries = 25_000,
  ) {}

  get size(): number {
    return this.entries.length - this.head;
  }

  add(entry: T): void {
    this.entries.push(entry);
    const key = this.keyOf(entry);
    const list = this.byKey.get(key);
    if (list) list.push(entry);
    else this.byKey.set(key, [entry]);
    this.added++;
    if (this.size > this.maxEntries) this.dropOldest();
    for (const waiter of this.waiters) if (waiter.matches(this, entry)) waiter.settle();
  }

  /** Entries for one key (device token), oldest first. */
  list(key: string): T[] {
    return [...(this.byKey.get(key) ?? [])];
  }

  /** Every entry held, oldest first. */
  all(): T[] {
    return this.entries.slice(this.head);
  }

  /** Forgets every entry (or one key's); returns how many. */
  clear(key?: string): number {
    if (key === undefined) {
      const count = this.size;
      this.entries = [];
      this.head = 0;
      this.byKey.clear();
      this.added = 0;
      return count;
    }
    const list = this.byKey.get(key);
    if (!list) return 0;
    this.byKey.delete(key);
    const gone = new Set(list);
    this.entries = this.all().filter((e) => !gone.has(e));
    this.head = 0;
    this.added -= list.length;
    return list.length;
  }

  /**
   * Resolves with the first entry (already held or still to come) matching `predicate`, or, given a number, with
   * every held entry once that many were accepted since the last clear(). Rejects after `timeoutMs`.
   */
  waitFor(predicate: (entry: T) => boolean, timeoutMs?: number): Promise<T>;
  waitFor(count: number, timeoutMs?: number): Promise<T[]>;
  waitFor(condition: ((entry: T) => boolean) | number, timeoutMs = 5000): Promise<T | T[]> {
    if (typeof condition === 'number') {
      if (this.added >= condition) return Promise.resolve(this.all());
      return this.wait(
        (inbox) => inbox.added >= condition,
        () => this.all(),
        timeoutMs,
        `${condition} pushes`,
      );
    }
    const existing = this.all().find(condition);
    if (existing !== undefined) return Promise.resolve(existing);
    let found: T | undefined;
    return this.wait(
      (_inbox, entry) => {
        if (entry !== undefined && condition(entry)) found = entry;
        return found !== undefined;
      },
      () => found as T,
      timeoutMs,
      'a push matching the condition',
    );
  }

  /** Rejects every pending waitFor (the simulator is stopping). */
  close(): void {
    for (const waiter of this.waiters) waiter.reject(new PushError('PUSH_ERR_NOT_FOUND', ['push simulator stopped; the awaited push was']));
  }

  private wait<R>(
    matches: Waiter<T>['matches'],
    result: () => R,
    timeoutMs: number,
    description: string,
  ): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const waiter: Waiter<T> = {
        matches,
        settle: () => {
          this.waiters.delete(waiter);
          clearTimeout(waiter.timer);
          resolve(result());
        },
        reject: (error) => {
          this.waiters.delete(waiter);
          clearTimeout(waiter.timer);
          reject(error);
        },
        timer: setTimeout(() => {
          waiter.reject(
            new PushError('PUSH_ERR_NOT_FOUND', [`within ${timeoutMs} ms (${this.added} pushes received), ${description}`]),
          );
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  private dropOldest(): void {
    const oldest = this.entries[this.head];
    this.head++;
    const list = this.byKey.get(this.keyOf(oldest));
    // The globally oldest entry is also the oldest of its key.
    if (list) {
      list.shift();
      if (list.length === 0) this.byKey.delete(this.keyOf(oldest));
    }
    if (this.head > 4096 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }
}
