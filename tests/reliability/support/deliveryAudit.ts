import type { Collection } from 'mongodb';
import type { IOutboxEntry } from '../../../definitions/IOutboxEntry';
import type { ApnsPush } from '../../../server/simulators';

/** What happened to a set of pushes, from the outbox and from what the provider (simulator) accepted. */
export interface DeliveryAudit {
  pushes: number;
  /** Entries not in state `delivered`, or delivered without the provider ever accepting their apns-id. */
  lost: number;
  /** Pushes the provider accepted more than once with the same apns-id (a resend after a lost outcome or a lease takeover). */
  duplicatedSameId: number;
  /** Pushes (device × message) the provider accepted under more than one apns-id: must never happen. */
  duplicatedOtherId: number;
  /** Every acceptance the provider counted. */
  accepted: number;
}

/** Compares the outbox with the provider's inbox for the given entries. */
export async function auditDeliveries(outbox: Collection<IOutboxEntry>, ids: string[], received: ApnsPush[]): Promise<DeliveryAudit> {
  const entries = await outbox.find({ _id: { $in: ids } }, { projection: { _id: 1, state: 1, apnsId: 1, token: 1, mid: 1 } }).toArray();
  const timesById = new Map<string, number>();
  const idsByPush = new Map<string, Set<string>>();
  for (const push of received) {
    timesById.set(push.apnsId.toLowerCase(), (timesById.get(push.apnsId.toLowerCase()) ?? 0) + 1);
    const mid = messageIdOf(push);
    const key = `${push.token}:${mid}`;
    let set = idsByPush.get(key);
    if (!set) idsByPush.set(key, (set = new Set()));
    set.add(push.apnsId.toLowerCase());
  }
  let lost = ids.length - entries.length;
  let duplicatedSameId = 0;
  for (const entry of entries) {
    const times = timesById.get(entry.apnsId.toLowerCase()) ?? 0;
    if (entry.state !== 'delivered' || times === 0) lost++;
    if (times > 1) duplicatedSameId++;
  }
  let duplicatedOtherId = 0;
  for (const set of idsByPush.values()) if (set.size > 1) duplicatedOtherId++;
  return { pushes: ids.length, lost, duplicatedSameId, duplicatedOtherId, accepted: received.length };
}

function messageIdOf(push: ApnsPush): string | undefined {
  try {
    return (JSON.parse(String(push.payload.ejson)) as { messageId?: string }).messageId;
  } catch {
    return undefined;
  }
}
