import fastify, { FastifyBaseLogger, FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import { handleError, handleNotFound } from './errorEnvelope';

export interface HttpServerOptions {
  logger: Logger;
  /** Largest accepted request body in bytes; larger ones get 400 `error-request-too-large`. Default 1 MiB. */
  bodyLimit?: number;
  /** Trust `X-Forwarded-For` (behind a reverse proxy) for the client IP used by the login throttle. */
  trustProxy?: boolean;
}

/**
 * The fastify instance with the host's conventions: strict JSON-schema validation (no type coercion, no silent
 * removal of unknown fields), Rocket.Chat's error envelope for every error including fastify's own, and 404s in
 * the envelope.
 */
export function createHttpServer(options: HttpServerOptions): FastifyInstance {
  const app = fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    trustProxy: options.trustProxy ?? false,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    ajv: { customOptions: { allowUnionTypes: true, coerceTypes: false, removeAdditional: false, useDefaults: true, allErrors: false } },
    // fastify's two info lines per request are replaced by one debug line below.
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.setErrorHandler(handleError);
  app.setNotFoundHandler(handleNotFound);
  // One line per request at debug level, without headers or bodies.
  app.addHook('onResponse', async (request, reply) => {
    request.log.debug(
      { method: request.method, url: request.url.split('?')[0], statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      'request',
    );
  });
  return app;
}
