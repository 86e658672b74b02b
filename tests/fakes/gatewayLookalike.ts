import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request the look-alike received. */
export interface IGatewayRequestRecord {
  path: string;
  authorization?: string;
  token: string;
  options: Record<string, unknown>;
  at: number;
}

/** How to answer a token: a status (and Retry-After), drop the connection, or never answer. */
export type GatewayBehaviour = { status: number; retryAfterSeconds?: number; body?: unknown } | { reset: true } | { hang: true };

export interface GatewayLookalike {
  readonly url: string;
  readonly requests: IGatewayRequestRecord[];
  /** Requests answered 2xx, per device token. */
  delivered(token: string): IGatewayRequestRecord[];
  /** Every request for this token gets this answer from now on. */
  answer(token: string, behaviour: GatewayBehaviour): void;
  /** The next `count` requests (to `token`, or any) get this answer. */
  answerNext(behaviour: GatewayBehaviour, options?: { token?: string; count?: number }): void;
  /** Open client connections right now. */
  openConnections(): number;
  /** Connections accepted since the start (keep-alive keeps this low). */
  readonly connectionsAccepted: number;
  /** Stops listening: later requests are refused (ECONNREFUSED). */
  stop(): Promise<void>;
}

/**
 * A small stand-in for a Rocket.Chat-protocol push gateway (`POST /push/{apn|gcm}/send`, `{token, options}`,
 * bearer auth): records every request, answers 401 for a wrong bearer token, and answers per token or for the
 * next requests as told (406 dead token, 422, 429 with Retry-After, 5xx, dropped connections).
 */
export async function startGatewayLookalike(options: { token?: string } = {}): Promise<GatewayLookalike> {
  const requests: IGatewayRequestRecord[] = [];
  const deliveredRequests: IGatewayRequestRecord[] = [];
  const perToken = new Map<string, GatewayBehaviour>();
  const queue: Array<{ behaviour: GatewayBehaviour; token?: string; remaining: number }> = [];
  const sockets = new Set<Socket>();
  let connectionsAccepted = 0;

  const reply = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
  };

  const server = http.createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '';
      if (req.method !== 'POST' || !/^\/push\/(apn|gcm)\/send$/.test(path)) return reply(res, 404, { error: 'not found' });
      let body: { token?: unknown; options?: unknown };
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return reply(res, 400, { error: 'invalid JSON' });
      }
      if (typeof body.token !== 'string' || typeof body.options !== 'object' || body.options === null) {
        return reply(res, 422, { error: 'token and options are required' });
      }
      const record: IGatewayRequestRecord = {
        path,
        authorization: req.headers.authorization,
        token: body.token,
        options: body.options as Record<string, unknown>,
        at: Date.now(),
      };
      requests.push(record);
      if (options.token !== undefined && req.headers.authorization !== `Bearer ${options.token}`) {
        return reply(res, 401, { error: 'unknown workspace' });
      }
      let behaviour = perToken.get(body.token);
      const queued = queue.findIndex((q) => q.token === undefined || q.token === body.token);
      if (queued >= 0) {
        behaviour = queue[queued].behaviour;
        if (--queue[queued].remaining === 0) queue.splice(queued, 1);
      }
      if (behaviour && 'reset' in behaviour) {
        req.socket.destroy();
        return;
      }
      if (behaviour && 'hang' in behaviour) return; // the client's timeout has to deal with it
      const status = behaviour && 'status' in behaviour ? behaviour.status : 200;
      if (status >= 200 && status < 300) deliveredRequests.push(record);
      const answer = behaviour && 'status' in behaviour ? behaviour : undefined;
      const headers: Record<string, string> = answer?.retryAfterSeconds !== undefined ? { 'retry-after': String(answer.retryAfterSeconds) } : {};
      reply(res, status, answer?.body ?? (status < 300 ? { success: true } : { error: `status ${status}` }), headers);
    });
  });
  server.on('connection', (socket: Socket) => {
    connectionsAccepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    delivered: (token) => deliveredRequests.filter((r) => r.token === token),
    answer: (token, behaviour) => void perToken.set(token, behaviour),
    answerNext: (behaviour, { token, count = 1 } = {}) => void queue.push({ behaviour, token, remaining: count }),
    openConnections: () => sockets.size,
    get connectionsAccepted() {
      return connectionsAccepted;
    },
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
