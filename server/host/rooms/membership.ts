import type { IRoom } from '../../../definitions/IRoom';
import type { ISubscription } from '../../../definitions/ISubscription';
import type { IUser } from '../../../definitions/IUser';
import type { HostModels } from '../models';
import { forbidden, notFound } from '../api/ApiError';

/** The room and the user's subscription to it: 404 when the room does not exist, 403 when the user is not a member. */
export async function requireMembership(
  models: HostModels,
  user: IUser,
  rid: string,
): Promise<{ room: IRoom; subscription: ISubscription }> {
  const [room, subscription] = await Promise.all([
    models.rooms.findOneById(rid),
    models.subscriptions.findOneByRoomIdAndUserId(rid, user._id),
  ]);
  if (!room) throw notFound('error-room-not-found', 'Room not found');
  if (!subscription) throw forbidden('You are not a member of this room');
  return { room, subscription };
}
