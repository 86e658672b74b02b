/**
 * Peak resident set size during one scenario, sampled (process.resourceUsage().maxRSS is the process's
 * lifetime peak, which cannot tell scenarios apart).
 */
export class PeakRss {
  private peak = 0;
  private timer: NodeJS.Timeout | undefined;

  start(intervalMs = 25): void {
    this.peak = process.memoryUsage.rss();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  sample(): void {
    this.peak = Math.max(this.peak, process.memoryUsage.rss());
  }

  /** Stops sampling; the peak in MiB. */
  stop(): number {
    this.sample();
    clearInterval(this.timer);
    return Math.round((this.peak / 1024 / 1024) * 10) / 10;
  }
}

/** Runs `fn` while sampling RSS. */
export async function withPeakRss<T>(fn: () => Promise<T>): Promise<{ result: T; peakRssMiB: number }> {
  const rss = new PeakRss();
  rss.start();
  try {
    const result = await fn();
    return { result, peakRssMiB: rss.stop() };
  } catch (error) {
    rss.stop();
    throw error;
  }
}
