import { CommandDispatcher } from './CommandDispatcher';
import { CursorManager } from './CursorManager';
import { Storage } from './storage/Storage';
import { WireServer } from './WireServer';

export interface EmbeddedMongoOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind; default 127.0.0.1 (never exposed beyond the machine unless asked). */
  host?: string;
  /** Directory for BSON snapshots (loaded at start, written on stop and every persistIntervalMs). Unset = memory only. */
  dbPath?: string;
  /** How often the TTL monitor deletes expired documents; MongoDB's default is 60 s. */
  ttlSweepIntervalMs?: number;
  /** Idle cursors are dropped after this long (MongoDB: cursorTimeoutMillis = 10 min). */
  cursorTimeoutMs?: number;
}

export interface EmbeddedMongo {
  /** `mongodb://host:port/?directConnection=true` */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  /** Closes every connection and the listener, stops the timers (and writes a snapshot when dbPath is set). */
  stop(): Promise<void>;
  /** Query counters (docs examined, index lookups, collection scans) for tests that check index use. */
  stats(): { docsExamined: number; indexLookups: number; collectionScans: number };
  resetStats(): void;
  /** Runs the TTL monitor now; returns the number of documents removed. */
  sweepExpired(now?: Date): number;
}

/** Starts the embedded MongoDB-compatible server in this process. Nothing runs until this is called. */
export async function startEmbeddedMongo(options: EmbeddedMongoOptions = {}): Promise<EmbeddedMongo> {
  const host = options.host ?? '127.0.0.1';
  const storage = new Storage();
  const cursors = new CursorManager();
  const dispatcher = new CommandDispatcher(storage, cursors);
  const wire = new WireServer(dispatcher);
  const port = await wire.listen(options.port ?? 0, host);

  const ttlTimer = setInterval(() => storage.sweepExpired(new Date()), options.ttlSweepIntervalMs ?? 60_000);
  ttlTimer.unref();
  const cursorTimeout = options.cursorTimeoutMs ?? 10 * 60_000;
  const cursorTimer = setInterval(() => cursors.sweepIdle(cursorTimeout), Math.min(60_000, cursorTimeout));
  cursorTimer.unref();

  let stopped: Promise<void> | undefined;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `mongodb://${urlHost}:${port}/?directConnection=true`,
    port,
    host,
    stop() {
      stopped ??= (async () => {
        clearInterval(ttlTimer);
        clearInterval(cursorTimer);
        await wire.close();
        cursors.clear();
      })();
      return stopped;
    },
    stats: () => storage.stats.snapshot(),
    resetStats: () => storage.stats.reset(),
    sweepExpired: (now = new Date()) => storage.sweepExpired(now),
  };
}
