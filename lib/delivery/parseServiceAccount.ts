/** The fields of a Google service-account JSON key that FCM delivery needs. */
export interface IServiceAccount {
  type: string;
  project_id: string;
  private_key_id: string;
  /** Secret: never log or return it. */
  private_key: string;
  client_email: string;
  /** Google's OAuth token endpoint for this account. */
  token_uri: string;
}

export const GOOGLE_TOKEN_URI = 'https://oauth2.googleapis.com/token';

const REQUIRED_FIELDS = ['project_id', 'private_key_id', 'private_key', 'client_email'] as const;

export type ServiceAccountParseResult =
  | { ok: true; account: IServiceAccount }
  | { ok: false; problem: 'empty' | 'invalid-json' | 'not-an-object' | 'missing-fields' | 'wrong-type'; missing?: string[] };

/**
 * Reads `Push_google_api_credentials`. The same checks Rocket.Chat makes (ajv: `client_email`, `project_id`,
 * `private_key_id`, `private_key` required), plus `type: service_account` when a type is given, and a default
 * `token_uri`. Error results never echo the input (it holds a private key).
 */
export function parseServiceAccount(json: string): ServiceAccountParseResult {
  if (json.trim() === '') return { ok: false, problem: 'empty' };
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return { ok: false, problem: 'invalid-json' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, problem: 'not-an-object' };
  const record = value as Record<string, unknown>;
  const missing = REQUIRED_FIELDS.filter((field) => typeof record[field] !== 'string' || (record[field] as string).trim() === '');
  if (missing.length > 0) return { ok: false, problem: 'missing-fields', missing };
  if (record.type !== undefined && record.type !== 'service_account') return { ok: false, problem: 'wrong-type' };
  const tokenUri = typeof record.token_uri === 'string' && record.token_uri.trim() !== '' ? record.token_uri : GOOGLE_TOKEN_URI;
  return {
    ok: true,
    account: {
      type: 'service_account',
      project_id: record.project_id as string,
      private_key_id: record.private_key_id as string,
      private_key: record.private_key as string,
      client_email: record.client_email as string,
      token_uri: tokenUri,
    },
  };
}
