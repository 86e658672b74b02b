import { randomUUID } from 'node:crypto';
import https from 'node:https';
import { deleteApp, initializeApp, type App } from 'firebase-admin/app';
import { getMessaging, type TokenMessage } from 'firebase-admin/messaging';
import type { IDeliveryResult, IPushDelivery, IPushTransport } from '../../definitions/IPushTransport';
import { classifyFcmError } from '../../lib/delivery/classifyFcmError';
import { classification, type IDeliveryClassification } from '../../lib/delivery/DeliveryClassification';
import { networkErrorReason } from '../../lib/delivery/networkErrorReason';
import { parseRetryAfter } from '../../lib/delivery/parseRetryAfter';
import type { IServiceAccount } from '../../lib/delivery/parseServiceAccount';
import { PushError } from '../../lib/errors';
import { FCM_MAX_PAYLOAD_BYTES, fcmPayloadBytes, toFcmMessage } from '../../lib/providers/toFcmMessage';
import { EndpointAgent } from './EndpointAgent';
import { instrumentFirebaseMessaging, type IFcmAnswerLog } from './instrumentFirebaseMessaging';
import { mapWithConcurrency } from './mapWithConcurrency';
import { AccessTokenError, ServiceAccountCredential } from './ServiceAccountCredential';
import { toResult } from './toResult';

/** What we use of firebase-admin's Messaging (a fake for unit tests needs only this). */
export interface IFcmSender {
  send(message: TokenMessage): Promise<string>;
}

export interface FcmTransportOptions {
  serviceAccount: IServiceAccount;
  /** Every firebase-admin call (FCM and OAuth) goes here instead of Google (`PUSH_FCM_ENDPOINT`). */
  endpoint?: string;
  /** PEM trusted for an `https://` endpoint. */
  ca?: string;
  /** Replaces firebase-admin (tests); then no app, agent or credential is created. */
  messaging?: IFcmSender;
  /** Requests in flight per `send` call, and sockets kept per host. @defaultValue 32 */
  concurrency?: number;
  /** Android large icon URL. */
  image?: string;
  now?: () => Date;
}

const AUTH_DETAIL = 'Google refused the service account: check Push_google_api_credentials (key revoked or deleted?)';

/**
 * Delivers directly to FCM HTTP v1 with `firebase-admin` 13.10: one named app per service account, with our own
 * credential (`ServiceAccountCredential`: signs the JWT assertion and fetches the access token through our agent,
 * cached until shortly before expiry) and an `httpAgent` with keep-alive; with `endpoint`, an `EndpointAgent` sends
 * FCM and OAuth traffic there. One `send()` per message (HTTP/1.1, which honours `httpAgent`; `sendEach` would
 * switch to an HTTP/2 session that ignores it), in parallel up to `concurrency`. firebase-admin's built-in retries
 * are switched off (see `instrumentFirebaseMessaging`): the outbox owns retries.
 */
export class FcmTransport implements IPushTransport {
  readonly name = 'fcm';
  readonly route: string;
  private readonly now: () => Date;
  private readonly concurrency: number;
  private app: App | undefined;
  private agent: https.Agent | undefined;
  private credential: ServiceAccountCredential | undefined;
  private sender: IFcmSender | undefined;
  private answers: IFcmAnswerLog | undefined;
  private refreshing: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly options: FcmTransportOptions) {
    this.now = options.now ?? (() => new Date());
    this.concurrency = options.concurrency ?? 32;
    this.route = `fcm:${options.serviceAccount.project_id}`;
    this.sender = options.messaging;
  }

  routeOf(): string {
    return this.route;
  }

  /** OAuth token requests made so far (zero with an injected sender). */
  get tokenRequests(): number {
    return this.credential?.requests ?? 0;
  }

  /** Whether firebase-admin's own retries are off (they are unless its internals moved). */
  get libraryRetriesDisabled(): boolean {
    return this.answers?.retriesDisabled ?? this.options.messaging !== undefined;
  }

  async send(deliveries: IPushDelivery[]): Promise<IDeliveryResult[]> {
    if (this.closed) throw new PushError('PUSH_ERR_TRANSPORT_NOT_CONFIGURED', ['fcm', 'the transport was closed']);
    if (deliveries.length === 0) return [];
    const sender = this.senderOrCreate();
    // One token check for the whole batch: a token endpoint that is down, or refuses the account, is one answer
    // for every push, and firebase-admin would report it as `app/invalid-credential` without saying which.
    const refusal = await this.checkAccessToken();
    if (refusal) return deliveries.map((delivery) => toResult(delivery, this.route, refusal));
    return mapWithConcurrency(deliveries, this.concurrency, (delivery) => this.deliver(sender, delivery));
  }

  async close(): Promise<void> {
    this.closed = true;
    const app = this.app;
    this.app = undefined;
    if (app) await deleteApp(app);
    this.agent?.destroy();
    this.agent = undefined;
  }

  private async deliver(sender: IFcmSender, delivery: IPushDelivery): Promise<IDeliveryResult> {
    const message = toFcmMessage(delivery, { now: this.now(), image: this.options.image });
    if (fcmPayloadBytes(message) > FCM_MAX_PAYLOAD_BYTES) {
      return toResult(delivery, this.route, classification('rejected', 'PAYLOAD_TOO_LARGE', { detail: `the payload is over ${FCM_MAX_PAYLOAD_BYTES} bytes even without text` }));
    }
    try {
      const name = await sender.send(message);
      return toResult(delivery, this.route, classification('delivered', 'OK', { status: 200 }), name);
    } catch (error) {
      const e = error as { code?: unknown; message?: unknown };
      const answer = this.answers?.take(delivery.token);
      if (answer?.status === 401) await this.refreshAccessToken();
      const classified = classifyFcmError(typeof e.code === 'string' ? e.code : 'unknown', {
        message: typeof e.message === 'string' ? e.message : undefined,
        status: answer?.status,
        providerCode: answer?.providerCode,
        retryAfterMs: parseRetryAfter(answer?.retryAfter, this.now()),
        error,
      });
      return toResult(delivery, this.route, classified);
    }
  }

  /**
   * FCM refused our access token: forget it here and in firebase-admin (which caches it too, until five minutes
   * before its announced expiry), so the next push carries a new one. Concurrent refusals share one refresh.
   */
  private refreshAccessToken(): Promise<void> {
    this.refreshing ??= (async () => {
      this.credential?.invalidate();
      const internals = (this.app as unknown as { INTERNAL?: { getToken?: (force: boolean) => Promise<unknown> } } | undefined)?.INTERNAL;
      await internals?.getToken?.(true).catch(() => undefined);
    })().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async checkAccessToken(): Promise<IDeliveryClassification | undefined> {
    if (!this.credential) return undefined;
    try {
      await this.credential.getAccessToken();
      return undefined;
    } catch (error) {
      if (error instanceof AccessTokenError && error.kind === 'refused') {
        return classification('rejected', error.code ?? 'OAUTH_REFUSED', { status: error.status, routeHealth: 'unhealthy', detail: AUTH_DETAIL });
      }
      const reason = error instanceof AccessTokenError && error.status ? `OAUTH_HTTP_${error.status}` : networkErrorReason(error);
      return classification('retry', reason, { routeHealth: 'failure', detail: 'the Google OAuth token endpoint could not be reached' });
    }
  }

  private senderOrCreate(): IFcmSender {
    if (this.sender) return this.sender;
    const { serviceAccount, endpoint, ca } = this.options;
    const agentOptions = { keepAlive: true, maxSockets: this.concurrency, ca };
    this.agent = endpoint ? new EndpointAgent({ ...agentOptions, endpoint }) : new https.Agent(agentOptions);
    this.credential = new ServiceAccountCredential({ account: serviceAccount, agent: this.agent, forceHttps: endpoint !== undefined });
    // A unique name: after a settings change the old app may still be closing when the new one starts.
    this.app = initializeApp(
      { projectId: serviceAccount.project_id, credential: this.credential, httpAgent: this.agent },
      `chat-push:${serviceAccount.project_id}:${randomUUID()}`,
    );
    const messaging = getMessaging(this.app);
    this.answers = instrumentFirebaseMessaging(messaging);
    this.sender = { send: (message) => messaging.send(message) };
    return this.sender;
  }
}
