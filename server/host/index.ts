/** The bundled host: build it with `createHost`, register plugins, `listen`, `close`. Nothing starts at import. */
export { createHost } from './createHost';
export type { CreateHostOptions, Host } from './createHost';
export { ApiError, badRequest, forbidden, notFound, unauthorized } from './api/ApiError';
export { createLogger, REDACT_PATHS } from './logger';
export { Callbacks, CALLBACK_PRIORITY } from './callbacks';
export { randomId } from './util/random';
