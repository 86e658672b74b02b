import type { IDeliveryResult, IPushDelivery } from '../../definitions/IPushTransport';
import type { IDeliveryClassification } from '../../lib/delivery/DeliveryClassification';

/** A transport's result for one delivery from a classification (unset optional fields are left out). */
export function toResult(delivery: IPushDelivery, route: string, classified: IDeliveryClassification, providerId?: string): IDeliveryResult {
  const result: IDeliveryResult = { id: delivery.id, outcome: classified.outcome, reason: classified.reason, route };
  if (classified.status !== undefined) result.status = classified.status;
  if (classified.retryAfterMs !== undefined) result.retryAfterMs = classified.retryAfterMs;
  if (classified.routeHealth !== 'ok') result.routeHealth = classified.routeHealth;
  if (classified.detail !== undefined) result.detail = classified.detail;
  if (providerId !== undefined) result.providerId = providerId;
  return result;
}
