/**
 * Small clients for the simulator tests: a raw HTTP/2 request, an HTTPS/1.1 JSON request trusting a given CA,
 * an https.Agent that dials the FCM simulator directly, and a minimal Google service-account credential for
 * firebase-admin (the production credential belongs to the FCM transport; this one stays in the tests).
 */

import https from 'https';
import http2, { type OutgoingHttpHeaders } from 'http2';
import net from 'net';
import { signJwt } from '../../../server/simulators/jwt';
import type { ServiceAccountJson } from '../../../server/simulators/credentials';

export interface RawResponse {
  status: number;
  headers: http2.IncomingHttpHeaders;
  text: string;
  json: Record<string, unknown> | undefined;
}

/** One request on an existing HTTP/2 session. */
export function h2Request(session: http2.ClientHttp2Session, headers: OutgoingHttpHeaders, body?: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = session.request({ ':method': 'POST', ...headers });
    let responseHeaders: http2.IncomingHttpHeaders = {};
    let text = '';
    request.setEncoding('utf8');
    request.on('response', (h) => (responseHeaders = h));
    request.on('data', (chunk: string) => (text += chunk));
    request.on('end', () => {
      let json: Record<string, unknown> | undefined;
      try {
        json = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
      } catch {
        json = undefined;
      }
      resolve({ status: Number(responseHeaders[':status']), headers: responseHeaders, text, json });
    });
    request.on('error', reject);
    request.end(body);
  });
}

export function h2Connect(endpoint: string, options: http2.SecureClientSessionOptions): Promise<http2.ClientHttp2Session> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(endpoint, options);
    session.once('connect', () => {
      session.off('error', reject);
      resolve(session);
    });
    session.once('error', reject);
  });
}

export function closeSession(session: http2.ClientHttp2Session): Promise<void> {
  return new Promise((resolve) => {
    if (session.closed || session.destroyed) return resolve();
    session.close(() => resolve());
  });
}

/** An HTTPS/1.1 request with a JSON body and answer, trusting `ca`. */
export function httpsJson(
  url: string,
  options: { method?: string; body?: unknown; ca: string },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; json: unknown }> {
  return new Promise((resolve, reject) => {
    const text = options.body === undefined ? undefined : JSON.stringify(options.body);
    const request = https.request(
      url,
      {
        method: options.method ?? 'GET',
        ca: [options.ca],
        agent: false,
        headers: text ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } : {},
      },
      (response) => {
        let data = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (data += chunk));
        response.on('end', () => {
          let json: unknown;
          try {
            json = JSON.parse(data);
          } catch {
            json = data;
          }
          resolve({ status: response.statusCode ?? 0, headers: response.headers, json });
        });
      },
    );
    request.on('error', reject);
    request.end(text);
  });
}

/** Routes every firebase-admin HTTPS/1.1 call to the simulator over plain TCP, whatever host it names. */
export class SimulatorAgent extends https.Agent {
  constructor(private readonly target: { host: string; port: number }) {
    super({ keepAlive: true });
  }

  override createConnection(): net.Socket {
    return net.connect(this.target.port, this.target.host);
  }
}

export const FCM_SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';

/** Builds the RS256 assertion Google's token endpoint expects for a service account. */
export function serviceAccountAssertion(
  account: ServiceAccountJson,
  overrides: { iat?: number; exp?: number; aud?: string; scope?: string; kid?: string } = {},
): string {
  const iat = overrides.iat ?? Math.floor(Date.now() / 1000);
  return signJwt(
    'RS256',
    { typ: 'JWT', kid: overrides.kid ?? account.private_key_id },
    { iss: account.client_email, scope: overrides.scope ?? FCM_SCOPE, aud: overrides.aud ?? account.token_uri, iat, exp: overrides.exp ?? iat + 3600 },
    account.private_key,
  );
}

export async function requestAccessToken(
  account: ServiceAccountJson,
  assertion = serviceAccountAssertion(account),
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(account.token_uri, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString(),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** A firebase-admin credential that fetches access tokens from the simulator's token endpoint. */
export class SimulatorCredential {
  calls = 0;

  constructor(private readonly account: ServiceAccountJson) {}

  async getAccessToken(): Promise<{ access_token: string; expires_in: number }> {
    this.calls++;
    const { status, json } = await requestAccessToken(this.account);
    if (status !== 200) throw new Error(`token endpoint answered ${status}: ${JSON.stringify(json)}`);
    return { access_token: String(json.access_token), expires_in: Number(json.expires_in) };
  }
}
