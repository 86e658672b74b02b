import type { OutboxModel } from '../push/outbox/OutboxModel';
import type { IGatewayDeadToken } from './types';

/**
 * Ends the gateway's pending pushes to a token just declared dead, so nothing already accepted is sent to it
 * again: for every workspace when the reason is about the device, else only that workspace's. (The shared
 * `OutboxModel.failPendingForToken` has no workspace scope; the gateway needs one for tenant isolation.)
 */
export async function failPendingForDeadToken(outbox: OutboxModel, dead: IGatewayDeadToken, now: Date): Promise<number> {
  const filter: Record<string, unknown> = { token: dead.token, state: { $in: ['queued', 'retry'] } };
  if (dead.workspaceId !== null) filter.workspaceId = dead.workspaceId;
  const result = await outbox.collection.updateMany(filter, {
    $set: { state: 'invalid-token', _updatedAt: now, lastError: { reason: dead.reason, at: now } },
    $push: { history: { $each: [{ at: now, outcome: 'invalid-token', reason: dead.reason }], $slice: -20 } },
  });
  return result.modifiedCount;
}
