import { isPushError } from '../../../lib/errors';
import { ApiError, badRequest, notFound } from '../../host/api/ApiError';
import { currentUser } from '../../host/api/auth';
import { object, str } from '../../host/api/schemas';
import { PerKeyRateLimit } from '../../push/api/PerKeyRateLimit';
import { API, type AdminContext } from '../AdminContext';
import type { DeliveryFeed } from '../deliveries/DeliveryFeed';
import { entryToView } from '../deliveries/toDeliveryView';
import { buildAdminStatus } from '../status/buildAdminStatus';

const MAX_LIMIT = 200;

/**
 * `GET push.admin.deliveries?limit=` (the most recently changed outbox entries), `GET push.admin.deliveries.stream`
 * (the same as Server-Sent Events, live), `POST push.admin.test {username?}` (a test push to one user's devices,
 * with each device's real outcome). Admins only; device tokens are masked.
 *
 * The stream is authenticated like every other call (X-User-Id / X-Auth-Token headers): the admin page reads it
 * with fetch, so the login token never travels in a URL that a proxy or access log would keep.
 */
export function registerDeliveryRoutes(ctx: AdminContext, adminOnly: object, feed: DeliveryFeed): void {
  const { host, push } = ctx;
  const app = host.http;
  // As push.test: one test per second per target (a test fans out to every device of that user).
  const testLimit = new PerKeyRateLimit(1000);

  app.get<{ Querystring: { limit?: string } }>(
    `${API}/push.admin.deliveries`,
    { ...adminOnly, schema: { querystring: object({ limit: str(3, { pattern: '^[0-9]+$' }) }) } },
    async (request) => {
      const limit = Math.min(MAX_LIMIT, Math.max(1, Number(request.query.limit ?? 50)));
      const entries = await push.outbox.recent(limit);
      const usernames = await ctx.users.usernames(entries.map((e) => e.uid));
      const deliveries = entries.map((entry) => entryToView(entry, usernames));
      return { success: true, deliveries, count: deliveries.length };
    },
  );

  app.get(`${API}/push.admin.deliveries.stream`, adminOnly, async (_request, reply) => {
    reply.hijack();
    feed.add(reply.raw);
    return reply;
  });

  app.post<{ Body: { username?: string } }>(
    `${API}/push.admin.test`,
    {
      ...adminOnly,
      // `curl -X POST …/push.admin.test` with no body at all tests the caller's own devices.
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: { body: object({ username: str(100) }) },
    },
    async (request) => {
      const admin = currentUser(request);
      const username = request.body.username?.trim();
      const target = username ? await host.models.users.findOneByUsername(username) : admin;
      if (!target) throw notFound('error-invalid-user', `There is no user "${username}"`);
      const waitMs = testLimit.take(target._id, Date.now());
      if (waitMs > 0) {
        throw new ApiError(429, 'error-too-many-requests', 'Wait a second before sending another test push to this user', {
          'retry-after': String(Math.ceil(waitMs / 1000)),
        });
      }
      try {
        const report = await push.tester.run(target);
        request.log.info({ by: admin._id, target: target._id, devices: report.tokensCount }, 'test push sent by an admin');
        // The same problems list as the status banner (it knows about the simulators and recent answers).
        const { problems } = await buildAdminStatus(ctx);
        return { success: true, username: target.username, ...report, problems };
      } catch (error) {
        if (isPushError(error, 'PUSH_ERR_NO_DEVICES')) {
          throw badRequest('error-no-tokens-for-this-user', `${target.username} has no registered device: a phone registers one with POST push.token when the app signs in.`);
        }
        throw error;
      }
    },
  );
}
