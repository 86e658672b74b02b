/**
 * Server-side errors shaped like MongoDB's: the driver turns `{ok: 0, errmsg, code, codeName}` into a
 * `MongoServerError` whose `code`/`codeName` callers match on, so the numbers below are MongoDB's own
 * (src/mongo/base/error_codes.yml in the server repository). Extra fields (e.g. `keyPattern`/`keyValue` of a
 * duplicate key) are copied onto the reply and from there onto the driver's error object.
 */

export const ErrorCode = {
  InternalError: 1,
  BadValue: 2,
  FailedToParse: 9,
  Unauthorized: 13,
  TypeMismatch: 14,
  IllegalOperation: 20,
  NamespaceNotFound: 26,
  IndexNotFound: 27,
  ConflictingUpdateOperators: 40,
  CursorNotFound: 43,
  NamespaceExists: 48,
  CommandNotFound: 59,
  ImmutableField: 66,
  InvalidOptions: 72,
  InvalidNamespace: 73,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  OperationNotSupportedInTransaction: 263,
  InvalidIdField: 53,
  DollarPrefixedFieldName: 52,
  BSONObjectTooLarge: 10334,
  DuplicateKey: 11000,
  UnrecognizedPipelineStage: 40324,
  MissingRequiredField: 40414,
  InvalidPipelineOperator: 168,
  CannotCreateIndex: 67,
  NotImplemented: 238,
} as const;

const codeNames: Record<number, string> = {
  1: 'InternalError',
  2: 'BadValue',
  9: 'FailedToParse',
  13: 'Unauthorized',
  14: 'TypeMismatch',
  20: 'IllegalOperation',
  26: 'NamespaceNotFound',
  27: 'IndexNotFound',
  40: 'ConflictingUpdateOperators',
  43: 'CursorNotFound',
  48: 'NamespaceExists',
  52: 'DollarPrefixedFieldName',
  53: 'InvalidIdField',
  59: 'CommandNotFound',
  66: 'ImmutableField',
  67: 'CannotCreateIndex',
  72: 'InvalidOptions',
  73: 'InvalidNamespace',
  85: 'IndexOptionsConflict',
  86: 'IndexKeySpecsConflict',
  168: 'InvalidPipelineOperator',
  238: 'NotImplemented',
  263: 'OperationNotSupportedInTransaction',
  11000: 'DuplicateKey',
  // Location codes have no codeName in real MongoDB replies; the driver copes with an absent codeName.
};

export function codeNameOf(code: number): string | undefined {
  return codeNames[code];
}

/** An error a command handler throws to answer `{ok: 0}`; `extra` fields are merged into the reply. */
export class MongoCommandError extends Error {
  readonly code: number;
  readonly extra: Record<string, unknown>;

  constructor(code: number, message: string, extra: Record<string, unknown> = {}) {
    super(message);
    this.name = 'MongoCommandError';
    this.code = code;
    this.extra = extra;
  }

  /** The `{ok: 0, ...}` reply document for this error. */
  toReply(): Record<string, unknown> {
    const codeName = codeNameOf(this.code);
    return { ok: 0, errmsg: this.message, code: this.code, ...(codeName ? { codeName } : {}), ...this.extra };
  }

  /** The element of a `writeErrors` array (insert/update/delete report per-statement errors this way). */
  toWriteError(index: number): Record<string, unknown> {
    return { index, code: this.code, ...this.extra, errmsg: this.message };
  }
}

export function isMongoCommandError(error: unknown): error is MongoCommandError {
  return error instanceof MongoCommandError;
}

/**
 * mingo reports problems as plain `MingoError`s with English messages; map the common ones onto the codes a real
 * server uses so the same client code (and the conformance tests) see the same `code` on both.
 */
export function fromUnknownError(error: unknown): MongoCommandError {
  if (error instanceof MongoCommandError) return error;
  const message = error instanceof Error ? error.message : String(error);
  let m: RegExpMatchArray | null;
  if ((m = message.match(/unknown query operator (\$\w+)/i))) {
    return new MongoCommandError(ErrorCode.BadValue, `unknown operator: ${m[1]}`);
  }
  if ((m = message.match(/Unknown update operator: '(\$\w+)'/i))) {
    return new MongoCommandError(
      ErrorCode.FailedToParse,
      `Unknown modifier: ${m[1]}. Expected a valid update modifier or pipeline-style update specified as an array`,
    );
  }
  if ((m = message.match(/unregistered pipeline operator (\$\w+)/i))) {
    return new MongoCommandError(ErrorCode.UnrecognizedPipelineStage, `Unrecognized pipeline stage name: '${m[1]}'`);
  }
  if ((m = message.match(/would create a conflict at '([^']*)'/i))) {
    return new MongoCommandError(ErrorCode.ConflictingUpdateOperators, message.replace(/^updating/, 'Updating'));
  }
  if (/immutable field/i.test(message)) return new MongoCommandError(ErrorCode.ImmutableField, message);
  if (/non-numeric/i.test(message)) return new MongoCommandError(ErrorCode.TypeMismatch, message);
  if (/unknown|unregistered|invalid|must|expected|cannot/i.test(message)) {
    return new MongoCommandError(ErrorCode.BadValue, message);
  }
  return new MongoCommandError(ErrorCode.InternalError, message);
}
