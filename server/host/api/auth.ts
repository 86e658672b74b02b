import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RouteGuard } from '../../../definitions/IHost';
import type { AccountsService } from '../accounts/AccountsService';
import { forbidden, unauthorized } from './ApiError';
import { isAdmin } from '../accounts/publicUser';

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' && value.length > 0 && value.length <= 512 ? value : undefined;
}

/**
 * Rocket.Chat's REST auth: `X-User-Id` + `X-Auth-Token`, the token checked against the stored sha256 hashes.
 * Use as `onRequest` (the host does: anonymous requests are refused before their body is parsed), `preValidation`
 * or `preHandler`.
 */
export function createAuthenticate(accounts: AccountsService): RouteGuard {
  return async function authenticate(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const userId = header(request, 'x-user-id');
    const token = header(request, 'x-auth-token');
    if (!userId || !token) throw unauthorized();
    const session = await accounts.authenticate(userId, token);
    if (!session) throw unauthorized();
    request.user = session.user;
    request.hashedToken = session.hashedToken;
  };
}

/** After `authenticate`: only users with the `admin` role pass. */
export const requireAdmin: RouteGuard = async function requireAdmin(request: FastifyRequest): Promise<void> {
  if (!request.user) throw unauthorized();
  if (!isAdmin(request.user)) throw forbidden('This action requires the admin role', 'error-not-allowed');
};

/** The authenticated user (routes behind `authenticate` only). */
export function currentUser(request: FastifyRequest) {
  if (!request.user) throw unauthorized();
  return request.user;
}
