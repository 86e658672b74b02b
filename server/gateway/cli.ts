/**
 * `npm run gateway` (= `node dist/server/gateway/cli.js`): the self-hosted push gateway. Sub-commands:
 *   (none) | serve            start the gateway (stops cleanly on SIGINT/SIGTERM)
 *   workspace <command> ...   register and manage workspaces (see `workspace help`)
 * Nothing runs at import: the entry is at the bottom.
 */
import { isPushError } from '../../lib/errors';
import { startGateway, type RunningGateway } from './startGateway';
import { runWorkspaceCommand } from './workspaceCommand';

const USAGE = `usage: node dist/server/gateway/cli.js [serve | workspace <command> ... | help]
Environment: GATEWAY_HOST (127.0.0.1), GATEWAY_PORT (4000), MONGO_URL (else the embedded database under
GATEWAY_DATA_DIR, default .data/gateway), GATEWAY_ADMIN_TOKEN, GATEWAY_DEFAULT_MONTHLY_QUOTA,
GATEWAY_RATE_LIMIT_PER_SECOND / _BURST, GATEWAY_APN_P8_FILE + GATEWAY_APN_KEY_ID + GATEWAY_APN_TEAM_ID (or
GATEWAY_APN_CERT_FILE + GATEWAY_APN_KEY_FILE [+ GATEWAY_APN_PASSPHRASE]), GATEWAY_APN_PRODUCTION,
GATEWAY_FCM_SERVICE_ACCOUNT_FILE, PUSH_APN_ENDPOINT, PUSH_APN_CA, PUSH_FCM_ENDPOINT, PUSH_SIMULATOR, LOG_LEVEL.
`;

async function serve(): Promise<void> {
  let running: RunningGateway;
  try {
    running = await startGateway();
  } catch (error) {
    process.stderr.write(`gateway could not start: ${(error as Error).message}\n`);
    process.exitCode = 1;
    return;
  }
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    running.gateway.core.logger.info({ signal }, 'gateway shutting down');
    const force = setTimeout(() => process.exit(1), 20_000);
    force.unref();
    running.stop().then(
      () => process.exit(0),
      (error) => {
        process.stderr.write(`gateway shutdown failed: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

async function main(argv: string[]): Promise<void> {
  const [command = 'serve', ...rest] = argv;
  switch (command) {
    case 'serve':
      return serve();
    case 'workspace':
    case 'workspaces':
      try {
        process.exitCode = await runWorkspaceCommand(rest);
      } catch (error) {
        process.stderr.write(`${isPushError(error) ? error.message : (error as Error).stack ?? String(error)}\n`);
        process.exitCode = isPushError(error, 'PUSH_ERR_INVALID_INPUT') ? 2 : 1;
      }
      return;
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return;
    default:
      process.stderr.write(`unknown command "${command}"\n${USAGE}`);
      process.exitCode = 2;
  }
}

if (require.main === module) void main(process.argv.slice(2));
