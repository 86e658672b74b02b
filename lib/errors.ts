/**
 * The one catalogue of typed errors. Expected per-device outcomes (a dead token, a provider refusal) are values,
 * not errors; a PushError is for the rest: bad input, missing configuration, a hook misuse. Codes are stable:
 * tests, logs and API clients match on them, never on messages.
 */

export const PushErrorCodes = {
  // callbacks registry
  PUSH_ERR_HOOK_NOT_SUPPORTED: 'Hook "%s" is not supported',
  PUSH_ERR_HOOK_INVALID_HANDLER: 'Handler for hook "%s" must be a function, got %s',
  PUSH_ERR_HOOK_INVALID_PRIORITY: 'Priority for hook "%s" must be a finite number, got %s',
  // settings
  PUSH_ERR_SETTING_UNKNOWN: 'Setting "%s" does not exist',
  PUSH_ERR_SETTING_INVALID_VALUE: 'Invalid value for setting "%s": %s',
  PUSH_ERR_SETTING_OVERWRITTEN: 'Setting "%s" is forced by the environment (OVERWRITE_SETTING_%s); change it there',
  PUSH_ERR_SETTING_READ_ONLY: 'Setting "%s" is managed by the server and cannot be changed',
  // input validation
  PUSH_ERR_INVALID_INPUT: 'Invalid input: %s',
  PUSH_ERR_NOT_FOUND: '%s not found',
  PUSH_ERR_FORBIDDEN: 'Not allowed: %s',
  // transports and credentials
  PUSH_ERR_TRANSPORT_NOT_CONFIGURED: 'Transport "%s" is not configured: %s',
  PUSH_ERR_TRANSPORT_UNKNOWN: 'No transport registered under the name "%s"',
  PUSH_ERR_CREDENTIALS_INVALID: 'Credentials are invalid: %s',
  PUSH_ERR_PUSH_DISABLED: 'Push notifications are disabled (Push_enable is off)',
  PUSH_ERR_NO_DEVICES: 'There are no registered devices for this user',
  // outbox
  PUSH_ERR_OUTBOX_CLOSED: 'The outbox worker is stopped',
  // self-hosted push gateway
  PUSH_ERR_GATEWAY_WORKSPACE_EXISTS: 'A gateway workspace with the id "%s" already exists',
  PUSH_ERR_GATEWAY_CONFIG_INVALID: 'Invalid gateway configuration: %s',
  // embedded database
  PUSH_ERR_DB_START_FAILED: 'The embedded MongoDB-compatible server could not start: %s',
} as const;

export type PushErrorCode = keyof typeof PushErrorCodes;

/** A typed error with a stable `code`. `details` carries structured context safe to log (never secrets). */
export class PushError extends Error {
  readonly code: PushErrorCode;
  readonly details?: Record<string, unknown>;

  constructor(code: PushErrorCode, args: ReadonlyArray<string | number> = [], details?: Record<string, unknown>) {
    let i = 0;
    const message = PushErrorCodes[code].replace(/%s/g, () => String(args[i++] ?? ''));
    super(message);
    this.name = 'PushError';
    this.code = code;
    this.details = details;
  }
}

export function isPushError(error: unknown, code?: PushErrorCode): error is PushError {
  return error instanceof PushError && (code === undefined || error.code === code);
}
