import type { ServerResponse } from 'node:http';
import type { IPushModule } from '../../push/createPushPlugin';
import type { ISettledDelivery } from '../../push/outbox/OutboxWorker';
import { settledToView } from './toDeliveryView';
import type { UserDirectory } from './UserDirectory';

export interface IDeliveryFeedOptions {
  events: IPushModule['events'];
  users: UserDirectory;
  clock: () => Date;
  /** Comment lines keep proxies from closing an idle stream. @defaultValue 15000 */
  heartbeatMs?: number;
  /** A client this far behind (bytes buffered) is dropped rather than buffered without bound. @defaultValue 1 MiB */
  maxBufferedBytes?: number;
  onError?: (error: unknown) => void;
}

/**
 * The live delivery log as Server-Sent Events: every outcome the push module records, converted once (usernames
 * looked up once per batch) and written to each connected admin. Listens to the module only while someone is
 * connected; a client that stops reading is disconnected (it reconnects and reloads the recent list).
 */
export class DeliveryFeed {
  private readonly clients = new Set<ServerResponse>();
  private heartbeat: NodeJS.Timeout | undefined;
  private sequence = 0;
  /** Batches are converted in order, so events leave in the order they were recorded. */
  private pending: Promise<void> = Promise.resolve();
  private readonly listener = (settled: ISettledDelivery[]) => {
    this.pending = this.pending.then(() => this.broadcast(settled)).catch((error) => this.options.onError?.(error));
  };

  constructor(private readonly options: IDeliveryFeedOptions) {}

  get size(): number {
    return this.clients.size;
  }

  /** Takes over a response: writes the SSE headers and keeps it until the client goes or `close()`. */
  add(response: ServerResponse): void {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      // nginx and friends buffer responses unless told not to.
      'x-accel-buffering': 'no',
    });
    response.write(`retry: 3000\n: connected\n\n`);
    this.clients.add(response);
    response.on('close', () => this.remove(response));
    if (this.clients.size === 1) this.start();
  }

  /** Ends every stream (the server is closing). */
  close(): void {
    for (const client of [...this.clients]) {
      client.end();
      this.remove(client);
    }
  }

  private start(): void {
    this.options.events.on('settled', this.listener);
    this.heartbeat = setInterval(() => this.write(': ping\n\n'), this.options.heartbeatMs ?? 15_000);
    this.heartbeat.unref();
  }

  private remove(client: ServerResponse): void {
    if (!this.clients.delete(client) || this.clients.size > 0) return;
    this.options.events.off('settled', this.listener);
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  private async broadcast(settled: ISettledDelivery[]): Promise<void> {
    if (this.clients.size === 0) return;
    const usernames = await this.options.users.usernames(settled.map((s) => s.entry.uid));
    const at = this.options.clock();
    const frames = settled.map((s) => `id: ${++this.sequence}\nevent: delivery\ndata: ${JSON.stringify(settledToView(s, usernames, at))}\n\n`);
    this.write(frames.join(''));
  }

  private write(text: string): void {
    const limit = this.options.maxBufferedBytes ?? 1024 * 1024;
    for (const client of [...this.clients]) {
      if (client.writableLength > limit) {
        client.destroy();
        this.remove(client);
        continue;
      }
      client.write(text);
    }
  }
}
