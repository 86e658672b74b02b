import { API, RouteContext } from './RouteContext';
import { object, str } from '../schemas';
import { notFound } from '../ApiError';

export function registerSettingRoutes(ctx: RouteContext): void {
  const { app, authenticate, requireAdmin, deps } = ctx;
  const adminOnly = { onRequest: [authenticate, requireAdmin] };
  const params = object({ id: str(128, { pattern: '^[A-Za-z0-9_.-]+$' }) }, ['id']);

  app.get<{ Params: { id: string } }>(`${API}/settings/:id`, { ...adminOnly, schema: { params } }, async (request) => {
    const view = deps.settings.view(request.params.id);
    if (!view) throw notFound('error-setting-not-found', `Setting "${request.params.id}" does not exist`);
    return { success: true, ...view };
  });

  app.post<{ Params: { id: string }; Body: { value: string | number | boolean } }>(
    `${API}/settings/:id`,
    {
      ...adminOnly,
      schema: { params, body: object({ value: { type: ['string', 'number', 'boolean'] } }, ['value']) },
    },
    async (request) => {
      await deps.settings.set(request.params.id, request.body.value);
      request.log.info({ setting: request.params.id, by: request.user?._id }, 'setting changed');
      // Answer with the stored view: a secret comes back masked, never echoed.
      return { success: true, ...deps.settings.view(request.params.id)! };
    },
  );

  app.get(`${API}/settings.public`, async () => {
    const settings = deps.settings
      .definitions()
      .filter((definition) => definition.public && !definition.secret)
      .map((definition) => ({ _id: definition._id, value: deps.settings.get(definition._id) }));
    return { success: true, settings, count: settings.length, offset: 0, total: settings.length };
  });
}
