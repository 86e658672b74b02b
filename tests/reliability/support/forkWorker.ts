import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { WorkerChildConfig, WorkerChildMessage } from './workerProtocol';

const HOOK = path.resolve(__dirname, '../../support/transpileHook.js');
const CHILD = path.resolve(__dirname, 'workerChild.ts');

export interface ForkedWorker {
  readonly id: string;
  readonly child: ChildProcess;
  /** Entry ids each claim took, with when (ms since epoch). */
  readonly claims: Array<{ claimId: string; ids: string[]; at: number }>;
  /** Outcomes this worker recorded, by state. */
  readonly settled: Map<string, number>;
  ready: Promise<void>;
  exited: Promise<number | null>;
  /** Graceful: stop claiming, finish what is in flight, close. */
  stop(): Promise<void>;
  /** SIGKILL: no cleanup at all, as a crash or an OOM kill. */
  kill(): Promise<void>;
}

/** Starts an outbox worker in a separate Node process running our TypeScript through the transpile hook. */
export function forkWorker(config: WorkerChildConfig): ForkedWorker {
  const child = fork(CHILD, [], {
    execArgv: ['-r', HOOK],
    env: { ...process.env, RELIABILITY_WORKER: JSON.stringify(config) },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const claims: ForkedWorker['claims'] = [];
  const settled = new Map<string, number>();
  let onStopped: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (onStopped = resolve));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`worker ${config.workerId} exited (${code}) before it was ready`)));
    child.on('message', (message: WorkerChildMessage) => {
      if (message.type === 'ready') resolve();
      else if (message.type === 'claimed') claims.push({ claimId: message.claimId, ids: message.ids, at: message.at });
      else if (message.type === 'settled') for (const o of message.outcomes) settled.set(o.state, (settled.get(o.state) ?? 0) + 1);
      else if (message.type === 'stopped') onStopped();
    });
  });
  ready.catch(() => undefined);
  return {
    id: config.workerId,
    child,
    claims,
    settled,
    ready,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.send({ type: 'stop' });
      await Promise.race([stopped, exited]);
      await exited;
    },
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}
