import type { FastifyReply, FastifyRequest } from 'fastify';
import { bearerToken, secretsEqual } from './workspaceTokens';

export type AdminGuard = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

/**
 * The admin API's guard for a shared admin token: `Authorization: Bearer <token>`, or HTTP Basic with the token as
 * the password (so a browser can open the admin page). Without a configured token the admin API is off: an admin
 * API that anyone could call would hand out workspace tokens.
 */
export function adminTokenGuard(adminToken: string | undefined): AdminGuard {
  return async (request, reply) => {
    if (!adminToken) {
      await reply.code(403).send({ error: 'admin-disabled', message: 'the admin API is disabled: set GATEWAY_ADMIN_TOKEN' });
      return;
    }
    const presented = presentedSecret(request.headers.authorization);
    if (presented === undefined || !secretsEqual(presented, adminToken)) {
      await reply
        .code(401)
        .header('www-authenticate', 'Basic realm="chat-push gateway admin", charset="UTF-8"')
        .send({ error: 'unauthorized', message: 'admin token required (Authorization: Bearer <GATEWAY_ADMIN_TOKEN>)' });
    }
  };
}

function presentedSecret(header: string | undefined): string | undefined {
  const bearer = bearerToken(header);
  if (bearer !== undefined) return bearer;
  const basic = header && /^Basic\s+(\S+)\s*$/i.exec(header);
  if (!basic) return undefined;
  const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 ? decoded.slice(colon + 1) : undefined;
}
