import pino, { Logger, DestinationStream } from 'pino';

/**
 * Log paths whose values are replaced before anything is written: auth headers, passwords, tokens, keys. The
 * code never logs these on purpose; this is the net under it (e.g. a handler logging a whole object).
 */
export const REDACT_PATHS = [
  'req.headers["x-auth-token"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers["x-auth-token"]',
  'headers.authorization',
  'password',
  '*.password',
  'authToken',
  '*.authToken',
  'hashedToken',
  '*.hashedToken',
  'resume',
  '*.resume',
  'private_key',
  '*.private_key',
  'passphrase',
  '*.passphrase',
  'services',
  '*.services',
];

export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  const config = { level: options.level ?? 'info', redact: { paths: REDACT_PATHS, censor: '[redacted]' } };
  return options.destination ? pino(config, options.destination) : pino(config);
}
