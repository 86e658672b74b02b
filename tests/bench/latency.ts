import type { IUser } from '../../definitions/IUser';
import type { ApnsPush } from '../../server/simulators';
import { resetDelivery, type BenchEnv } from './benchEnv';
import { withPeakRss } from './memory';
import type { Progress } from './progress';
import type { ScenarioResult } from './scenario';
import { seedRoom, type SeededRoom } from './seed';
import { percentile, round } from './stats';

export interface LatencyOptions {
  messagesPerSecond: number;
  seconds: number;
  /** Small rooms the messages rotate over (one offline recipient with one device each). */
  rooms: number;
  /** Names the seeded rooms and users (a second run in the same database needs another). @defaultValue 'latency' */
  prefix?: string;
}

/**
 * latency-p50 / latency-p99: messages sent at a steady rate through the host (`MessagesService.sendMessage`: save,
 * counters, then the afterSaveMessage hooks in the background) into small rooms whose other member is offline
 * with one APNs device; the outbox worker runs as in production (woken by each enqueue). Latency: from the call
 * that saves the message to the moment the APNs simulator accepted the push (both clocks are this process's
 * `performance.now()`), so it includes saving, the fan-out, the outbox round trips and node-apn.
 */
export async function runLatency(env: BenchEnv, options: LatencyOptions, progress: Progress): Promise<ScenarioResult[]> {
  // Warm-up (not measured): the first messages through the host, the hooks and a fresh node-apn session.
  if (options.prefix === undefined) {
    progress.update('latency: warm-up');
    await measureLatency(env, { ...options, seconds: Math.min(2, options.seconds), prefix: 'latency-warmup' }, progress);
  }
  return measureLatency(env, options, progress);
}

async function measureLatency(env: BenchEnv, options: LatencyOptions, progress: Progress): Promise<ScenarioResult[]> {
  progress.update(`latency: seeding ${options.rooms} rooms`);
  const rooms: SeededRoom[] = [];
  let sender: IUser | undefined;
  for (let r = 0; r < options.rooms; r++) {
    const prefix = options.prefix ?? 'latency';
    const seeded = await seedRoom(env.db, `${prefix}-${r}`, { prefix: `${prefix}${r}`, members: 1, sender });
    sender ??= seeded.sender;
    rooms.push(seeded);
  }
  await resetDelivery(env);
  const { apns } = env.simulators;
  const total = Math.round(options.messagesPerSecond * options.seconds);
  const sentAt = new Map<string, number>();
  const arrivedAt = new Map<string, number>();
  let failures = 0;

  const { result, peakRssMiB } = await withPeakRss(async () => {
    // An observer on the simulator's inbox: called synchronously as each push is accepted.
    const watching = apns.waitFor((push: ApnsPush) => {
      const mid = messageIdOf(push);
      if (mid && !arrivedAt.has(mid)) arrivedAt.set(mid, performance.now());
      return false;
    }, options.seconds * 1000 + 120_000);
    watching.catch(() => undefined);

    env.push.worker.start();
    const sends: Promise<void>[] = [];
    const interval = 1000 / options.messagesPerSecond;
    const started = performance.now();
    for (let i = 0; i < total; i++) {
      const due = started + i * interval;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      if (i % options.messagesPerSecond === 0) progress.update(`latency: ${i}/${total} messages sent, ${arrivedAt.size} pushes received`);
      const room = rooms[i % rooms.length];
      const t0 = performance.now();
      sends.push(
        env.host.services.messages.sendMessage(room.sender, { rid: room.room._id, msg: `status update ${i}: build green, coverage steady` }).then(
          (message) => void sentAt.set(message._id, t0),
          () => void failures++,
        ),
      );
    }
    await Promise.all(sends);
    const deadline = performance.now() + 30_000;
    while (arrivedAt.size < sentAt.size && performance.now() < deadline) {
      progress.update(`latency: waiting for ${sentAt.size - arrivedAt.size} pushes`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await env.host.tasks.idle();
    await env.push.worker.stop();
    const latencies: number[] = [];
    for (const [mid, t0] of sentAt) {
      const t1 = arrivedAt.get(mid);
      if (t1 !== undefined) latencies.push(t1 - t0);
    }
    return { latencies, achievedRate: (total / (performance.now() - started)) * 1000 };
  });
  await resetDelivery(env);

  const missing = sentAt.size - result.latencies.length;
  if (failures > 0 || missing > 0) throw new Error(`latency: ${failures} messages failed to send, ${missing} pushes never arrived`);
  const detail = {
    messages: total,
    messagesPerSecond: options.messagesPerSecond,
    seconds: options.seconds,
    rooms: options.rooms,
    maxMs: round(Math.max(...result.latencies)),
    p90Ms: round(percentile(result.latencies, 90)),
  };
  return [
    { name: 'latency-p50', value: round(percentile(result.latencies, 50)), unit: 'ms', ceiling: null, ratio: null, better: 'lower', target: '≤ 25 ms', peakRssMiB, detail },
    { name: 'latency-p99', value: round(percentile(result.latencies, 99)), unit: 'ms', ceiling: null, ratio: null, better: 'lower', target: '≤ 100 ms', peakRssMiB, detail },
  ];
}

function messageIdOf(push: ApnsPush): string | undefined {
  const ejson = push.payload.ejson;
  if (typeof ejson !== 'string') return undefined;
  try {
    const parsed = JSON.parse(ejson) as { messageId?: unknown };
    return typeof parsed.messageId === 'string' ? parsed.messageId : undefined;
  } catch {
    return undefined;
  }
}
