import type { IOutboxEntry } from '../../definitions/IOutboxEntry';
import { toApnsNotification } from '../../lib/providers/toApnsNotification';
import type { ISettledDelivery } from '../../server/push/outbox/OutboxWorker';
import { toDelivery } from '../../server/push/outbox/toDelivery';
import { providerToken, sendBare, type BareApnsRequest } from './bareApnsClient';
import { resetDelivery, type BenchEnv } from './benchEnv';
import { withPeakRss } from './memory';
import type { Progress } from './progress';
import { ratioOf, type ScenarioResult } from './scenario';
import { seedRoom } from './seed';
import { round } from './stats';

/** node-apn requests in flight per ApnsTransport.send call (its default `concurrency`). */
const APNS_TRANSPORT_CONCURRENCY = 100;

export interface DeliveryOptions {
  pushes: number;
  repetitions: number;
}

/**
 * delivery: `pushes` queued pushes (fanned out by the real service into a room of offline members) delivered to
 * the APNs simulator by the real outbox worker (claim with lease, per-route bulkhead, settle in bulk) through the
 * real ApnsTransport (node-apn, one HTTP/2 session, token auth). Value: pushes/s from starting the worker to the
 * last outcome recorded in the outbox. Ceiling: a bare HTTP/2 client sending the same requests (same headers,
 * payload bytes and provider-token header) to the same simulator with the worker's concurrency
 * (routeConcurrency × requests per send call). Best of the repetitions on each side.
 */
export async function runDelivery(env: BenchEnv, options: DeliveryOptions, progress: Progress): Promise<ScenarioResult> {
  const members = Math.min(options.pushes, 10_000);
  const messages = Math.ceil(options.pushes / members);
  const total = members * messages;
  progress.update(`delivery: seeding ${members} members`);
  const seeded = await seedRoom(env.db, 'delivery', { prefix: 'd', members });
  const { worker } = env.push;
  const limits = worker.limits;
  const concurrency = Math.min(limits.maxInFlight, limits.routeConcurrency * Math.min(limits.chunkSize, APNS_TRANSPORT_CONCURRENCY));
  const { credentials, apns } = env.simulators;

  let sequence = 0;
  const enqueue = async (): Promise<void> => {
    await resetDelivery(env);
    for (let m = 0; m < messages; m++) {
      const now = new Date();
      const result = await env.push.service.notifyMessage(
        { _id: `delivery-m${++sequence}`, rid: seeded.room._id, msg: 'Release 4.2 is out: changelog and upgrade notes in the thread', ts: now, _updatedAt: now, u: { _id: seeded.sender._id, username: seeded.sender.username }, mentions: [] },
        seeded.room,
      );
      if (result.enqueued !== members) throw new Error(`delivery: enqueued ${result.enqueued}, expected ${members}`);
    }
  };

  const runWorker = async (): Promise<{ elapsedMs: number; delivered: number; other: number }> => {
    await enqueue();
    apns.clear();
    let delivered = 0;
    let other = 0;
    let finish: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const onSettled = (settled: ISettledDelivery[]) => {
      for (const s of settled) {
        if (s.state === 'delivered') delivered++;
        else other++;
      }
      if (delivered >= total) finish();
    };
    env.push.events.on('settled', onSettled);
    const timeout = setTimeout(finish, 300_000);
    const started = performance.now();
    worker.start();
    await finished;
    const elapsedMs = performance.now() - started;
    clearTimeout(timeout);
    env.push.events.off('settled', onSettled);
    await worker.stop();
    if (delivered < total) throw new Error(`delivery: only ${delivered}/${total} delivered (${other} other outcomes)`);
    if (apns.received !== total) throw new Error(`delivery: the simulator accepted ${apns.received}, expected ${total}`);
    return { elapsedMs, delivered, other };
  };

  const runBare = async (requests: BareApnsRequest[]) => {
    apns.clear();
    const result = await sendBare(credentials.apns.endpoint, credentials.apns.ca, requests, concurrency, `bearer ${providerToken(credentials.apns)}`);
    if (result.ok !== requests.length) throw new Error(`delivery ceiling: ${result.ok}/${requests.length} accepted`);
    return result;
  };

  const { result, peakRssMiB } = await withPeakRss(async () => {
    await enqueue();
    const entries = await env.push.outbox.collection.find({}).toArray();
    const requests = entries.map(toBareRequest);
    // These entries only give the ceiling its requests; the outbox is emptied before the worker runs. Nothing the
    // outbox remembered of them for a claim may stay in memory while the ceiling is measured.
    env.push.outbox.forgetEnqueued();
    const workerRates: number[] = [];
    const bareRates: number[] = [];
    // Warm-up of both paths (JIT, the first node-apn session): 2,000 requests by the bare client, 1,000 pushes
    // through the worker from a room of their own.
    progress.update('delivery: warm-up');
    await runBare(requests.slice(0, Math.min(2000, requests.length)));
    await warmUpWorker(env);
    for (let i = 0; i < options.repetitions; i++) {
      progress.update(`delivery: bare HTTP/2 client, run ${i + 1}/${options.repetitions}`);
      const bare = await runBare(requests);
      bareRates.push((total / bare.elapsedMs) * 1000);
      progress.update(`delivery: outbox worker + node-apn, run ${i + 1}/${options.repetitions}`);
      const real = await runWorker();
      workerRates.push((total / real.elapsedMs) * 1000);
    }
    await resetDelivery(env);
    return { workerRates, bareRates };
  });

  const value = round(Math.max(...result.workerRates), 0);
  const ceiling = round(Math.max(...result.bareRates), 0);
  return {
    name: 'delivery',
    value,
    unit: 'pushes/s',
    ceiling,
    ratio: ratioOf(value, ceiling),
    better: 'higher',
    target: 'ratio ≥ 0.7',
    peakRssMiB,
    detail: {
      pushes: total,
      concurrency,
      repetitions: options.repetitions,
      workerPushesPerSecond: result.workerRates.map((r) => round(r, 0)),
      barePushesPerSecond: result.bareRates.map((r) => round(r, 0)),
      worker: limits,
    },
  };
}

function toBareRequest(entry: IOutboxEntry): BareApnsRequest {
  const request = toApnsNotification(toDelivery(entry));
  return { token: entry.token, headers: { ...request.headers }, body: JSON.stringify(request.payload) };
}

/** 1,000 pushes through the real worker and transport before anything is measured. */
async function warmUpWorker(env: BenchEnv): Promise<void> {
  const room = await seedRoom(env.db, 'delivery-warmup', { prefix: 'dw', members: 1_000 });
  await resetDelivery(env);
  const now = new Date();
  await env.push.service.notifyMessage(
    { _id: 'delivery-warmup', rid: room.room._id, msg: 'warm-up', ts: now, _updatedAt: now, u: { _id: room.sender._id, username: room.sender.username }, mentions: [] },
    room.room,
  );
  env.push.worker.start();
  const deadline = Date.now() + 60_000;
  while ((await env.push.outbox.collection.countDocuments({ state: 'delivered' })) < 1_000 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await env.push.worker.stop();
  await resetDelivery(env);
}
