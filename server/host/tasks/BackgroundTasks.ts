import type { Logger } from 'pino';
import type { IBackgroundTasks } from '../../../definitions/IHost';

/**
 * Work the host starts but does not make a request wait for (the `afterSaveMessage` handlers). Nothing here is
 * fire-and-forget: every task is tracked, its failure logged, and `close()` / `idle()` wait for it.
 */
export class BackgroundTasks implements IBackgroundTasks {
  private readonly running = new Set<Promise<unknown>>();

  constructor(private readonly logger: Pick<Logger, 'error'>) {}

  get pending(): number {
    return this.running.size;
  }

  track(name: string, promise: Promise<unknown>): void {
    const tracked = promise
      .catch((err) => this.logger.error({ err, task: name }, 'background task failed'))
      .finally(() => this.running.delete(tracked));
    this.running.add(tracked);
  }

  async idle(): Promise<void> {
    // Loop: a task may track another while we wait.
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}
