import cron, { type ScheduledTask } from 'node-cron';

export interface ICronJob {
  name: string;
  /** A cron expression (5 or 6 fields). */
  schedule: string;
  run: () => Promise<unknown>;
}

export interface ICronLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/**
 * The push module's scheduled jobs on node-cron: never overlapping (a slow purge is not started twice), each
 * failure logged and counted, all stopped by `stop()`. The jobs themselves are plain async functions, so tests
 * call them directly instead of waiting for a schedule.
 */
export class PushCron {
  private readonly tasks: ScheduledTask[] = [];
  readonly lastRuns = new Map<string, { at: Date; ok: boolean; result?: unknown; error?: string }>();

  constructor(private readonly jobs: readonly ICronJob[], private readonly logger: ICronLogger) {}

  start(): void {
    if (this.tasks.length > 0) return;
    for (const job of this.jobs) {
      // node-cron checks `fn instanceof Function`, which fails across realms (jest): always hand it an arrow.
      const task = cron.schedule(job.schedule, () => this.runJob(job), { name: job.name, noOverlap: true });
      this.tasks.push(task);
    }
  }

  /** Runs one job now (the admin page's "run now", and tests). */
  async runJob(job: ICronJob): Promise<void> {
    try {
      const result = await job.run();
      this.lastRuns.set(job.name, { at: new Date(), ok: true, result });
      if (result !== undefined) this.logger.info({ job: job.name, result }, 'push job finished');
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.lastRuns.set(job.name, { at: new Date(), ok: false, error: message });
      this.logger.warn({ job: job.name, err: message }, 'push job failed');
    }
  }

  async runByName(name: string): Promise<void> {
    const job = this.jobs.find((j) => j.name === name);
    if (job) await this.runJob(job);
  }

  async stop(): Promise<void> {
    for (const task of this.tasks.splice(0)) await task.destroy();
  }
}
