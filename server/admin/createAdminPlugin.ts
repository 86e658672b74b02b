import type { IHost, IHostPlugin } from '../../definitions/IHost';
import { PushError } from '../../lib/errors';
import type { AdminContext, IPushPluginView } from './AdminContext';
import { registerConfigurationRoutes } from './api/configurationRoutes';
import { registerDeliveryRoutes } from './api/deliveryRoutes';
import { registerSimulatorRoutes } from './api/simulatorRoutes';
import { DeliveryFeed } from './deliveries/DeliveryFeed';
import { UserDirectory } from './deliveries/UserDirectory';
import { listeningUrl } from './listeningUrl';
import { registerAdminPage } from './page/registerAdminPage';

export interface IAdminPluginOptions {
  /** The push plugin, registered before this one (its module, simulators and endpoint overrides). */
  push: IPushPluginView;
  clock?: () => Date;
  /** Where the page's files are. @defaultValue `server/admin/assets` of the source tree */
  assetsDirectory?: string;
}

/**
 * The workspace admin's push console: the page at `/admin` and the `push.admin.*` API behind it (status and
 * problems, delivery mode, credential uploads, test pushes, the delivery log live, the simulators' inboxes).
 * Every API call requires the admin role. Register it after the push plugin.
 */
export function createAdminPlugin(options: IAdminPluginOptions): IHostPlugin {
  return {
    name: 'push-admin',
    async register(host: IHost) {
      const push = options.push.module;
      if (!push) throw new PushError('PUSH_ERR_INVALID_INPUT', ['register the push plugin before the admin plugin']);
      const clock = options.clock ?? (() => new Date());
      const ctx: AdminContext = { host, push, plugin: options.push, users: new UserDirectory(host.models.users), clock };
      const adminOnly = { onRequest: [host.authenticate, host.requireAdmin] };
      const log = host.logger.child({ module: 'push-admin' });
      const feed = new DeliveryFeed({
        events: push.events,
        users: ctx.users,
        clock,
        onError: (error) => log.warn({ err: error instanceof Error ? error.message : String(error) }, 'delivery stream update failed'),
      });

      registerAdminPage(host.http, options.assetsDirectory);
      registerConfigurationRoutes(ctx, adminOnly);
      registerDeliveryRoutes(ctx, adminOnly, feed);
      registerSimulatorRoutes(ctx, adminOnly);
      // Open streams would keep the HTTP server from closing: end them first.
      host.http.addHook('preClose', async () => feed.close());
      host.http.addHook('onListen', async () => {
        log.info({ url: `${listeningUrl(host)}/admin` }, 'push admin page ready (sign in as an admin)');
      });
      return {
        close: async () => {
          feed.close();
        },
      };
    },
  };
}
