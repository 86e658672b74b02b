/**
 * One outbox worker process for the reliability suite (started by `forkWorker`, never by jest): the real
 * OutboxWorker with the real ApnsTransport (node-apn) and a circuit breaker per route, on its own MongoDB
 * connection. It reports to the parent over IPC: `ready`, every claim (`claimed`: ids and time, so the parent can
 * tell what a killed worker held), every recorded outcome (`settled`), and `stopped` after a graceful `stop`.
 */
import { MongoClient } from 'mongodb';
import { OutboxModel, type IOutboxClaim } from '../../../server/push/outbox/OutboxModel';
import { OutboxWorker } from '../../../server/push/outbox/OutboxWorker';
import { CircuitBreakerGuard } from '../../../server/push/outbox/CircuitBreakerGuard';
import { ApnsTransport } from '../../../server/transports/ApnsTransport';
import type { WorkerChildConfig, WorkerChildMessage } from './workerProtocol';

const config = JSON.parse(process.env.RELIABILITY_WORKER ?? '{}') as WorkerChildConfig;
const send = (message: WorkerChildMessage) => process.send?.(message);

/** The outbox, telling the parent what each claim took (before anything is sent). */
class ReportingOutbox extends OutboxModel {
  override async claim(claimId: string, now: Date, leaseMs: number, limit: number): Promise<IOutboxClaim> {
    const claim = await super.claim(claimId, now, leaseMs, limit);
    if (claim.entries.length > 0) send({ type: 'claimed', claimId, ids: claim.entries.map((e) => e._id), at: now.getTime() });
    return claim;
  }
}

async function main(): Promise<void> {
  const client = new MongoClient(config.mongoUrl, { serverSelectionTimeoutMS: 20_000 });
  await client.connect();
  const outbox = new ReportingOutbox(client.db(config.dbName));
  const transport = new ApnsTransport({
    credentials: { kind: 'token', key: config.apns.key, keyId: config.apns.keyId, teamId: config.apns.teamId },
    production: false,
    endpoint: { host: config.apns.host, port: config.apns.port },
    ca: config.apns.ca,
  });
  const worker = new OutboxWorker({
    outbox,
    transport: () => transport,
    guard: new CircuitBreakerGuard(),
    policy: () => ({ maxAttempts: 10, maxAgeMs: 3600_000 }),
    onInvalidToken: async () => undefined,
    onSettled: (settled) => void send({ type: 'settled', outcomes: settled.map((s) => ({ id: s.entry._id, state: s.state })) }),
    logger: { warn: () => undefined, error: () => undefined, debug: () => undefined },
    workerId: config.workerId,
    ...config.worker,
  });
  process.on('message', (message: { type?: string }) => {
    if (message?.type !== 'stop') return;
    void (async () => {
      await worker.stop();
      await transport.close();
      await client.close();
      send({ type: 'stopped' });
      process.exit(0);
    })();
  });
  worker.start();
  send({ type: 'ready', pid: process.pid });
}

main().catch((error) => {
  process.stderr.write(`worker ${config.workerId} failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
