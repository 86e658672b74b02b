/**
 * node-apn 8.1.0 reads `headers['Retry-After']`, but HTTP/2 header names are lower-case, so it never sees the
 * value; and it deletes `retryAfter` from every error it propagates. To honour APNs's Retry-After we watch the
 * response headers ourselves: the client's `request(session, …)` is wrapped so that the session it uses hands out
 * streams with one more `response` listener, which files the `retry-after` header under the request's `apns-id`
 * (ours, unique per delivery). Only `session.request` is used inside node-apn's `request()`, so the stand-in
 * session needs nothing else. When the library's shape is not the expected one, nothing is wrapped and pushes
 * simply go without Retry-After (the backoff still applies).
 */

interface StreamLike {
  prependListener?(event: 'response', listener: (headers: Record<string, unknown>) => void): unknown;
}

interface SessionLike {
  request(headers: Record<string, unknown>, ...rest: unknown[]): StreamLike;
}

interface ClientLike {
  request: (session: SessionLike, ...rest: unknown[]) => Promise<unknown>;
}

export interface IRetryAfterLog {
  /** The `retry-after` value of the answer to the request with this `apns-id`, removed once read. */
  take(apnsId: string): string | undefined;
}

/** Most answers kept unread; entries are normally taken right after the send they belong to. */
const MAX_KEPT = 10_000;

export function instrumentApnsProvider(provider: unknown): IRetryAfterLog | undefined {
  const client = (provider as { client?: ClientLike } | undefined)?.client;
  if (!client || typeof client.request !== 'function') return undefined;
  const seen = new Map<string, string>();
  const onResponse = (apnsId: string) => (responseHeaders: Record<string, unknown>) => {
    const value = responseHeaders['retry-after'];
    if (value === undefined) return;
    if (seen.size >= MAX_KEPT) seen.delete(seen.keys().next().value as string);
    seen.set(apnsId, String(value));
  };
  // One stand-in per session (node-apn keeps its session for as long as the connection lives), not one per request.
  const standIns = new WeakMap<SessionLike, SessionLike>();
  const standInFor = (session: SessionLike): SessionLike => {
    let watched = standIns.get(session);
    if (!watched) {
      watched = {
        request(headers, ...args) {
          const stream = session.request(headers, ...args);
          const apnsId = headers['apns-id'];
          if (typeof apnsId === 'string') stream.prependListener?.('response', onResponse(apnsId));
          return stream;
        },
      };
      standIns.set(session, watched);
    }
    return watched;
  };
  const original = client.request;
  client.request = function (this: ClientLike, session: SessionLike, ...rest: unknown[]) {
    return original.call(this, session && typeof session === 'object' ? standInFor(session) : session, ...rest);
  };
  return {
    take(apnsId) {
      const value = seen.get(apnsId);
      seen.delete(apnsId);
      return value;
    },
  };
}
