/** The parts of a thrown error we look at; any Error (or VError, or firebase error) fits. */
export interface IErrorLike {
  message?: string;
  code?: string | number;
  cause?: unknown;
}

const ERRNO_CODE = /\b(E[A-Z][A-Z0-9_]{2,}|ERR_[A-Z0-9_]+|NGHTTP2_[A-Z_]+)\b/;

/**
 * A short, stable reason for a request that got no HTTP answer: the errno-style code when there is one
 * (`ECONNRESET`, `ECONNREFUSED`, `ERR_HTTP2_STREAM_ERROR`), else `TIMEOUT`, `ABORTED` or `NETWORK_ERROR`.
 * Libraries wrap the socket error (node-apn in a VError whose message embeds it, firebase-admin in
 * `app/network-error` with "Error code: ECONNRESET"), so the message is searched too.
 */
export function networkErrorReason(error: unknown): string {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const e = current as IErrorLike;
    if (typeof e.code === 'string' && ERRNO_CODE.test(e.code)) return e.code;
    const fromMessage = typeof e.message === 'string' ? ERRNO_CODE.exec(e.message) : null;
    if (fromMessage) return fromMessage[1];
    current = typeof e.cause === 'function' ? (e.cause as () => unknown)() : e.cause;
  }
  const message = String((error as IErrorLike | undefined)?.message ?? error ?? '').toLowerCase();
  if (message.includes('timeout') || message.includes('timed out')) return 'TIMEOUT';
  if (message.includes('abort')) return 'ABORTED';
  return 'NETWORK_ERROR';
}
