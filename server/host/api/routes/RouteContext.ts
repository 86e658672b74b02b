import type { FastifyInstance } from 'fastify';
import type { RouteGuard } from '../../../../definitions/IHost';
import type { HostDeps } from '../../HostDeps';
import type { AccountsService } from '../../accounts/AccountsService';
import type { RoomsService } from '../../rooms/RoomsService';
import type { MessagesService } from '../../messages/MessagesService';
import type { HealthRegistry } from '../../health/HealthRegistry';

export interface RouteContext {
  app: FastifyInstance;
  deps: HostDeps;
  accounts: AccountsService;
  rooms: RoomsService;
  messages: MessagesService;
  health: HealthRegistry;
  authenticate: RouteGuard;
  requireAdmin: RouteGuard;
}

export const API = '/api/v1';
