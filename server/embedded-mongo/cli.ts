/**
 * `npm run db -- --port N [--host H] [--dbpath DIR] [--ttl-interval-ms MS]`: the embedded server on its own, for
 * other tools to connect to. Stops cleanly on SIGINT/SIGTERM.
 */
import { startEmbeddedMongo, type EmbeddedMongoOptions } from './index';

function parseArgs(argv: string[]): EmbeddedMongoOptions {
  const options: EmbeddedMongoOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`missing value for ${flag}`);
      return v;
    };
    switch (flag) {
      case '--port':
        options.port = Number(value());
        if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) throw new Error(`invalid port: ${options.port}`);
        break;
      case '--host':
      case '--bind_ip':
        options.host = value();
        break;
      case '--dbpath':
      case '--dbPath':
        options.dbPath = value();
        break;
      case '--ttl-interval-ms':
        options.ttlSweepIntervalMs = Number(value());
        break;
      case '--help':
        process.stdout.write('usage: npm run db -- [--port N] [--host 127.0.0.1] [--dbpath DIR] [--ttl-interval-ms MS]\n');
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option: ${argv[i]}`);
    }
  }
  return options;
}

async function main(): Promise<void> {
  let options: EmbeddedMongoOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
  const server = await startEmbeddedMongo({ port: 27017, ...options });
  process.stdout.write(`embedded MongoDB-compatible server listening on ${server.url}\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal} received, stopping\n`);
    server.stop().then(
      () => process.exit(0),
      (error) => {
        process.stderr.write(`error while stopping: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error) => {
  process.stderr.write(`embedded MongoDB-compatible server could not start: ${(error as Error).message}\n`);
  process.exit(1);
});
