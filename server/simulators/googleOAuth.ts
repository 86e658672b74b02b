/**
 * A look-alike of Google's OAuth 2.0 token endpoint for service accounts (the JWT-bearer grant, RFC 7523): checks
 * the RS256 assertion against the registered service account's key, its audience, scope and lifetime, and issues
 * opaque access tokens that the FCM look-alike then accepts. Errors use Google's `{error, error_description}` shape.
 */

import { createPublicKey, KeyObject, randomBytes } from 'crypto';
import { PushError } from '../../lib/errors';
import { GOOGLE_TOKEN_URI } from './credentials';
import { decodeJwt, verifyJwtSignature } from './jwt';

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
export const FCM_SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';
export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
/** Google issues access tokens for an hour and says `expires_in: 3599`. */
const ACCESS_TOKEN_LIFETIME_SECONDS = 3600;
const CLOCK_SKEW_SECONDS = 300;
const ACCEPTED_AUDIENCES = [GOOGLE_TOKEN_URI, 'https://www.googleapis.com/oauth2/v4/token', 'https://accounts.google.com/o/oauth2/token'];

export interface ServiceAccountRegistration {
  client_email: string;
  project_id: string;
  private_key_id: string;
  /** The private key (PEM); only its public half is kept. */
  private_key?: string;
  /** Or the public key directly. */
  public_key?: string | KeyObject;
  token_uri?: string;
}

export interface AccessTokenGrant {
  clientEmail: string;
  projectId: string;
  scopes: string[];
  expiresAt: number;
}

interface Account {
  projectId: string;
  keys: Map<string, KeyObject>;
  tokenUri?: string;
}

export interface OAuthAnswer {
  status: number;
  body: Record<string, unknown>;
}

const oauthError = (error: string, description: string, status = 400): OAuthAnswer => ({
  status,
  body: { error, error_description: description },
});
const BAD_SIGNATURE = oauthError('invalid_grant', 'Invalid JWT Signature.');
const BAD_TIMES = oauthError(
  'invalid_grant',
  'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.',
);

export class GoogleOAuthIssuer {
  private readonly accounts = new Map<string, Account>();
  private readonly tokens = new Map<string, AccessTokenGrant>();
  readonly counters = { tokenRequests: 0, accessTokensIssued: 0, tokenRequestsRefused: 0 };

  constructor(
    private readonly options: {
      now: () => number;
      isRevoked: (privateKeyId: string) => boolean;
      /** The simulator's own token URL, also accepted as audience. */
      ownTokenUri: () => string;
    },
  ) {}

  registerServiceAccount(account: ServiceAccountRegistration): void {
    const source = account.public_key ?? account.private_key;
    if (!account.client_email || !account.project_id || !account.private_key_id || !source) {
      throw new PushError('PUSH_ERR_INVALID_INPUT', ['a service account needs client_email, project_id, private_key_id and a key']);
    }
    const publicKey = createPublicKey(source);
    if (publicKey.asymmetricKeyType !== 'rsa') throw new PushError('PUSH_ERR_INVALID_INPUT', ['service-account keys are RSA keys']);
    const existing = this.accounts.get(account.client_email);
    const entry: Account = existing && existing.projectId === account.project_id
      ? existing
      : { projectId: account.project_id, keys: new Map() };
    entry.keys.set(account.private_key_id, publicKey);
    entry.tokenUri = account.token_uri;
    this.accounts.set(account.client_email, entry);
  }

  /** Handles `POST /token`. */
  exchange(bodyText: string, contentType: string | undefined): OAuthAnswer {
    this.counters.tokenRequests++;
    const answer = this.check(bodyText, contentType);
    if (answer.status !== 200) this.counters.tokenRequestsRefused++;
    return answer;
  }

  /** What an `Authorization: Bearer` token grants, or null when it is unknown or expired. */
  grantOf(accessToken: string): AccessTokenGrant | null {
    const grant = this.tokens.get(accessToken);
    if (!grant) return null;
    if (grant.expiresAt <= this.options.now()) {
      this.tokens.delete(accessToken);
      return null;
    }
    return grant;
  }

  /** Invalidates every access token issued so far (as if Google revoked them). */
  revokeAccessTokens(): void {
    this.tokens.clear();
  }

  private check(bodyText: string, contentType: string | undefined): OAuthAnswer {
    let params: URLSearchParams;
    if (contentType?.includes('application/json')) {
      try {
        params = new URLSearchParams(JSON.parse(bodyText) as Record<string, string>);
      } catch {
        return oauthError('invalid_request', 'Invalid JSON body.');
      }
    } else {
      params = new URLSearchParams(bodyText);
    }
    const grantType = params.get('grant_type');
    if (grantType === null) return oauthError('invalid_request', 'Missing required parameter: grant_type');
    if (grantType !== JWT_BEARER_GRANT) return oauthError('unsupported_grant_type', `Invalid grant_type: ${grantType}`);
    const assertion = params.get('assertion');
    if (!assertion) return oauthError('invalid_request', 'Missing required parameter: assertion');
    const jwt = decodeJwt(assertion);
    if (!jwt) return oauthError('invalid_grant', 'Invalid JWT: malformed.');
    const { header, payload } = jwt;
    if (header.alg !== 'RS256') return BAD_SIGNATURE;
    const account = typeof payload.iss === 'string' ? this.accounts.get(payload.iss) : undefined;
    if (!account) return oauthError('invalid_grant', 'Invalid grant: account not found');
    const candidates =
      typeof header.kid === 'string' ? [[header.kid, account.keys.get(header.kid)] as const] : [...account.keys.entries()];
    const signedBy = candidates.find(
      ([keyId, key]) => key !== undefined && !this.options.isRevoked(keyId) && verifyJwtSignature(jwt, 'RS256', key),
    );
    if (!signedBy) return BAD_SIGNATURE;
    const audiences = [...ACCEPTED_AUDIENCES, this.options.ownTokenUri(), ...(account.tokenUri ? [account.tokenUri] : [])];
    if (typeof payload.aud !== 'string' || !audiences.includes(payload.aud)) {
      return oauthError('invalid_grant', `Invalid JWT: Failed audience check. The right audience is ${GOOGLE_TOKEN_URI}`);
    }
    const nowSeconds = this.options.now() / 1000;
    const { iat, exp } = payload;
    if (typeof iat !== 'number' || typeof exp !== 'number') return BAD_TIMES;
    if (exp <= nowSeconds || exp - iat > 3600 || exp <= iat || iat > nowSeconds + CLOCK_SKEW_SECONDS) return BAD_TIMES;
    const scopes = typeof payload.scope === 'string' ? payload.scope.split(/\s+/).filter(Boolean) : [];
    if (scopes.length === 0) return oauthError('invalid_scope', 'Invalid OAuth scope or ID token audience provided.');

    const accessToken = `ya29.sim-${randomBytes(48).toString('base64url')}`;
    if (this.tokens.size > 1000) this.dropExpired();
    this.tokens.set(accessToken, {
      clientEmail: payload.iss as string,
      projectId: account.projectId,
      scopes,
      expiresAt: this.options.now() + ACCESS_TOKEN_LIFETIME_SECONDS * 1000,
    });
    this.counters.accessTokensIssued++;
    return { status: 200, body: { access_token: accessToken, expires_in: ACCESS_TOKEN_LIFETIME_SECONDS - 1, token_type: 'Bearer' } };
  }

  private dropExpired(): void {
    const now = this.options.now();
    for (const [token, grant] of this.tokens) if (grant.expiresAt <= now) this.tokens.delete(token);
  }
}

/** Whether a grant's scopes allow sending with FCM. */
export function allowsFcm(grant: AccessTokenGrant): boolean {
  return grant.scopes.includes(FCM_SCOPE) || grant.scopes.includes(CLOUD_PLATFORM_SCOPE);
}
