import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Db } from 'mongodb';
import pino, { type Logger } from 'pino';
import type { IBreakerOptions } from '../../lib/delivery/circuitBreaker';
import { adminTokenGuard } from './adminAuth';
import { gatewayDelivery, type IGatewayDeliveryOptions } from './buildGatewayTransport';
import { GatewayCore, type IGatewayCoreOptions } from './GatewayCore';
import { gatewayRoutes } from './gatewayRoutes';
import type { IGatewaySettings } from './settings';
import type { WorkspaceAdmin } from './WorkspaceAdmin';

export interface CreateGatewayOptions extends IGatewayDeliveryOptions {
  /** The gateway's database (its own, not a host's: the outbox collection name is shared). */
  db: Db;
  logger?: Logger;
  settings?: Partial<IGatewaySettings>;
  /** Protects `/admin/*`; without it the admin HTTP API is off (the CLI still works on the database). */
  adminToken?: string;
  clock?: () => Date;
  random?: () => number;
  breaker?: IBreakerOptions;
  worker?: IGatewayCoreOptions['worker'];
}

export interface IGatewayAddress {
  url: string;
  host: string;
  port: number;
}

export interface Gateway {
  /** The fastify instance serving the gateway (routes are registered; not yet listening). */
  readonly http: FastifyInstance;
  /** Workspace administration (the same object the admin API and the CLI use). */
  readonly workspaces: WorkspaceAdmin;
  readonly worker: GatewayCore['worker'];
  readonly core: GatewayCore;
  listen(options?: { host?: string; port?: number }): Promise<IGatewayAddress>;
  /** Stops taking requests, lets the deliveries in flight finish and be recorded, closes the transport. */
  close(): Promise<void>;
}

/**
 * The self-hosted push gateway (SPEC §7): accepts the gateway protocol from registered workspaces, enforces their
 * quotas and rate limits, and delivers through the shared durable outbox with its own APNs/FCM credentials. The
 * worker starts at once: pushes left queued by an earlier run on the same database go out now.
 */
export async function createGateway(options: CreateGatewayOptions): Promise<Gateway> {
  const logger = options.logger ?? pino({ level: 'info', name: 'gateway' });
  const core = new GatewayCore({
    db: options.db,
    ...gatewayDelivery(options),
    logger,
    settings: options.settings,
    clock: options.clock,
    random: options.random,
    breaker: options.breaker,
    worker: options.worker,
  });
  const http = Fastify({
    loggerInstance: logger,
    trustProxy: false,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // fastify's two info lines per request would be most of the log at push rates: one debug line instead.
    logController: new LogController({ disableRequestLogging: true }),
  }) as unknown as FastifyInstance;
  http.addHook('onResponse', async (request, reply) => {
    request.log.debug({ method: request.method, url: request.url.split('?')[0], statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });
  await http.register(gatewayRoutes, { core, adminGuard: adminTokenGuard(options.adminToken) });
  try {
    await core.start();
  } catch (error) {
    await core.close();
    await http.close();
    throw error;
  }

  let closing: Promise<void> | undefined;
  return {
    http,
    workspaces: core.workspaces,
    worker: core.worker,
    core,
    async listen({ host = '127.0.0.1', port = 4000 } = {}) {
      await http.listen({ host, port });
      const address = http.server.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      const urlHost = host.includes(':') ? `[${host}]` : host;
      return { url: `http://${urlHost}:${bound}`, host, port: bound };
    },
    close() {
      closing ??= (async () => {
        await http.close();
        await core.close();
      })();
      return closing;
    },
  };
}
