/**
 * A local look-alike of Apple's APNs provider API: HTTP/2 over TLS, `POST /3/device/<token>`, provider-token or
 * certificate authentication, Apple's header/topic/token/payload checks and documented error answers, a per-token
 * inbox, and injectable faults. HTTP/1.1 is accepted only for the `/_sim/` control API (so plain fetch/curl work).
 */

import { randomUUID } from 'crypto';
import http2, {
  constants as h2,
  type IncomingHttpHeaders,
  type Http2SecureServer,
  type Http2Session,
  type ServerHttp2Session,
  type ServerHttp2Stream,
} from 'http2';
import type { IncomingMessage, ServerResponse } from 'http';
import type { AddressInfo, Socket } from 'net';
import type { PeerCertificate, TLSSocket } from 'tls';
import { ApnsAuthenticator, type ApnsAuth, type ApnsEnvironment, type ApnsSigningKeyRegistration } from './apnsAuth';
import { checkApnsPush, type ApnsDevice } from './apnsRequest';
import { createSelfSignedCertificate } from './certificates';
import { CONTROL_PREFIX, dialHost, handleControlRequest, readBody, type ControlTarget } from './controlApi';
import { FaultController, type FaultDecision } from './faults';
import { Inbox } from './inbox';

export interface ApnsSimulatorOptions {
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Port (default 0: any free one). */
  port?: number;
  /** Which Apple environment this pretends to be (default sandbox): decides accepted certificates and `apns-unique-id`. */
  environment?: ApnsEnvironment;
  /** Topics token-authenticated providers may push to (default: any). */
  topics?: string[];
  /** Signing keys to trust from the start. */
  signingKeys?: ApnsSigningKeyRegistration[];
  /** Client certificates (PEM) to trust from the start. */
  clientCertificates?: string[];
  /** The TLS server certificate; generated for localhost/127.0.0.1/::1 when absent. */
  tls?: { certPem: string; keyPem: string };
  /** SETTINGS_MAX_CONCURRENT_STREAMS advertised to clients (default 1000, as APNs). */
  maxConcurrentStreams?: number;
  /** Most pushes kept in the inbox before the oldest are dropped (default 25,000; counters keep counting). */
  maxInboxEntries?: number;
  /** Clock in ms (default Date.now); lets tests age provider tokens without waiting an hour. */
  now?: () => number;
}

/** One accepted push, as the inbox keeps it. */
export interface ApnsPush {
  token: string;
  apnsId: string;
  collapseId?: string;
  topic: string;
  pushType?: string;
  priority: number;
  expiration?: number;
  payload: Record<string, unknown>;
  receivedAt: Date;
  /** Request headers without pseudo-headers and without `authorization` (a credential). */
  headers: Record<string, string>;
  auth: { type: 'token'; keyId: string; teamId: string } | { type: 'certificate'; fingerprint256: string };
}

export interface ApnsStats {
  requests: number;
  received: number;
  rejected: number;
  rejectedByReason: Record<string, number>;
  faults: { failures: number; resets: number; refusedWhileDown: number };
  openSessions: number;
  inboxSize: number;
}

export interface ApnsSimulator {
  /** Host to dial (the listening host; a wildcard listen address becomes loopback). */
  readonly host: string;
  readonly port: number;
  /** Host for node-apn's `address` option: the listening host (the certificate covers localhost, 127.0.0.1 and ::1). */
  readonly address: string;
  /** `https://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** PEM of the server certificate: give it to clients as `ca`. */
  readonly ca: string;
  readonly environment: ApnsEnvironment;
  readonly faults: FaultController;
  /** Accepted pushes so far (since start or the last clear()). */
  readonly received: number;
  readonly rejectedByReason: Readonly<Record<string, number>>;
  registerSigningKey(key: ApnsSigningKeyRegistration): void;
  unregisterSigningKey(keyId: string): void;
  registerClientCertificate(certPem: string): { fingerprint256: string; topics: string[] };
  /** Makes a non-hex token acceptable and/or ties a token to a topic (else DeviceTokenNotForTopic). */
  registerDevice(token: string, options?: ApnsDevice): void;
  /** One token's pushes, or every push when no token is given. */
  inbox(token?: string): ApnsPush[];
  allReceived(): ApnsPush[];
  /** Empties the inbox and the counters. */
  clear(): void;
  waitFor(predicate: (push: ApnsPush) => boolean, timeoutMs?: number): Promise<ApnsPush>;
  waitFor(count: number, timeoutMs?: number): Promise<ApnsPush[]>;
  stats(): ApnsStats;
  stop(): Promise<void>;
}

const DEFAULT_REASONS: Record<number, string> = {
  400: 'BadDeviceToken',
  403: 'InvalidProviderToken',
  404: 'BadPath',
  405: 'MethodNotAllowed',
  410: 'Unregistered',
  413: 'PayloadTooLarge',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  503: 'ServiceUnavailable',
};
const DEVICE_PATH = '/3/device/';
/** Bodies beyond this are counted, not kept (anything over 5 KB is refused anyway). */
const BODY_KEEP_LIMIT = 8192;
const CONTROL_BODY_LIMIT = 1 << 20;

export async function startApnsSimulator(options: ApnsSimulatorOptions = {}): Promise<ApnsSimulator> {
  const now = options.now ?? Date.now;
  const environment = options.environment ?? 'sandbox';
  const host = options.host ?? '127.0.0.1';
  const faults = new FaultController(now);
  const auth = new ApnsAuthenticator({
    now,
    environment,
    topics: options.topics ? new Set(options.topics) : null,
    isRevoked: (keyId) => faults.isRevoked(keyId),
  });
  for (const key of options.signingKeys ?? []) auth.registerSigningKey(key);
  for (const pem of options.clientCertificates ?? []) auth.registerClientCertificate(pem);
  const devices = new Map<string, ApnsDevice>();
  const inbox = new Inbox<ApnsPush>((push) => push.token, options.maxInboxEntries);
  const counters = { requests: 0, received: 0, rejected: 0, rejectedByReason: {} as Record<string, number> };

  const tls =
    options.tls ??
    createSelfSignedCertificate({ commonName: 'localhost', altNames: { dns: ['localhost'], ip: ['127.0.0.1', '::1'] }, days: 30 });
  const server: Http2SecureServer = http2.createSecureServer({
    cert: tls.certPem,
    key: tls.keyPem,
    allowHTTP1: true,
    // Certificate auth: ask for a client certificate but let token-auth clients (none) connect too; which
    // certificates are trusted is decided per request by fingerprint.
    requestCert: true,
    rejectUnauthorized: false,
    settings: { maxConcurrentStreams: options.maxConcurrentStreams ?? 1000 },
  });

  const sockets = new Set<Socket>();
  const sessions = new Set<ServerHttp2Session>();
  const pendingTimers = new Set<NodeJS.Timeout>();
  /** Each connection's TLS client certificate (null: none presented). */
  const peerCertificates = new WeakMap<Http2Session, PeerCertificate | null>();

  server.on('secureConnection', (socket: TLSSocket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  server.on('session', (session: ServerHttp2Session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
    session.on('error', () => undefined);
  });
  server.on('tlsClientError', () => undefined);

  const count = (reason: string) => {
    counters.rejected++;
    counters.rejectedByReason[reason] = (counters.rejectedByReason[reason] ?? 0) + 1;
  };

  function answer(stream: ServerHttp2Stream, status: number, apnsId: string, body?: object, extra?: Record<string, string>) {
    if (stream.destroyed || stream.closed) return;
    const headers: Record<string, string | number> = { ':status': status, 'apns-id': apnsId, ...extra };
    if (status === 200 && environment === 'sandbox') headers['apns-unique-id'] = randomUUID();
    if (body) {
      headers['content-type'] = 'application/json';
      stream.respond(headers);
      stream.end(JSON.stringify(body));
    } else {
      stream.respond(headers, { endStream: true });
    }
  }

  function reply(stream: ServerHttp2Stream, delayMs: number, status: number, apnsId: string, body?: object, extra?: Record<string, string>) {
    if (delayMs <= 0) return answer(stream, status, apnsId, body, extra);
    const timer = setTimeout(() => {
      pendingTimers.delete(timer);
      answer(stream, status, apnsId, body, extra);
    }, delayMs);
    pendingTimers.add(timer);
  }

  function fail(stream: ServerHttp2Stream, delayMs: number, status: number, reason: string, apnsId: string, extra?: Record<string, string>, timestamp?: number) {
    count(reason);
    reply(stream, delayMs, status, apnsId, timestamp === undefined ? { reason } : { reason, timestamp }, extra);
  }

  function reset(stream: ServerHttp2Stream, decision: Extract<FaultDecision, { kind: 'down' | 'reset' }>) {
    count(decision.kind === 'down' ? '(down)' : '(reset)');
    const session = stream.session;
    if (decision.kind === 'down' || decision.mode === 'stream') {
      stream.close(decision.kind === 'down' ? h2.NGHTTP2_REFUSED_STREAM : h2.NGHTTP2_INTERNAL_ERROR);
    } else if (decision.mode === 'goaway' && session) {
      // Tell the client this stream was not processed, then close the connection gracefully, as APNs does when
      // it shuts a connection down.
      session.goaway(h2.NGHTTP2_NO_ERROR, Math.max(0, (stream.id ?? 1) - 2), Buffer.from(JSON.stringify({ reason: 'Shutdown' })));
      stream.close(h2.NGHTTP2_REFUSED_STREAM);
      session.close();
    } else {
      session?.destroy();
    }
  }

  function authenticate(stream: ServerHttp2Stream, headers: IncomingHttpHeaders) {
    const authorization = headers.authorization;
    if (typeof authorization === 'string') return auth.authenticateToken(authorization);
    const session = stream.session;
    if (!session) return auth.authenticateCertificate(undefined);
    // The peer certificate cannot change during a connection: read it once. Whether it is trusted is checked on
    // every request (a Map lookup), so registrations made later apply at once.
    let peer = peerCertificates.get(session);
    if (peer === undefined) {
      const presented = (session.socket as TLSSocket).getPeerCertificate?.();
      peer = presented && presented.fingerprint256 ? presented : null;
      peerCertificates.set(session, peer);
    }
    return auth.authenticateCertificate(peer ?? undefined);
  }

  function handlePush(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, rawHeaders: string[] | undefined, token: string, body: { text: string; bytes: number }) {
    const requestedId = typeof headers['apns-id'] === 'string' ? headers['apns-id'] : undefined;
    const apnsId = requestedId ?? randomUUID().toUpperCase();
    const decision = faults.decide(token);
    if (decision && decision.kind !== 'fail') return reset(stream, decision);
    const delay = faults.delayMs();
    if (decision) {
      const reason = decision.reason ?? DEFAULT_REASONS[decision.status] ?? 'InternalServerError';
      const extra = decision.retryAfterSeconds !== undefined ? { 'retry-after': String(decision.retryAfterSeconds) } : undefined;
      return fail(stream, delay, decision.status, reason, apnsId, extra, decision.status === 410 ? now() : undefined);
    }

    const authResult = authenticate(stream, headers);
    if (!authResult.ok) return fail(stream, delay, 403, authResult.reason, apnsId);
    const verdict = checkApnsPush({ headers, rawHeaders, token, body, auth: authResult.auth, device: devices.get(token) });
    if (!verdict.ok) return fail(stream, delay, verdict.status, verdict.reason, apnsId);
    const dead = faults.deadToken(token);
    if (dead) return fail(stream, delay, 410, dead.reason, apnsId, undefined, dead.since);

    const push = verdict.push;
    inbox.add({
      token,
      apnsId,
      collapseId: push.collapseId,
      topic: push.topic,
      pushType: push.pushType,
      priority: push.priority,
      expiration: push.expiration,
      payload: push.payload,
      receivedAt: new Date(now()),
      headers: publicHeaders(headers),
      auth: describeAuth(authResult.auth),
    });
    counters.received++;
    reply(stream, delay, 200, apnsId);
  }

  const controlTarget: ControlTarget = {
    faults,
    inbox: (token) => (token === undefined ? inbox.all() : inbox.list(token)),
    clear: (token) => inbox.clear(token),
    stats: () => simulator.stats(),
    registerDevice: (token, opts) => devices.set(token, { topic: opts.topic }),
  };

  async function serveControl(method: string, url: string, body: Promise<{ text: string }>) {
    const { text } = await body;
    return handleControlRequest(controlTarget, method, url, text);
  }

  function onStream(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, _flags: number, rawHeaders?: string[]) {
    stream.on('error', () => undefined);
    const path = headers[':path'] ?? '';
    const method = headers[':method'] ?? '';
    if (path.startsWith(CONTROL_PREFIX)) {
      serveControl(method, path, readBody(stream, CONTROL_BODY_LIMIT)).then(
        (res) => {
          if (stream.destroyed || stream.closed) return;
          stream.respond({ ':status': res.status, 'content-type': 'application/json' });
          stream.end(JSON.stringify(res.body));
        },
        () => undefined,
      );
      return;
    }
    counters.requests++;
    const requestedId = typeof headers['apns-id'] === 'string' ? headers['apns-id'] : undefined;
    const idForErrors = requestedId ?? randomUUID().toUpperCase();
    const queryAt = path.indexOf('?');
    const cleanPath = queryAt >= 0 ? path.slice(0, queryAt) : path;
    if (!cleanPath.startsWith(DEVICE_PATH)) {
      stream.resume();
      return fail(stream, 0, 404, 'BadPath', idForErrors);
    }
    if (method !== 'POST') {
      stream.resume();
      return fail(stream, 0, 405, 'MethodNotAllowed', idForErrors);
    }
    const token = cleanPath.slice(DEVICE_PATH.length);
    if (token === '' || token.includes('/')) {
      stream.resume();
      return fail(stream, 0, token === '' ? 400 : 404, token === '' ? 'MissingDeviceToken' : 'BadPath', idForErrors);
    }
    readBody(stream, BODY_KEEP_LIMIT).then(
      (body) => handlePush(stream, headers, rawHeaders, token, body),
      () => undefined, // the client went away
    );
  }

  // HTTP/1.1 (allowHTTP1) serves the control API only; APNs itself speaks HTTP/2 alone.
  function onHttp1Request(req: IncomingMessage | http2.Http2ServerRequest, res: ServerResponse | http2.Http2ServerResponse) {
    if (req.httpVersionMajor >= 2) return; // HTTP/2 streams are handled by onStream
    const url = req.url ?? '/';
    const respond = (status: number, body: unknown) => {
      (res as ServerResponse).writeHead(status, { 'content-type': 'application/json' });
      (res as ServerResponse).end(JSON.stringify(body));
    };
    if (!url.startsWith(CONTROL_PREFIX)) {
      req.resume();
      return respond(505, { error: 'APNs requires HTTP/2; only /_sim/ is served over HTTP/1.1' });
    }
    serveControl(req.method ?? 'GET', url, readBody(req as IncomingMessage, CONTROL_BODY_LIMIT)).then(
      (r) => respond(r.status, r.body),
      () => undefined,
    );
  }

  server.on('request', onHttp1Request);
  server.on('stream', onStream);
  // Adding a 'request' listener makes Node attach its compatibility layer to every HTTP/2 stream as well; the
  // push path uses the faster raw stream API, so detach the compatibility listener (HTTP/1.1 keeps working).
  for (const listener of server.listeners('stream')) {
    if (listener !== onStream) server.removeListener('stream', listener as (...args: unknown[]) => void);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let stopped: Promise<void> | null = null;

  const simulator: ApnsSimulator = {
    host: dialHost(host).host,
    port,
    address: dialHost(host).host,
    endpoint: `https://${dialHost(host).urlHost}:${port}`,
    ca: tls.certPem,
    environment,
    faults,
    get received() {
      return counters.received;
    },
    get rejectedByReason() {
      return counters.rejectedByReason;
    },
    registerSigningKey: (key) => auth.registerSigningKey(key),
    unregisterSigningKey: (keyId) => auth.unregisterSigningKey(keyId),
    registerClientCertificate: (pem) => auth.registerClientCertificate(pem),
    registerDevice: (token, device = {}) => {
      devices.set(token, { topic: device.topic });
    },
    inbox: (token) => (token === undefined ? inbox.all() : inbox.list(token)),
    allReceived: () => inbox.all(),
    clear: () => {
      inbox.clear();
      faults.resetCounters();
      counters.requests = 0;
      counters.received = 0;
      counters.rejected = 0;
      counters.rejectedByReason = {};
    },
    waitFor: ((condition: ((push: ApnsPush) => boolean) | number, timeoutMs?: number) =>
      inbox.waitFor(condition as (push: ApnsPush) => boolean, timeoutMs)) as ApnsSimulator['waitFor'],
    stats: () => ({
      requests: counters.requests,
      received: counters.received,
      rejected: counters.rejected,
      rejectedByReason: { ...counters.rejectedByReason },
      faults: { ...faults.injected },
      openSessions: sessions.size,
      inboxSize: inbox.size,
    }),
    stop: () => {
      stopped ??= new Promise<void>((resolve) => {
        for (const timer of pendingTimers) clearTimeout(timer);
        pendingTimers.clear();
        inbox.close();
        server.close(() => resolve());
        for (const session of sessions) session.destroy();
        for (const socket of sockets) socket.destroy();
      });
      return stopped;
    },
  };
  return simulator;
}

function publicHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const result: Record<string, string> = {};
  for (const name of Object.keys(headers)) {
    if (name.charCodeAt(0) === 58 /* ':' */ || name === 'authorization') continue;
    const value = headers[name];
    if (value !== undefined) result[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return result;
}

function describeAuth(auth: ApnsAuth): ApnsPush['auth'] {
  return auth.type === 'token'
    ? { type: 'token', keyId: auth.keyId, teamId: auth.teamId }
    : { type: 'certificate', fingerprint256: auth.fingerprint256 };
}
