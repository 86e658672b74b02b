import { API, RouteContext } from './RouteContext';
import { bool, id, object } from '../schemas';
import { currentUser } from '../auth';
import { notFound } from '../ApiError';
import { requireMembership } from '../../rooms/membership';

export function registerChatRoutes(ctx: RouteContext): void {
  const { app, messages, authenticate, deps } = ctx;
  const signedIn = { onRequest: [authenticate] };

  app.post<{ Body: { message: { rid: string; msg: string; tmid?: string; tshow?: boolean } } }>(
    `${API}/chat.sendMessage`,
    {
      ...signedIn,
      schema: {
        body: object(
          {
            message: object(
              // The length limit is the Message_MaxAllowedSize setting (checked by the service); this one only
              // bounds what validation has to look at.
              { rid: id, msg: { type: 'string', maxLength: 100_000 }, tmid: id, tshow: bool },
              ['rid', 'msg'],
            ),
            previewUrls: { type: 'array', items: { type: 'string', maxLength: 2048 }, maxItems: 20 },
          },
          ['message'],
        ),
      },
    },
    async (request) => ({ success: true, message: await messages.sendMessage(currentUser(request), request.body.message) }),
  );

  app.get<{ Querystring: { msgId: string } }>(
    `${API}/chat.getMessage`,
    { ...signedIn, schema: { querystring: object({ msgId: id }, ['msgId']) } },
    async (request) => {
      const message = await deps.models.messages.findOneById(request.query.msgId);
      if (!message) throw notFound('error-message-not-found', 'Message not found');
      // Same answer for "not a member" as for "no such message": ids do not reveal other rooms' content.
      await requireMembership(deps.models, currentUser(request), message.rid).catch(() => {
        throw notFound('error-message-not-found', 'Message not found');
      });
      return { success: true, message };
    },
  );
}
