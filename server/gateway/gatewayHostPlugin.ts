import type { IHost, IHostPlugin } from '../../definitions/IHost';
import { adminTokenGuard, type AdminGuard } from './adminAuth';
import { gatewayDelivery, type IGatewayDeliveryOptions } from './buildGatewayTransport';
import { GatewayCore } from './GatewayCore';
import { gatewayRoutes } from './gatewayRoutes';
import type { IGatewaySettings } from './settings';

export interface GatewayHostPluginOptions extends IGatewayDeliveryOptions {
  /** Where the gateway's routes live in the host. @defaultValue '/gateway' */
  prefix?: string;
  /**
   * The gateway's own database on the host's server. It must not be the host's database: the gateway's outbox
   * uses the same collection name as the host's. @defaultValue `<host database>_gateway`
   */
  dbName?: string;
  settings?: Partial<IGatewaySettings>;
  /** Protects the gateway's `/admin` routes with this token; without it, the host's admins (X-User-Id/X-Auth-Token) may use them. */
  adminToken?: string;
  /** Called with the running gateway core (tests, tools). */
  onReady?: (core: GatewayCore) => void;
}

/**
 * Mounts the self-hosted gateway in a host (SPEC §7, "the gateway mounted in the host"): its routes under `prefix`
 * (`{prefix}/push/apn/send`, `{prefix}/admin/workspaces`, `{prefix}/healthz`, `{prefix}/metrics`), its worker
 * started with the host, a `gateway` check in the host's health, all released when the host closes.
 */
export function gatewayHostPlugin(options: GatewayHostPluginOptions = {}): IHostPlugin {
  return {
    name: 'push-gateway',
    async register(host: IHost) {
      const db = host.db.client.db(options.dbName ?? `${host.db.databaseName}_gateway`);
      const logger = host.logger.child({ name: 'gateway' });
      const core = new GatewayCore({
        db,
        ...gatewayDelivery(options),
        logger,
        settings: options.settings,
      });
      const adminGuard: AdminGuard = options.adminToken
        ? adminTokenGuard(options.adminToken)
        : async (request, reply) => {
            await host.authenticate(request, reply);
            await host.requireAdmin(request, reply);
          };
      await host.http.register(gatewayRoutes, { prefix: options.prefix ?? '/gateway', core, adminGuard });
      await core.start();
      host.health.register('gateway', async () => {
        const health = await core.health();
        return {
          ok: health.ok,
          detail: health.ok ? undefined : !health.database.ok ? health.database.detail : 'the gateway has no provider credentials',
          pending: health.outbox?.pending,
        };
      });
      options.onReady?.(core);
      return {
        close: async () => {
          host.health.unregister('gateway');
          await core.close();
        },
      };
    },
  };
}
