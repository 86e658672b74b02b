import type { FastifyRequest } from 'fastify';
import type { IHost } from '../../../definitions/IHost';
import type { IPushToken, PushPlatform } from '../../../definitions/IPushToken';
import { isPushError } from '../../../lib/errors';
import { buildPushNotification } from '../../../lib/payload/buildPushNotification';
import { ApiError, badRequest, forbidden, notFound } from '../../host/api/ApiError';
import { currentUser } from '../../host/api/auth';
import { id, object, str } from '../../host/api/schemas';
import { isAdmin } from '../../host/accounts/publicUser';
import type { PushExplainer } from '../notifications/PushExplainer';
import type { PushTester } from '../notifications/PushTester';
import type { PushTokenService } from '../tokens/PushTokenService';
import type { PushMetrics } from '../metrics/PushMetrics';
import { PerKeyRateLimit } from './PerKeyRateLimit';

const API = '/api/v1';

export interface IPushRouteDeps {
  host: IHost;
  tokens: PushTokenService;
  explainer: PushExplainer;
  tester: PushTester;
  metrics: PushMetrics;
  /** Extra facts for `push.info` (mode, simulators). */
  info: () => Record<string, unknown>;
  clock?: () => Date;
}

/** The push endpoints (Rocket.Chat's shapes, SPEC §11), plus `/metrics`. */
export function registerPushRoutes(deps: IPushRouteDeps): void {
  const { host, tokens, explainer, tester, metrics } = deps;
  const app = host.http;
  const clock = deps.clock ?? (() => new Date());
  const signedIn = { onRequest: [host.authenticate] };
  // Rocket.Chat allows one test per second; a test fans out to every device of the caller.
  const testLimit = new PerKeyRateLimit(1000);

  app.post<{ Body: { id?: string; type: PushPlatform; value: string; appName: string } }>(
    `${API}/push.token`,
    {
      ...signedIn,
      schema: {
        body: object(
          {
            id,
            type: { type: 'string', enum: ['apn', 'gcm'] },
            // APNs tokens are hex, FCM registration tokens base64url with ':'; nothing else belongs in a URL path
            // segment (APNs) or a JSON field the providers parse.
            value: str(4096, { pattern: '^[A-Za-z0-9_:.-]+$' }),
            // A bundle id / package name, which is also the APNs topic header.
            appName: str(256, { pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' }),
          },
          ['type', 'value', 'appName'],
        ),
      },
    },
    async (request) => {
      const user = currentUser(request);
      const { id: deviceId, type, value, appName } = request.body;
      const saved = await tokens.register({ userId: user._id, hashedToken: request.hashedToken, id: deviceId, type, value, appName, now: clock() });
      return { success: true, result: publicToken(saved) };
    },
  );

  app.delete<{ Body: { token: string } }>(
    `${API}/push.token`,
    { ...signedIn, schema: { body: object({ token: str(4096) }, ['token']) } },
    async (request) => {
      const removed = await tokens.unregister(currentUser(request)._id, request.body.token);
      if (removed === 0) throw notFound('error-token-not-found', 'No device of yours has this token');
      return { success: true };
    },
  );

  app.get<{ Querystring: { id: string } }>(
    `${API}/push.get`,
    { ...signedIn, schema: { querystring: object({ id }, ['id']) } },
    async (request) => {
      const user = currentUser(request);
      const message = await host.models.messages.findOneById(request.query.id);
      // The same answer whether the message does not exist or the caller may not see it: no probing for ids.
      const subscription = message ? await host.models.subscriptions.findOneByRoomIdAndUserId(message.rid, user._id) : null;
      const room = message && subscription ? await host.models.rooms.findOneById(message.rid) : null;
      if (!message || !subscription || !room) throw notFound('error-message-not-found', 'Message not found');
      const settings = { ...host.settings.pushSettings(), Push_request_content_from_server: false };
      const badge = await host.models.subscriptions.getBadgeCount(user._id);
      const notification = buildPushNotification({ message, room, sender: message.u, recipient: { user, subscription }, badge, settings });
      return { success: true, data: { message, notification } };
    },
  );

  app.get(`${API}/push.info`, signedIn, async () => {
    const settings = host.settings.pushSettings();
    const packageValue = host.settings.definition('Push_gateway')?.packageValue;
    return {
      success: true,
      pushGatewayEnabled: settings.Push_enable,
      defaultPushGateway: settings.Push_gateway === packageValue,
      ...deps.info(),
    };
  });

  // No parameters: an empty body, `{}` or none at all; anything else is refused like everywhere else.
  app.post(`${API}/push.test`, { ...signedIn, schema: { body: { type: ['object', 'null'], additionalProperties: false, properties: {} } } }, async (request: FastifyRequest) => {
    const user = currentUser(request);
    const waitMs = testLimit.take(user._id, Date.now());
    if (waitMs > 0) {
      throw new ApiError(429, 'error-too-many-requests', 'Wait a second before sending another test push', {
        'retry-after': String(Math.ceil(waitMs / 1000)),
      });
    }
    try {
      const report = await tester.run(user);
      return { success: true, ...report };
    } catch (error) {
      if (isPushError(error, 'PUSH_ERR_NO_DEVICES')) throw badRequest('error-no-tokens-for-this-user', error.message);
      throw error;
    }
  });

  app.get<{ Querystring: { mid: string; uid?: string } }>(
    `${API}/push.explain`,
    { ...signedIn, schema: { querystring: object({ mid: id, uid: id }, ['mid']) } },
    async (request) => {
      const user = currentUser(request);
      const uid = request.query.uid ?? user._id;
      if (uid !== user._id && !isAdmin(user)) throw forbidden('Only admins may explain notifications for other users');
      if (uid === user._id && !isAdmin(user)) {
        // Users may ask about themselves, but only for messages of rooms they are in.
        const message = await host.models.messages.findOneById(request.query.mid);
        const member = message && (await host.models.subscriptions.findOneByRoomIdAndUserId(message.rid, uid));
        if (!member) throw notFound('error-message-not-found', 'Message not found');
      }
      const explanation = await explainer.explain(request.query.mid, uid);
      return { success: true, ...explanation };
    },
  );

  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.text();
  });
}

/** The token document as Rocket.Chat's REST API returns it (the caller's own device; never the session hash). */
function publicToken(token: IPushToken) {
  const { _id, token: value, appName, userId, enabled, createdAt, _updatedAt } = token;
  return { _id, token: value, appName, userId, enabled, createdAt, _updatedAt };
}
