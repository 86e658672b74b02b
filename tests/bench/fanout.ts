import type { IMessage } from '../../definitions/IMessage';
import type { IOutboxEntry } from '../../definitions/IOutboxEntry';
import type { ISubscription } from '../../definitions/ISubscription';
import { OutboxModel } from '../../server/push/outbox/OutboxModel';
import { resetDelivery, type BenchEnv } from './benchEnv';
import { withPeakRss } from './memory';
import type { Progress } from './progress';
import { ratioOf, type ScenarioResult } from './scenario';
import { seedRoom, type SeededRoom } from './seed';
import { median, round } from './stats';

const RAW_COLLECTION = 'push_outbox_raw';

export interface FanOutOptions {
  members: number;
  /** Measured repetitions of each side (after one warm-up each). */
  repetitions: number;
}

/**
 * fanout-N: a message into a room of N offline members with one device each. Measured: the afterSaveMessage
 * handler's work (`NotificationService.notifyMessage`: load the audience, decide every member, build, enqueue N
 * outbox entries, record the decision log). Ceiling: the raw driver reading that room's subscriptions and inserting
 * N outbox documents of the same shape and size into a collection with the outbox's indexes, on the same database
 * in the same run. Both sides alternate; medians are compared. The outbox is emptied (untimed) before each run.
 */
export async function runFanOut(env: BenchEnv, options: FanOutOptions, progress: Progress): Promise<ScenarioResult> {
  const name = `fanout-${options.members}`;
  progress.update(`${name}: seeding ${options.members} members`);
  const seeded = await seedRoom(env.db, name, { prefix: `f${options.members}`, members: options.members });
  const raw = env.rawDb.collection<IOutboxEntry>(RAW_COLLECTION);
  await raw.createIndexes(OutboxModel.indexes);

  let sequence = 0;
  const runService = async (): Promise<number> => {
    await resetDelivery(env);
    const message = aMessage(seeded, `${name}-m${++sequence}`);
    const started = performance.now();
    const result = await env.push.service.notifyMessage(message, seeded.room);
    const elapsed = performance.now() - started;
    if (result.enqueued !== options.members) throw new Error(`${name}: enqueued ${result.enqueued}, expected ${options.members}: ${JSON.stringify(result)}`);
    return elapsed;
  };

  const { result, peakRssMiB } = await withPeakRss(async () => {
    await runService(); // warm-up, and a real entry to copy the shape of
    const template = await env.push.outbox.collection.findOne({});
    if (!template) throw new Error(`${name}: nothing was enqueued`);
    // Per-member values the real entries carry (device token, apns-id, collapse id), prepared untimed so the raw
    // documents load the outbox's indexes like the real ones do (one distinct token each, not one shared key).
    const perMember = new Map(
      (await env.push.outbox.collection.find({}, { projection: { uid: 1, token: 1, apnsId: 1, collapseId: 1 } }).toArray()).map((e) => [e.uid, e]),
    );
    const runRaw = async (): Promise<number> => {
      await raw.deleteMany({});
      const mid = `${name}-raw${++sequence}`;
      const started = performance.now();
      const subscriptions = await env.rawDb.collection<ISubscription>('rocketchat_subscription').find({ rid: seeded.room._id }).toArray();
      const docs: IOutboxEntry[] = [];
      for (const s of subscriptions) {
        const member = perMember.get(s.u._id);
        if (!member) continue; // the sender
        const tokenId = `tok-${s.u._id}-0`;
        docs.push({ ...template, _id: `${mid}:${s.u._id}:${tokenId}`, mid, uid: s.u._id, tokenId, token: member.token, apnsId: member.apnsId, collapseId: member.collapseId });
      }
      await raw.insertMany(docs, { ordered: false });
      return performance.now() - started;
    };
    await runRaw();

    const service: number[] = [];
    const ceiling: number[] = [];
    for (let i = 0; i < options.repetitions; i++) {
      progress.update(`${name}: run ${i + 1}/${options.repetitions}`);
      service.push(await runService());
      ceiling.push(await runRaw());
    }
    await raw.deleteMany({});
    await resetDelivery(env);
    return { service, ceiling };
  });

  const value = round(median(result.service));
  const ceiling = round(median(result.ceiling));
  return {
    name,
    value,
    unit: 'ms',
    ceiling,
    ratio: ratioOf(value, ceiling),
    better: 'lower',
    ...(options.members === 10_000 ? { target: 'ratio ≤ 1.5' } : {}),
    peakRssMiB,
    detail: {
      members: options.members,
      repetitions: options.repetitions,
      serviceMs: result.service.map((v) => round(v)),
      ceilingMs: result.ceiling.map((v) => round(v)),
    },
  };
}

function aMessage(seeded: SeededRoom, id: string): IMessage {
  const now = new Date();
  return {
    _id: id,
    rid: seeded.room._id,
    msg: 'Deploy finished: the new build is live on staging, please have a look before the release meeting',
    ts: now,
    u: { _id: seeded.sender._id, username: seeded.sender.username, name: seeded.sender.name },
    _updatedAt: now,
    mentions: [],
  } as IMessage;
}
