/** At most one action per key per `intervalMs` (in memory, per instance: a politeness limit, not a quota). */
export class PerKeyRateLimit {
  private readonly last = new Map<string, number>();

  constructor(private readonly intervalMs: number) {}

  /** Takes the slot for `key` and returns 0, or returns how long to wait without taking it. */
  take(key: string, nowMs: number): number {
    const previous = this.last.get(key);
    if (previous !== undefined && nowMs - previous < this.intervalMs) return this.intervalMs - (nowMs - previous);
    this.last.set(key, nowMs);
    if (this.last.size > 10_000) this.prune(nowMs);
    return 0;
  }

  private prune(nowMs: number): void {
    for (const [key, at] of this.last) if (nowMs - at >= this.intervalMs) this.last.delete(key);
  }
}
