import { sign } from 'node:crypto';
import http2 from 'node:http2';

/** One APNs request as it goes on the wire: the device token, the apns-* headers and the JSON body. */
export interface BareApnsRequest {
  token: string;
  headers: Record<string, string>;
  body: string;
}

export interface BareApnsCredentials {
  p8: string;
  keyId: string;
  teamId: string;
}

/**
 * The provider token APNs expects (ES256 JWT, header {alg, typ, kid}, claims {iss, iat}), as node-apn builds it
 * with jsonwebtoken: the same header bytes per request for the ceiling.
 */
export function providerToken(credentials: BareApnsCredentials, nowSeconds = Math.floor(Date.now() / 1000)): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${encode({ alg: 'ES256', typ: 'JWT', kid: credentials.keyId })}.${encode({ iat: nowSeconds, iss: credentials.teamId })}`;
  const signature = sign('sha256', Buffer.from(unsigned), { key: credentials.p8, dsaEncoding: 'ieee-p1363' });
  return `${unsigned}.${signature.toString('base64url')}`;
}

/**
 * The delivery ceiling: a bare HTTP/2 client with nothing between the request list and the socket — one session,
 * `concurrency` streams in flight, each request the same headers, auth and body node-apn sends for that push.
 * Resolves with how many were answered 200 and the elapsed time.
 */
export async function sendBare(
  endpoint: string,
  ca: string,
  requests: BareApnsRequest[],
  concurrency: number,
  authorization: string,
): Promise<{ ok: number; failed: number; elapsedMs: number }> {
  const url = new URL(endpoint);
  const session = http2.connect(endpoint, { ca });
  session.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    session.once('connect', () => resolve());
    session.once('error', reject);
  });
  let next = 0;
  let ok = 0;
  let failed = 0;
  const one = (request: BareApnsRequest) =>
    new Promise<void>((resolve) => {
      const stream = session.request({
        ':scheme': 'https',
        ':method': 'POST',
        ':authority': url.hostname,
        ':path': `/3/device/${request.token}`,
        ...request.headers,
        authorization,
      });
      let status = 0;
      stream.on('response', (headers) => (status = Number(headers[':status'])));
      stream.on('data', () => undefined);
      stream.on('end', () => {
        if (status === 200) ok++;
        else failed++;
        resolve();
      });
      stream.on('error', () => {
        failed++;
        resolve();
      });
      stream.end(request.body);
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, requests.length) }, async () => {
      while (next < requests.length) await one(requests[next++]);
    }),
  );
  const elapsedMs = performance.now() - started;
  await new Promise<void>((resolve) => session.close(() => resolve()));
  return { ok, failed, elapsedMs };
}
