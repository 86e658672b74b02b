import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './ApiError';
import { isPushError, PushErrorCode } from '../../../lib/errors';

export interface ErrorEnvelope {
  success: false;
  error: string;
  errorType: string;
  [key: string]: unknown;
}

/** How coded PushErrors thrown by services or plugins reach clients. Anything else is a 500. */
const PUSH_ERROR_HTTP: Partial<Record<PushErrorCode, [number, string]>> = {
  PUSH_ERR_INVALID_INPUT: [400, 'invalid-params'],
  PUSH_ERR_NOT_FOUND: [404, 'error-not-found'],
  PUSH_ERR_FORBIDDEN: [403, 'error-not-allowed'],
  PUSH_ERR_SETTING_UNKNOWN: [404, 'error-setting-not-found'],
  PUSH_ERR_SETTING_INVALID_VALUE: [400, 'error-invalid-setting-value'],
  PUSH_ERR_SETTING_OVERWRITTEN: [400, 'error-setting-overwritten'],
  PUSH_ERR_SETTING_READ_ONLY: [400, 'error-setting-read-only'],
  PUSH_ERR_PUSH_DISABLED: [400, 'error-push-disabled'],
  PUSH_ERR_HOOK_NOT_SUPPORTED: [400, 'error-hook-not-supported'],
};

/** fastify's own refusals (parsing, limits), all answered as 400 in the envelope so clients see one shape. */
const FASTIFY_ERRORS: Record<string, [string, string?]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: ['error-request-too-large', 'Request body is too large'],
  FST_ERR_CTP_INVALID_JSON_BODY: ['error-invalid-json', 'Body is not valid JSON'],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['error-invalid-json', 'Body cannot be empty when content-type is application/json'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ['error-unsupported-media-type', 'Send the body as application/json'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ['error-invalid-content-length', 'Body size did not match Content-Length'],
};

interface ValidationEntry {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** "body/message/rid must be string", "body/extra is not allowed", "querystring/rid is required". */
export function describeValidation(context: string, entries: readonly ValidationEntry[]): string {
  const entry = entries[0] ?? {};
  const path = `${context}${entry.instancePath ?? ''}`;
  if (entry.keyword === 'additionalProperties') return `${path}/${String(entry.params?.additionalProperty)} is not allowed`;
  if (entry.keyword === 'required') return `${path}/${String(entry.params?.missingProperty)} is required`;
  return `${path} ${entry.message ?? 'is invalid'}`;
}

export function envelope(errorType: string, error: string, extra: Record<string, unknown> = {}): ErrorEnvelope {
  return { success: false, error, errorType, ...extra };
}

/** fastify error handler: every error leaves in the envelope; unexpected ones are logged and not described. */
export function handleError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof ApiError) {
    reply.headers(error.headers);
    const extra = error.statusCode === 401 ? { status: 'error', message: error.message } : {};
    return reply.status(error.statusCode).send(envelope(error.errorType, error.message, extra));
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const message = describeValidation(fastifyError.validationContext ?? 'body', fastifyError.validation);
    return reply.status(400).send(envelope('invalid-params', message));
  }
  if (fastifyError.code && FASTIFY_ERRORS[fastifyError.code]) {
    const [errorType, message] = FASTIFY_ERRORS[fastifyError.code];
    return reply.status(400).send(envelope(errorType, message ?? fastifyError.message));
  }
  if (isPushError(error) && PUSH_ERROR_HTTP[error.code]) {
    const [status, errorType] = PUSH_ERROR_HTTP[error.code]!;
    return reply.status(status).send(envelope(errorType, error.message, { code: error.code }));
  }
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    // Other client errors fastify raises (e.g. prototype poisoning in a JSON body).
    return reply.status(400).send(envelope('invalid-params', fastifyError.message));
  }
  request.log.error({ err: error }, 'request failed');
  return reply.status(500).send(envelope('error-internal', 'Internal server error'));
}

export function handleNotFound(request: FastifyRequest, reply: FastifyReply) {
  const path = request.url.split('?')[0].slice(0, 200);
  return reply.status(404).send(envelope('error-not-found', `Route ${request.method} ${path} not found`));
}
