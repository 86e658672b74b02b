import { createSign } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { Credential, GoogleOAuthAccessToken } from 'firebase-admin/app';
import type { IServiceAccount } from '../../lib/delivery/parseServiceAccount';

export const FCM_SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';
const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** Refresh this long before Google's expiry, so a token never expires mid-request. */
const REFRESH_MARGIN_MS = 5 * 60_000;
const ASSERTION_LIFETIME_S = 3600;

/** Why an access token could not be had: `network` (retry later) or `refused` (the credentials are bad). */
export class AccessTokenError extends Error {
  constructor(
    readonly kind: 'network' | 'refused',
    message: string,
    readonly code?: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'AccessTokenError';
  }
}

export interface ServiceAccountCredentialOptions {
  account: IServiceAccount;
  /** Agent for https token requests (the same endpoint agent as FCM when `PUSH_FCM_ENDPOINT` is set). */
  agent?: https.Agent;
  /** Send the token request over https even for an http token URI (an endpoint agent decides the real socket). */
  forceHttps?: boolean;
  timeoutMs?: number;
  now?: () => number;
}

/**
 * A firebase-admin credential that gets Google OAuth access tokens for a service account itself: it signs the
 * RS256 JWT assertion (`kid` = private_key_id; `iss` = client_email; scope firebase.messaging; `aud` = token_uri)
 * and POSTs it form-encoded to the account's `token_uri` through our agent. firebase-admin's own `cert()` cannot
 * be pointed anywhere but Google (its token request ignores `httpAgent`), which makes it useless behind
 * `PUSH_FCM_ENDPOINT`. The token is cached until five minutes before it expires, and concurrent callers share
 * one request.
 */
export class ServiceAccountCredential implements Credential {
  /** Token requests made so far (tests check that sends share one token). */
  requests = 0;
  private cached: { token: GoogleOAuthAccessToken; expiresAt: number } | undefined;
  private pending: Promise<GoogleOAuthAccessToken> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: ServiceAccountCredentialOptions) {
    this.now = options.now ?? Date.now;
  }

  async getAccessToken(): Promise<GoogleOAuthAccessToken> {
    const cached = this.cached;
    if (cached && cached.expiresAt - REFRESH_MARGIN_MS > this.now()) {
      return { access_token: cached.token.access_token, expires_in: Math.floor((cached.expiresAt - this.now()) / 1000) };
    }
    this.pending ??= this.fetchToken().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** Forgets the cached token (e.g. after FCM refused it). */
  invalidate(): void {
    this.cached = undefined;
  }

  private async fetchToken(): Promise<GoogleOAuthAccessToken> {
    this.requests++;
    const { account } = this.options;
    const issuedAt = Math.floor(this.now() / 1000);
    let assertion: string;
    try {
      assertion = signAssertion(account, issuedAt);
    } catch {
      throw new AccessTokenError('refused', "the service account's private_key cannot sign (not an RSA private key)");
    }
    const body = new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion }).toString();
    const answer = await this.post(new URL(account.token_uri), body);
    let parsed: Record<string, unknown> = {};
    try {
      parsed = JSON.parse(answer.text) as Record<string, unknown>;
    } catch {
      // handled below
    }
    if (answer.status < 200 || answer.status >= 300) {
      // Google's `{error, error_description}` names the problem without echoing anything secret.
      const code = typeof parsed.error === 'string' ? parsed.error : `HTTP_${answer.status}`;
      const description = typeof parsed.error_description === 'string' ? `: ${parsed.error_description}` : '';
      const kind = answer.status >= 500 || answer.status === 429 ? 'network' : 'refused';
      throw new AccessTokenError(kind, `the OAuth token endpoint answered ${answer.status} ${code}${description}`, code, answer.status);
    }
    const accessToken = parsed.access_token;
    const expiresIn = parsed.expires_in;
    if (typeof accessToken !== 'string' || typeof expiresIn !== 'number') {
      throw new AccessTokenError('network', 'the OAuth token endpoint gave no access_token/expires_in');
    }
    const token = { access_token: accessToken, expires_in: expiresIn };
    this.cached = { token, expiresAt: this.now() + expiresIn * 1000 };
    return token;
  }

  private post(url: URL, body: string): Promise<{ status: number; text: string }> {
    const secure = url.protocol === 'https:' || this.options.forceHttps === true;
    const request = secure ? https.request : http.request;
    const target = secure && url.protocol === 'http:' ? new URL(url.href.replace(/^http:/, 'https:')) : url;
    return new Promise((resolve, reject) => {
      const req = request(
        target,
        {
          method: 'POST',
          agent: secure ? this.options.agent : undefined,
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', (error) => reject(networkError(error)));
        },
      );
      req.setTimeout(this.options.timeoutMs ?? 10_000, () => req.destroy(Object.assign(new Error('OAuth token request timed out'), { code: 'ETIMEDOUT' })));
      req.on('error', (error) => reject(networkError(error)));
      req.end(body);
    });
  }
}

function signAssertion(account: IServiceAccount, issuedAt: number): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const header = encode({ alg: 'RS256', typ: 'JWT', kid: account.private_key_id });
  const claims = encode({
    iss: account.client_email,
    scope: FCM_SCOPE,
    aud: account.token_uri,
    iat: issuedAt,
    exp: issuedAt + ASSERTION_LIFETIME_S,
  });
  const signature = createSign('RSA-SHA256').update(`${header}.${claims}`).sign(account.private_key, 'base64url');
  return `${header}.${claims}.${signature}`;
}

function networkError(error: Error & { code?: string }): AccessTokenError {
  return new AccessTokenError('network', `the OAuth token endpoint could not be reached: ${error.message}`, error.code);
}
