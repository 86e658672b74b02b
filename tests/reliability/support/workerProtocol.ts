import type { IOutboxWorkerOptions } from '../../../server/push/outbox/OutboxWorker';

/** What a worker child needs (passed as JSON in RELIABILITY_WORKER). */
export interface WorkerChildConfig {
  mongoUrl: string;
  dbName: string;
  workerId: string;
  apns: { key: string; keyId: string; teamId: string; host: string; port: number; ca: string };
  worker: Partial<Pick<IOutboxWorkerOptions, 'leaseMs' | 'batchSize' | 'maxInFlight' | 'routeConcurrency' | 'chunkSize' | 'pollIntervalMs' | 'errorBackoffMs'>>;
}

export type WorkerChildMessage =
  | { type: 'ready'; pid: number }
  | { type: 'claimed'; claimId: string; ids: string[]; at: number }
  | { type: 'settled'; outcomes: Array<{ id: string; state: string }> }
  | { type: 'stopped' };
