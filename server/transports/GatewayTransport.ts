import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { IDeliveryResult, IPushDelivery, IPushTransport } from '../../definitions/IPushTransport';
import { classifyGatewayResponse } from '../../lib/delivery/classifyGatewayResponse';
import { classification } from '../../lib/delivery/DeliveryClassification';
import { parseGatewayList } from '../../lib/delivery/parseGatewayList';
import { PushError } from '../../lib/errors';
import { toGatewayRequest } from '../../lib/providers/toGatewayRequest';
import { mapWithConcurrency } from './mapWithConcurrency';
import { toResult } from './toResult';

/** One HTTP answer (or none: `error`). */
export interface IGatewayAnswer {
  status?: number;
  headers: IncomingHttpHeaders;
  error?: unknown;
}

/** Sends one JSON POST; injectable for tests that need no sockets. */
export type GatewayPoster = (url: URL, body: string, headers: Record<string, string>, timeoutMs: number) => Promise<IGatewayAnswer>;

export interface GatewayTransportOptions {
  /** Gateway base URLs, tried in order (failover on network errors and 5xx). */
  gateways: string[];
  /** Secret: the bearer token the gateway issued to this workspace. */
  token: string;
  /** The workspace id (`uniqueID`), sent as `options.uniqueId`. */
  uniqueId: string;
  /** Per request. @defaultValue 10000 */
  timeoutMs?: number;
  /** Requests in flight per `send` call. @defaultValue 16 */
  concurrency?: number;
  /** How long a gateway that failed is tried after the others. @defaultValue 30000 */
  failoverCoolDownMs?: number;
  /** Android large icon URL for `options.gcm.image`. */
  image?: string;
  /** PEM to trust for https gateways with a private CA. */
  ca?: string;
  post?: GatewayPoster;
  now?: () => Date;
}

/**
 * Delivers through push gateways speaking Rocket.Chat's protocol: `POST {gateway}/push/{apn|gcm}/send` with
 * `{token, options}` and `Authorization: Bearer <token>`. With several gateways, a network error or 5xx on one
 * tries the next; a 4xx is the gateway's answer and ends the delivery. A gateway that failed recently is tried
 * last (for `failoverCoolDownMs`), so an outage of the first gateway does not cost every push a timeout, and
 * `routeOf` names the gateway that would be tried first (the worker's breaker then guards the gateway in use).
 * Connections are kept alive and closed by `close()`.
 */
export class GatewayTransport implements IPushTransport {
  readonly name = 'gateway';
  private readonly gateways: string[];
  private readonly timeoutMs: number;
  private readonly concurrency: number;
  private readonly failoverCoolDownMs: number;
  private readonly now: () => Date;
  private readonly post: GatewayPoster;
  private readonly agents: { http: http.Agent; https: https.Agent };
  private readonly failedAt = new Map<string, number>();
  private closed = false;

  constructor(private readonly options: GatewayTransportOptions) {
    this.gateways = parseGatewayList(options.gateways.join('\n')).urls;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.concurrency = options.concurrency ?? 16;
    this.failoverCoolDownMs = options.failoverCoolDownMs ?? 30_000;
    this.now = options.now ?? (() => new Date());
    this.agents = {
      http: new http.Agent({ keepAlive: true, maxSockets: this.concurrency }),
      https: new https.Agent({ keepAlive: true, maxSockets: this.concurrency, ca: options.ca }),
    };
    this.post = options.post ?? ((url, body, headers, timeoutMs) => this.httpPost(url, body, headers, timeoutMs));
  }

  routeOf(_delivery?: IPushDelivery): string {
    const [first] = this.order();
    return first === undefined ? 'gateway:unconfigured' : `gateway:${first}`;
  }

  async send(deliveries: IPushDelivery[]): Promise<IDeliveryResult[]> {
    if (this.gateways.length === 0) {
      throw new PushError('PUSH_ERR_TRANSPORT_NOT_CONFIGURED', ['gateway', 'no valid gateway URL in Push_gateway']);
    }
    if (this.options.token.trim() === '') {
      throw new PushError('PUSH_ERR_TRANSPORT_NOT_CONFIGURED', ['gateway', 'Push_gateway_token is empty']);
    }
    if (this.closed) throw new PushError('PUSH_ERR_TRANSPORT_NOT_CONFIGURED', ['gateway', 'the transport was closed']);
    return mapWithConcurrency(deliveries, this.concurrency, (delivery) => this.deliver(delivery));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private async deliver(delivery: IPushDelivery): Promise<IDeliveryResult> {
    const request = toGatewayRequest(delivery, { uniqueId: this.options.uniqueId, now: this.now(), image: this.options.image, userId: delivery.userId });
    const body = JSON.stringify(request.body);
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${this.options.token}` };
    const order = this.order();
    let last: IDeliveryResult | undefined;
    for (let i = 0; i < order.length; i++) {
      const gateway = order[i];
      const answer = await this.post(new URL(gateway + request.path), body, headers, this.timeoutMs);
      const classified = classifyGatewayResponse(answer.status, answer.headers, this.now(), answer.error);
      if (classified.routeHealth === 'failure' && classified.failover) this.failedAt.set(gateway, this.now().getTime());
      else this.failedAt.delete(gateway);
      last = toResult(delivery, `gateway:${gateway}`, classified);
      if (!classified.failover) return last;
    }
    return last ?? toResult(delivery, 'gateway:unconfigured', classification('retry', 'NOT_CONFIGURED'));
  }

  /** Gateways in the configured order, those that failed within the cool-down last. */
  private order(): string[] {
    const now = this.now().getTime();
    const down = (gateway: string) => now - (this.failedAt.get(gateway) ?? -Infinity) < this.failoverCoolDownMs;
    return [...this.gateways.filter((g) => !down(g)), ...this.gateways.filter(down)];
  }

  private httpPost(url: URL, body: string, headers: Record<string, string>, timeoutMs: number): Promise<IGatewayAnswer> {
    const isHttps = url.protocol === 'https:';
    const send = isHttps ? https.request : http.request;
    return new Promise((resolve) => {
      let settled = false;
      const finish = (answer: IGatewayAnswer) => {
        if (!settled) {
          settled = true;
          resolve(answer);
        }
      };
      const request = send(
        url,
        {
          method: 'POST',
          agent: isHttps ? this.agents.https : this.agents.http,
          headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        },
        (response) => {
          // The body is not needed (the status says it all); drain it so the connection can be reused.
          response.resume();
          response.on('end', () => finish({ status: response.statusCode, headers: response.headers }));
          response.on('error', (error) => finish({ status: response.statusCode, headers: response.headers, error }));
        },
      );
      request.setTimeout(timeoutMs, () => {
        request.destroy(Object.assign(new Error(`gateway request timed out after ${timeoutMs} ms`), { code: 'ETIMEDOUT' }));
      });
      request.on('error', (error) => finish({ headers: {}, error }));
      request.end(body);
    });
  }
}
