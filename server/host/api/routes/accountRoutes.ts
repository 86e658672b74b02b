import type { FastifyRequest } from 'fastify';
import type { PushPreference, UserStatus } from '../../../../definitions/IUser';
import { API, RouteContext } from './RouteContext';
import { bool, id, object, str } from '../schemas';
import { currentUser } from '../auth';
import { forbidden, notFound, badRequest } from '../ApiError';
import { isAdmin, toPublicUser } from '../../accounts/publicUser';
import { MAX_PASSWORD_LENGTH } from '../../accounts/password';
import { NAME_PATTERN } from '../../accounts/validation';

const userStatus = { type: 'string', enum: ['online', 'away', 'busy', 'offline'] };

export function registerAccountRoutes(ctx: RouteContext): void {
  const { app, accounts, authenticate, requireAdmin, deps } = ctx;
  const signedIn = { onRequest: [authenticate] };
  const adminOnly = { onRequest: [authenticate, requireAdmin] };

  app.post<{ Body: { user?: string; username?: string; email?: string; password?: string; resume?: string } }>(
    `${API}/login`,
    {
      schema: {
        body: object({
          user: str(254),
          username: str(254),
          email: str(254),
          password: str(MAX_PASSWORD_LENGTH),
          resume: str(256),
        }),
      },
    },
    async (request) => {
      const result = await accounts.login(request.body, request.ip);
      return { status: 'success', success: true, data: result };
    },
  );

  app.post(`${API}/logout`, signedIn, async (request: FastifyRequest) => {
    await accounts.logout(currentUser(request), request.hashedToken!);
    return { status: 'success', success: true, data: { message: "You've been logged out!" } };
  });

  app.get(`${API}/me`, signedIn, async (request) => ({ ...toPublicUser(currentUser(request)), success: true }));

  app.post<{
    Body: { username: string; password: string; name: string; email: string; roles?: string[]; active?: boolean; verified?: boolean };
  }>(
    `${API}/users.create`,
    {
      ...adminOnly,
      schema: {
        body: object(
          {
            username: str(100, { pattern: NAME_PATTERN }),
            password: str(MAX_PASSWORD_LENGTH),
            name: str(200),
            email: str(254, { format: 'email' }),
            roles: { type: 'array', items: { type: 'string', enum: ['admin', 'user', 'bot'] }, maxItems: 3 },
            active: bool,
            verified: bool,
            // Accepted for Rocket.Chat compatibility; this host has no e-mail or default channels.
            joinDefaultChannels: bool,
            requirePasswordChange: bool,
            sendWelcomeEmail: bool,
          },
          ['username', 'password', 'name', 'email'],
        ),
      },
    },
    async (request) => ({ success: true, user: await accounts.createUser(request.body) }),
  );

  app.get<{ Querystring: { userId?: string; username?: string } }>(
    `${API}/users.info`,
    { ...signedIn, schema: { querystring: object({ userId: id, username: str(100) }) } },
    async (request) => {
      const me = currentUser(request);
      const { userId, username } = request.query;
      if (!userId && !username) throw badRequest('invalid-params', 'querystring/userId or querystring/username is required');
      const isSelf = userId ? userId === me._id : username!.toLowerCase() === me.username.toLowerCase();
      // Others' data is for admins only; non-admins cannot even learn whether the user exists.
      if (!isSelf && !isAdmin(me)) throw forbidden('Reading another user requires the admin role');
      const user = userId ? await deps.models.users.findOneById(userId) : await deps.models.users.findOneByUsername(username!);
      if (!user) throw notFound('error-invalid-user', 'User not found');
      return { success: true, user: toPublicUser(user) };
    },
  );

  app.post<{ Body: { status: UserStatus; message?: string } }>(
    `${API}/users.setStatus`,
    {
      ...signedIn,
      schema: { body: object({ status: userStatus, message: { type: 'string', maxLength: 120 } }, ['status']) },
    },
    async (request) => {
      await accounts.setStatus(currentUser(request), request.body.status, request.body.message);
      return { success: true };
    },
  );

  app.post<{ Body: { status: 'online' | 'away' | 'offline' } }>(
    `${API}/users.setPresence`,
    {
      ...signedIn,
      schema: { body: object({ status: { type: 'string', enum: ['online', 'away', 'offline'] } }, ['status']) },
    },
    async (request) => {
      await accounts.setPresence(currentUser(request), request.body.status);
      return { success: true };
    },
  );

  app.post<{
    Body: {
      userId?: string;
      data: { pushNotifications?: PushPreference | 'default'; alwaysNotifyMobile?: boolean; highlights?: string[]; language?: string };
    };
  }>(
    `${API}/users.setPreferences`,
    {
      ...signedIn,
      schema: {
        body: object(
          {
            userId: id,
            data: object(
              {
                pushNotifications: { type: 'string', enum: ['all', 'mentions', 'nothing', 'default'] },
                alwaysNotifyMobile: bool,
                highlights: { type: 'array', items: { type: 'string', maxLength: 100 }, maxItems: 50 },
                language: str(20, { pattern: '^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$' }),
              },
              [],
              { minProperties: 1 },
            ),
          },
          ['data'],
        ),
      },
    },
    async (request) => {
      const user = await accounts.setPreferences(currentUser(request), request.body.userId, request.body.data);
      return { success: true, user: { _id: user._id, settings: user.settings } };
    },
  );

  app.post<{ Body: { userId: string; activeStatus: boolean; confirmRelinquish?: boolean } }>(
    `${API}/users.setActiveStatus`,
    {
      ...adminOnly,
      schema: { body: object({ userId: id, activeStatus: bool, confirmRelinquish: bool }, ['userId', 'activeStatus']) },
    },
    async (request) => ({
      success: true,
      user: await accounts.setActiveStatus(currentUser(request), request.body.userId, request.body.activeStatus),
    }),
  );
}
