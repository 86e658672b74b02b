import { fork } from 'node:child_process';
import path from 'node:path';

const HOOK = path.resolve(__dirname, '../../support/transpileHook.js');
const CHILD = path.resolve(__dirname, 'databaseChild.ts');

/** Starts the embedded server in a child process; resolves with its URL and a stop function. */
export async function forkDatabase(): Promise<{ url: string; stop(): Promise<void> }> {
  const child = fork(CHILD, [], { execArgv: ['-r', HOOK], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`database child exited (${code})`)));
    child.on('message', (message: { type?: string; url?: string }) => {
      if (message.type === 'listening' && message.url) resolve(message.url);
    });
  });
  return {
    url,
    async stop() {
      if (child.exitCode !== null) return;
      child.send({ type: 'stop' });
      // The grace timer is cleared once the child is gone: left running, it would hold this process (a jest
      // worker) open for its five seconds.
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((resolve) => (grace = setTimeout(resolve, 5_000)))]);
      clearTimeout(grace);
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
