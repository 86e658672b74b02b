import type { HealthCheck, IHealthCheckResult, IHealthRegistry, IHealthReport } from '../../../definitions/IHost';

/** Named readiness checks run by `/healthz`; plugins add their own (e.g. the push routes' state). */
export class HealthRegistry implements IHealthRegistry {
  private readonly checks = new Map<string, HealthCheck>();

  constructor(private readonly timeoutMs = 3_000) {}

  register(name: string, check: HealthCheck): void {
    if (typeof check !== 'function') throw new TypeError(`health check "${name}" must be a function`);
    this.checks.set(name, check);
  }

  unregister(name: string): void {
    this.checks.delete(name);
  }

  async run(): Promise<IHealthReport> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]) => [name, await this.runOne(check)] as const),
    );
    const checks = Object.fromEntries(entries);
    return { ok: entries.every(([, result]) => result.ok), checks };
  }

  private async runOne(check: HealthCheck): Promise<IHealthCheckResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<IHealthCheckResult>((resolve) => {
      timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${this.timeoutMs} ms` }), this.timeoutMs);
    });
    try {
      const result = await Promise.race([Promise.resolve().then(check), timeout]);
      return result && typeof result.ok === 'boolean' ? result : { ok: false, detail: 'check returned no result' };
    } catch (err) {
      return { ok: false, detail: err instanceof Error ? err.message : 'check failed' };
    } finally {
      clearTimeout(timer);
    }
  }
}
