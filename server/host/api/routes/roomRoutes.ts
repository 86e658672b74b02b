import type { PushPreference } from '../../../../definitions/IUser';
import { API, RouteContext } from './RouteContext';
import { bool, id, object, str, zeroOrOne } from '../schemas';
import { currentUser } from '../auth';
import { badRequest } from '../ApiError';
import { requireMembership } from '../../rooms/membership';

const createRoomBody = object(
  {
    name: str(100),
    members: { type: 'array', items: str(100), maxItems: 10_000 },
    readOnly: bool,
  },
  ['name'],
);

export function registerRoomRoutes(ctx: RouteContext): void {
  const { app, rooms, authenticate, deps } = ctx;
  const signedIn = { onRequest: [authenticate] };

  app.post<{ Body: { name: string; members?: string[]; readOnly?: boolean } }>(
    `${API}/channels.create`,
    { ...signedIn, schema: { body: createRoomBody } },
    async (request) => ({ success: true, channel: await rooms.createRoom('c', currentUser(request), request.body) }),
  );

  app.post<{ Body: { name: string; members?: string[]; readOnly?: boolean } }>(
    `${API}/groups.create`,
    { ...signedIn, schema: { body: createRoomBody } },
    async (request) => ({ success: true, group: await rooms.createRoom('p', currentUser(request), request.body) }),
  );

  app.post<{ Body: { username: string } }>(
    `${API}/im.create`,
    { ...signedIn, schema: { body: object({ username: str(100) }, ['username']) } },
    async (request) => {
      const room = await rooms.createDirect(currentUser(request), request.body.username);
      return { success: true, room: { ...room, rid: room._id } };
    },
  );

  app.post<{
    Body: {
      roomId: string;
      notifications: {
        disableNotifications?: '0' | '1';
        muteGroupMentions?: '0' | '1';
        mobilePushNotifications?: 'default' | PushPreference;
      };
    };
  }>(
    `${API}/rooms.saveNotification`,
    {
      ...signedIn,
      schema: {
        body: object(
          {
            roomId: id,
            notifications: object(
              {
                disableNotifications: zeroOrOne,
                muteGroupMentions: zeroOrOne,
                mobilePushNotifications: { type: 'string', enum: ['default', 'all', 'mentions', 'nothing'] },
              },
              [],
              { minProperties: 1 },
            ),
          },
          ['roomId', 'notifications'],
        ),
      },
    },
    async (request) => {
      await rooms.saveNotification(currentUser(request), request.body.roomId, request.body.notifications);
      return { success: true };
    },
  );

  app.post<{ Body: { rid?: string; roomId?: string; readThreads?: boolean } }>(
    `${API}/subscriptions.read`,
    { ...signedIn, schema: { body: object({ rid: id, roomId: id, readThreads: bool }) } },
    async (request) => {
      const rid = request.body.rid ?? request.body.roomId;
      if (!rid) throw badRequest('invalid-params', 'body/rid is required');
      await rooms.markRead(currentUser(request), rid, request.body.readThreads === true);
      return { success: true };
    },
  );

  app.get<{ Querystring: { roomId: string } }>(
    `${API}/subscriptions.getOne`,
    { ...signedIn, schema: { querystring: object({ roomId: id }, ['roomId']) } },
    async (request) => {
      const { subscription } = await requireMembership(deps.models, currentUser(request), request.query.roomId);
      return { success: true, subscription };
    },
  );

  app.get<{ Querystring: { rid: string; userId: string; ignore?: 'true' | 'false' | '1' | '0' } }>(
    `${API}/chat.ignoreUser`,
    {
      ...signedIn,
      schema: {
        querystring: object({ rid: id, userId: id, ignore: { type: 'string', enum: ['true', 'false', '1', '0'] } }, [
          'rid',
          'userId',
        ]),
      },
    },
    async (request) => {
      const { rid, userId, ignore = 'true' } = request.query;
      await rooms.ignoreUser(currentUser(request), rid, userId, ignore === 'true' || ignore === '1');
      return { success: true };
    },
  );
}
