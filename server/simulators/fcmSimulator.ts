/**
 * A local look-alike of Google's FCM HTTP v1 API plus the OAuth token endpoint it depends on. Plain HTTP/1.1 by
 * default, because the transport routes firebase-admin through an `httpAgent` whose `createConnection` dials the
 * simulator directly (`PUSH_FCM_ENDPOINT=http://127.0.0.1:9090`); optionally TLS (then HTTP/2 and HTTP/1.1).
 */

import { randomBytes } from 'crypto';
import http, { type IncomingMessage, type ServerResponse } from 'http';
import http2, { constants as h2, type Http2ServerRequest, type Http2ServerResponse } from 'http2';
import type { AddressInfo, Socket } from 'net';
import { createSelfSignedCertificate } from './certificates';
import { CONTROL_PREFIX, dialHost, handleControlRequest, readBody, type ControlTarget } from './controlApi';
import { FaultController, type FaultDecision } from './faults';
import { fcmError, fcmFaultError, validateFcmSendRequest, FCM_ERRORS, type FcmErrorBody } from './fcmMessage';
import { allowsFcm, GoogleOAuthIssuer, type ServiceAccountRegistration } from './googleOAuth';
import { Inbox } from './inbox';

export interface FcmSimulatorOptions {
  host?: string;
  port?: number;
  /** Serve HTTPS (HTTP/2 + HTTP/1.1) with a generated certificate (true) or the given one. Default: plain HTTP/1.1. */
  tls?: boolean | { certPem: string; keyPem: string };
  /** Service accounts to trust from the start (the JSON key files, or their public parts). */
  serviceAccounts?: ServiceAccountRegistration[];
  /** Most pushes kept in the inbox before the oldest are dropped (default 25,000; counters keep counting). */
  maxInboxEntries?: number;
  /** Clock in ms (default Date.now). */
  now?: () => number;
}

export interface FcmPush {
  /** Set for token messages; topic and condition messages carry `topic` / `condition` instead. */
  token?: string;
  topic?: string;
  condition?: string;
  projectId: string;
  /** The `name` FCM answered: `projects/<p>/messages/<id>`. */
  name: string;
  /** The `message` object as received. */
  message: Record<string, unknown>;
  /** The service account whose access token sent it. */
  clientEmail: string;
  receivedAt: Date;
  /** Request headers without `authorization`. */
  headers: Record<string, string>;
}

export interface FcmStats {
  requests: number;
  received: number;
  rejected: number;
  rejectedByReason: Record<string, number>;
  validateOnly: number;
  tokenRequests: number;
  accessTokensIssued: number;
  tokenRequestsRefused: number;
  faults: { failures: number; resets: number; refusedWhileDown: number };
  inboxSize: number;
}

export interface FcmSimulator {
  /** Host to dial (the listening host; a wildcard listen address becomes loopback). */
  readonly host: string;
  readonly port: number;
  /** `http://127.0.0.1:<port>` (https when TLS is on). */
  readonly endpoint: string;
  /** The token endpoint URL (`<endpoint>/token`). */
  readonly tokenUri: string;
  /** PEM to trust when TLS is on. */
  readonly ca?: string;
  readonly faults: FaultController;
  readonly received: number;
  readonly rejectedByReason: Readonly<Record<string, number>>;
  /** OAuth token requests answered so far (to check clients cache their access token). */
  readonly tokenRequests: number;
  registerServiceAccount(account: ServiceAccountRegistration): void;
  /** Ties a token to a project: sending to it from another project answers SENDER_ID_MISMATCH. */
  registerDevice(token: string, options?: { projectId?: string }): void;
  /** Invalidates every access token issued so far. */
  revokeAccessTokens(): void;
  inbox(token?: string): FcmPush[];
  allReceived(): FcmPush[];
  clear(): void;
  waitFor(predicate: (push: FcmPush) => boolean, timeoutMs?: number): Promise<FcmPush>;
  waitFor(count: number, timeoutMs?: number): Promise<FcmPush[]>;
  stats(): FcmStats;
  stop(): Promise<void>;
}

type AnyRequest = IncomingMessage | Http2ServerRequest;
type AnyResponse = ServerResponse | Http2ServerResponse;

const SEND_PATH = /^\/v1\/projects\/([^/]+)\/messages:send$/;
const TOKEN_PATHS = new Set(['/token', '/oauth2/v4/token']);
const BODY_LIMIT = 1 << 20;

function inboxKey(push: FcmPush): string {
  return push.token ?? (push.topic !== undefined ? `/topics/${push.topic}` : `condition:${push.condition}`);
}

export async function startFcmSimulator(options: FcmSimulatorOptions = {}): Promise<FcmSimulator> {
  const now = options.now ?? Date.now;
  const host = options.host ?? '127.0.0.1';
  const faults = new FaultController(now);
  const inbox = new Inbox<FcmPush>(inboxKey, options.maxInboxEntries);
  const devices = new Map<string, { projectId?: string }>();
  const counters = { requests: 0, received: 0, rejected: 0, validateOnly: 0, rejectedByReason: {} as Record<string, number> };
  const pendingTimers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  let endpoint = '';
  const oauth = new GoogleOAuthIssuer({ now, isRevoked: (id) => faults.isRevoked(id), ownTokenUri: () => `${endpoint}/token` });
  for (const account of options.serviceAccounts ?? []) oauth.registerServiceAccount(account);

  const count = (reason: string) => {
    counters.rejected++;
    counters.rejectedByReason[reason] = (counters.rejectedByReason[reason] ?? 0) + 1;
  };

  function send(res: AnyResponse, status: number, body: unknown, headers: Record<string, string> = {}, delayMs = 0) {
    const write = () => {
      if (res.writableEnded || res.destroyed) return;
      const text = JSON.stringify(body);
      (res as ServerResponse).writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers });
      (res as ServerResponse).end(text);
    };
    if (delayMs <= 0) return write();
    const timer = setTimeout(() => {
      pendingTimers.delete(timer);
      write();
    }, delayMs);
    pendingTimers.add(timer);
  }

  function fail(res: AnyResponse, body: FcmErrorBody, delayMs: number, headers?: Record<string, string>) {
    const detail = body.error.details?.find((d) => typeof d.errorCode === 'string');
    count((detail?.errorCode as string | undefined) ?? body.error.status);
    send(res, body.error.code, body, headers, delayMs);
  }

  function reset(req: AnyRequest, decision: Extract<FaultDecision, { kind: 'down' | 'reset' }>) {
    count(decision.kind === 'down' ? '(down)' : '(reset)');
    if ('stream' in req && req.stream) {
      const mode = decision.kind === 'down' ? 'stream' : decision.mode;
      if (mode === 'stream') req.stream.close(decision.kind === 'down' ? h2.NGHTTP2_REFUSED_STREAM : h2.NGHTTP2_INTERNAL_ERROR);
      else req.stream.session?.destroy();
      return;
    }
    req.socket.destroy(); // HTTP/1.1: the client sees ECONNRESET
  }

  async function handleSend(req: AnyRequest, res: AnyResponse, projectId: string) {
    counters.requests++;
    const { text } = await readBody(req as IncomingMessage, BODY_LIMIT);
    let body: unknown;
    let parseError = false;
    try {
      body = JSON.parse(text);
    } catch {
      parseError = true;
    }
    const message = (body as { message?: { token?: unknown } } | undefined)?.message;
    const token = typeof message?.token === 'string' ? message.token : undefined;

    const decision = faults.decide(token);
    if (decision && decision.kind !== 'fail') return reset(req, decision);
    const delay = faults.delayMs();
    if (decision) {
      const headers = decision.retryAfterSeconds !== undefined ? { 'retry-after': String(decision.retryAfterSeconds) } : undefined;
      return fail(res, fcmFaultError(decision.status, decision.reason), delay, headers);
    }

    const authorization = req.headers.authorization;
    const bearer = typeof authorization === 'string' ? /^Bearer\s+(\S+)$/i.exec(authorization)?.[1] : undefined;
    if (!bearer) {
      return fail(res, fcmError(401, 'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.'), delay);
    }
    const grant = oauth.grantOf(bearer);
    if (!grant) {
      return fail(res, fcmError(401, 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.'), delay);
    }
    if (!allowsFcm(grant)) return fail(res, fcmError(403, 'Request had insufficient authentication scopes.'), delay);
    if (grant.projectId !== projectId) {
      return fail(res, fcmError(403, `Permission 'cloudmessaging.messages.create' denied on resource '//cloudresourcemanager.googleapis.com/projects/${projectId}' (or it may not exist).`), delay);
    }
    if (parseError) return fail(res, fcmError(400, 'Invalid JSON payload received. Unexpected token.', 'INVALID_ARGUMENT'), delay);
    const verdict = validateFcmSendRequest(body);
    if (!verdict.ok) return fail(res, verdict.body, delay);

    if (verdict.validateOnly) {
      counters.validateOnly++;
      return send(res, 200, { name: `projects/${projectId}/messages/fake_message_id` }, {}, delay);
    }
    if ('token' in verdict.target) {
      const registered = devices.get(verdict.target.token);
      if (registered?.projectId !== undefined && registered.projectId !== projectId) {
        return fail(res, fcmFaultError(FCM_ERRORS.SENDER_ID_MISMATCH.code, 'SENDER_ID_MISMATCH'), delay);
      }
      if (faults.deadToken(verdict.target.token)) {
        return fail(res, fcmFaultError(FCM_ERRORS.UNREGISTERED.code, 'UNREGISTERED'), delay);
      }
    }
    // Real message ids look like `0:1700000000000000%abcdef0123456789`.
    const name = `projects/${projectId}/messages/0:${now() * 1000 + (counters.received % 1000)}%${randomBytes(8).toString('hex')}`;
    inbox.add({
      ...verdict.target,
      projectId,
      name,
      message: verdict.message,
      clientEmail: grant.clientEmail,
      receivedAt: new Date(now()),
      headers: publicHeaders(req.headers),
    });
    counters.received++;
    send(res, 200, { name }, {}, delay);
  }

  const controlTarget: ControlTarget = {
    faults,
    inbox: (token) => (token === undefined ? inbox.all() : inbox.list(token)),
    clear: (token) => inbox.clear(token),
    stats: () => simulator.stats(),
    registerDevice: (token, opts) => devices.set(token, { projectId: opts.projectId }),
  };

  async function onRequest(req: AnyRequest, res: AnyResponse) {
    const url = req.url ?? '/';
    const method = req.method ?? 'GET';
    const path = url.split('?')[0];
    if (path.startsWith(CONTROL_PREFIX)) {
      const { text } = await readBody(req as IncomingMessage, BODY_LIMIT);
      const answer = handleControlRequest(controlTarget, method, url, text);
      return send(res, answer.status, answer.body);
    }
    if (TOKEN_PATHS.has(path)) {
      const { text } = await readBody(req as IncomingMessage, BODY_LIMIT);
      if (method !== 'POST') return send(res, 405, { error: 'invalid_request', error_description: 'Only POST is supported.' });
      const answer = oauth.exchange(text, req.headers['content-type']);
      return send(res, answer.status, answer.body, { 'cache-control': 'no-cache, no-store, max-age=0, must-revalidate' });
    }
    const match = SEND_PATH.exec(path);
    if (match && method === 'POST') return handleSend(req, res, decodeURIComponent(match[1]));
    req.resume();
    count('NOT_FOUND');
    return send(res, 404, fcmError(404, `Method not found: ${method} ${path}`));
  }

  const handler = (req: AnyRequest, res: AnyResponse) => {
    onRequest(req, res).catch(() => {
      // The client went away mid-request; nothing to answer.
    });
  };

  let ca: string | undefined;
  let server: http.Server | http2.Http2SecureServer;
  if (options.tls) {
    const tls =
      options.tls === true
        ? createSelfSignedCertificate({ commonName: 'localhost', altNames: { dns: ['localhost'], ip: ['127.0.0.1', '::1'] }, days: 30 })
        : options.tls;
    ca = tls.certPem;
    const secure = http2.createSecureServer({ cert: tls.certPem, key: tls.keyPem, allowHTTP1: true }, handler);
    secure.on('session', (session) => session.on('error', () => undefined));
    secure.on('secureConnection', (socket: Socket) => track(socket));
    secure.on('tlsClientError', () => undefined);
    server = secure;
  } else {
    const plain = http.createServer({ keepAlive: true }, handler);
    plain.on('connection', (socket) => track(socket));
    plain.on('clientError', (_error, socket) => socket.destroy());
    server = plain;
  }
  function track(socket: Socket) {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  endpoint = `${options.tls ? 'https' : 'http'}://${dialHost(host).urlHost}:${port}`;
  let stopped: Promise<void> | null = null;

  const simulator: FcmSimulator = {
    host: dialHost(host).host,
    port,
    endpoint,
    tokenUri: `${endpoint}/token`,
    ca,
    faults,
    get received() {
      return counters.received;
    },
    get rejectedByReason() {
      return counters.rejectedByReason;
    },
    get tokenRequests() {
      return oauth.counters.tokenRequests;
    },
    registerServiceAccount: (account) => oauth.registerServiceAccount(account),
    registerDevice: (token, device = {}) => {
      devices.set(token, { projectId: device.projectId });
    },
    revokeAccessTokens: () => oauth.revokeAccessTokens(),
    inbox: (token) => (token === undefined ? inbox.all() : inbox.list(token)),
    allReceived: () => inbox.all(),
    clear: () => {
      inbox.clear();
      faults.resetCounters();
      counters.requests = 0;
      counters.received = 0;
      counters.rejected = 0;
      counters.validateOnly = 0;
      counters.rejectedByReason = {};
      oauth.counters.tokenRequests = 0;
      oauth.counters.accessTokensIssued = 0;
      oauth.counters.tokenRequestsRefused = 0;
    },
    waitFor: ((condition: ((push: FcmPush) => boolean) | number, timeoutMs?: number) =>
      inbox.waitFor(condition as (push: FcmPush) => boolean, timeoutMs)) as FcmSimulator['waitFor'],
    stats: () => ({
      requests: counters.requests,
      received: counters.received,
      rejected: counters.rejected,
      rejectedByReason: { ...counters.rejectedByReason },
      validateOnly: counters.validateOnly,
      ...oauth.counters,
      faults: { ...faults.injected },
      inboxSize: inbox.size,
    }),
    stop: () => {
      stopped ??= new Promise<void>((resolve) => {
        for (const timer of pendingTimers) clearTimeout(timer);
        pendingTimers.clear();
        inbox.close();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return stopped;
    },
  };
  return simulator;
}

function publicHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const result: Record<string, string> = {};
  for (const name of Object.keys(headers)) {
    if (name.charCodeAt(0) === 58 /* ':' */ || name === 'authorization') continue;
    const value = headers[name];
    if (value !== undefined) result[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return result;
}
