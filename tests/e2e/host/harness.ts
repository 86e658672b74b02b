import pino from 'pino';
import { openTestDatabase, TestDatabase } from '../../support/testDatabase';
import { createHost, CreateHostOptions, Host } from '../../../server/host/createHost';

export const ADMIN = { username: 'admin', password: 'admin-pass-123' };

export interface ApiResponse<T = Record<string, any>> {
  status: number;
  body: T;
  headers: Headers;
  text: string;
}

export interface Credentials {
  userId: string;
  authToken: string;
}

export interface CallOptions {
  body?: unknown;
  /** Sent as-is (for malformed JSON, wrong content types). */
  rawBody?: string | Buffer;
  query?: Record<string, string>;
  auth?: Credentials;
  headers?: Record<string, string>;
}

/** A small REST client over real sockets (global fetch), speaking the host's API like a mobile app would. */
export class ApiClient {
  constructor(readonly baseUrl: string) {}

  async call<T = Record<string, any>>(method: string, path: string, options: CallOptions = {}): Promise<ApiResponse<T>> {
    const url = new URL(path.startsWith('/') ? path : `/api/v1/${path}`, this.baseUrl);
    for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.append(key, value);
    const headers: Record<string, string> = { ...options.headers };
    if (options.auth) {
      headers['x-user-id'] = options.auth.userId;
      headers['x-auth-token'] = options.auth.authToken;
    }
    let body: string | Buffer | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(url, { method, headers, body });
    const text = await response.text();
    let parsed: any;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: response.status, body: parsed as T, headers: response.headers, text };
  }

  post<T = Record<string, any>>(path: string, body?: unknown, auth?: Credentials) {
    return this.call<T>('POST', path, { body, auth });
  }

  get<T = Record<string, any>>(path: string, query?: Record<string, string>, auth?: Credentials) {
    return this.call<T>('GET', path, { query, auth });
  }

  async login(user: string, password: string): Promise<Credentials> {
    const response = await this.post('login', { user, password });
    if (response.status !== 200) throw new Error(`login as ${user} failed: ${response.status} ${response.text}`);
    return { userId: response.body.data.userId, authToken: response.body.data.authToken };
  }
}

export interface RunningHost {
  host: Host;
  database: TestDatabase;
  url: string;
  api: ApiClient;
  admin: Credentials;
  /** Creates a user through the API (as admin) and logs them in. */
  createUser(username: string, extra?: Record<string, unknown>): Promise<Credentials & { username: string }>;
  close(): Promise<void>;
}

/** Starts a host on a fresh database, listening on a free port of 127.0.0.1. */
export async function startHost(options: Partial<CreateHostOptions> = {}): Promise<RunningHost> {
  const database = await openTestDatabase();
  const host = await createHost({
    db: database.db,
    logger: pino({ level: 'silent' }),
    settingsRefreshMs: 0,
    ...options,
    env: { ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password, ...options.env },
  });
  const { url } = await host.listen({ host: '127.0.0.1', port: 0 });
  const api = new ApiClient(url);
  const admin = await api.login(ADMIN.username, ADMIN.password);
  return {
    host,
    database,
    url,
    api,
    admin,
    async createUser(username, extra = {}) {
      const password = `${username}-password`;
      const created = await api.post(
        'users.create',
        { username, password, name: `${username[0].toUpperCase()}${username.slice(1)}`, email: `${username}@example.com`, ...extra },
        admin,
      );
      if (created.status !== 200) throw new Error(`users.create ${username}: ${created.status} ${created.text}`);
      return { ...(await api.login(username, password)), username };
    },
    async close() {
      await host.close();
      await database.close();
    },
  };
}

/** Document counts of every host collection: a refused request must leave them all unchanged. */
export async function collectionCounts(host: Host): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const model of Object.values(host.models)) counts[model.name] = await model.col.countDocuments();
  return counts;
}
