import { spawn } from 'node:child_process';
import path from 'node:path';

export interface ForkedDatabase {
  url: string;
  stop(): Promise<void>;
}

/**
 * The embedded MongoDB-compatible server in a process of its own (`npm run db`'s entry point), as a MongoDB server
 * is in any deployment: the database's work then runs beside the module's instead of interleaved with it on one
 * thread, so parallel queries overlap the way they do against a real server. Both a scenario and its ceiling talk
 * to the same server.
 */
export async function forkEmbeddedDatabase(): Promise<ForkedDatabase> {
  // dist/tests/bench → dist/server/embedded-mongo/cli.js
  const cli = path.resolve(__dirname, '../../server/embedded-mongo/cli.js');
  const child = spawn(process.execPath, [cli, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (mongodb:\/\/\S+)/.exec(output);
      if (match) {
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the embedded database exited early (code ${code}): ${output}`)));
  });
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
