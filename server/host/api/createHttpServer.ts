import { STATUS_CODES } from 'node:http';
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
    clientErrorHandler: answerClientError,
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

/**
 * Requests Node's HTTP parser refuses before fastify sees them (headers or a query string over the size limit,
 * malformed request lines) still get the API's error envelope, so clients see one error shape everywhere.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: import('node:net').Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const status = tooLarge ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const body = JSON.stringify({
    success: false,
    error: tooLarge ? 'The request line or headers are too large (a query string over 16 kB?)' : 'Malformed HTTP request',
    errorType: tooLarge ? 'error-request-too-large' : status === 408 ? 'error-request-timeout' : 'error-bad-request',
  });
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(error);
}
