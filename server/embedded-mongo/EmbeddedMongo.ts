import { PushError } from '../../lib/errors';
import { CommandDispatcher } from './CommandDispatcher';
import { CursorManager } from './CursorManager';
import { Persistence } from './storage/Persistence';
import { Storage } from './storage/Storage';
import { WireServer } from './WireServer';

export interface EmbeddedMongoOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind; default 127.0.0.1 (never exposed beyond the machine unless asked). */
  host?: string;
  /** Directory for BSON snapshots (loaded at start, written on stop and every persistIntervalMs). Unset = memory only. */
  dbPath?: string;
  /** How often a snapshot is written when dbPath is set (only if something changed); default 60 s. */
  persistIntervalMs?: number;
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
  /**
   * Test hook: drops every client connection and stops listening, keeping the data, as a network outage or a
   * restart of the database would (open cursors are forgotten, as after a restart). Clients see connection errors
   * until `resume()`.
   */
  suspend(): Promise<void>;
  /** Listens again on the same host and port after `suspend()`. */
  resume(): Promise<void>;
}

/**
 * Starts the embedded MongoDB-compatible server in this process. Nothing runs until this is called.
 * Rejects with PushError `PUSH_ERR_DB_START_FAILED` when it cannot listen or load its dbPath.
 */
export async function startEmbeddedMongo(options: EmbeddedMongoOptions = {}): Promise<EmbeddedMongo> {
  const host = options.host ?? '127.0.0.1';
  const storage = new Storage();
  const cursors = new CursorManager();
  const persistence = options.dbPath ? new Persistence(options.dbPath, storage) : undefined;
  const dispatcher = new CommandDispatcher(storage, cursors);
  const wire = new WireServer(dispatcher);
  let port: number;
  try {
    persistence?.load();
    port = await wire.listen(options.port ?? 0, host);
  } catch (error) {
    // EADDRINUSE, EACCES, an unreadable dbPath...: one typed error the host can report.
    throw new PushError('PUSH_ERR_DB_START_FAILED', [(error as Error).message], { host, port: options.port ?? 0, dbPath: options.dbPath });
  }

  const persistTimer = persistence
    ? setInterval(() => {
        try {
          persistence.save();
        } catch (error) {
          process.emitWarning(`embedded MongoDB snapshot failed: ${(error as Error).message}`);
        }
      }, options.persistIntervalMs ?? 60_000)
    : undefined;
  persistTimer?.unref();

  const ttlTimer = setInterval(() => storage.sweepExpired(new Date()), options.ttlSweepIntervalMs ?? 60_000);
  ttlTimer.unref();
  const cursorTimeout = options.cursorTimeoutMs ?? 10 * 60_000;
  const cursorTimer = setInterval(() => cursors.sweepIdle(cursorTimeout), Math.min(60_000, cursorTimeout));
  cursorTimer.unref();

  let stopped: Promise<void> | undefined;
  let suspended = false;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `mongodb://${urlHost}:${port}/?directConnection=true`,
    port,
    host,
    stop() {
      stopped ??= (async () => {
        clearInterval(ttlTimer);
        clearInterval(cursorTimer);
        clearInterval(persistTimer);
        await wire.close();
        cursors.clear();
        persistence?.save();
      })();
      return stopped;
    },
    stats: () => storage.stats.snapshot(),
    resetStats: () => storage.stats.reset(),
    sweepExpired: (now = new Date()) => storage.sweepExpired(now),
    async suspend() {
      if (stopped || suspended) return;
      suspended = true;
      await wire.close();
      cursors.clear();
    },
    async resume() {
      if (stopped || !suspended) return;
      await wire.listen(port, host);
      suspended = false;
    },
  };
}
