/**
 * The embedded MongoDB-compatible server in a process of its own (started by `forkDatabase`), so that a test
 * measuring its own heap does not count the database's documents. Sends `{url}` when listening; stops on `stop`.
 */
import { startEmbeddedMongo } from '../../../server/embedded-mongo';

async function main(): Promise<void> {
  const server = await startEmbeddedMongo({ port: 0 });
  process.on('message', (message: { type?: string }) => {
    if (message?.type === 'stop') void server.stop().then(() => process.exit(0));
  });
  process.send?.({ type: 'listening', url: server.url });
}

main().catch((error) => {
  process.stderr.write(`database child failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
