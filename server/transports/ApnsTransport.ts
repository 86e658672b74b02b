import apn from '@parse/node-apn';
import type { IDeliveryResult, IPushDelivery, IPushTransport } from '../../definitions/IPushTransport';
import type { ApnsCredentials } from '../../lib/delivery/apnsCredentialsFrom';
import { classifyApnsResponse } from '../../lib/delivery/classifyApnsResponse';
import { classification } from '../../lib/delivery/DeliveryClassification';
import { inspectCertificate } from '../../lib/delivery/inspectCredentials';
import { PushError } from '../../lib/errors';
import { APNS_MAX_PAYLOAD_BYTES, toApnsNotification } from '../../lib/providers/toApnsNotification';
import { instrumentApnsProvider, type IRetryAfterLog } from './instrumentApnsProvider';
import { mapWithConcurrency } from './mapWithConcurrency';
import { toResult } from './toResult';

/** What we use of node-apn's Provider (a fake for unit tests needs only this). */
export interface IApnsProvider {
  send(notification: apn.Notification, recipients: string | string[]): Promise<apn.Responses<apn.ResponseSent, apn.ResponseFailure>>;
  shutdown(callback?: () => void): unknown;
}

export type ApnsProviderFactory = (options: apn.ProviderOptions) => IApnsProvider;

export interface ApnsTransportOptions {
  credentials: ApnsCredentials;
  /** Apple's production service (true) or the sandbox (false). */
  production: boolean;
  /** Replaces Apple's host and port (`PUSH_APN_ENDPOINT`). */
  endpoint?: { host: string; port: number };
  /** PEM trusted for `endpoint` (`PUSH_APN_CA`). */
  ca?: string | string[];
  /** @defaultValue `new apn.Provider(options)` */
  provider?: ApnsProviderFactory;
  /** Per request. @defaultValue 10000 */
  requestTimeoutMs?: number;
  /** Requests in flight per `send` call (they share one HTTP/2 connection). @defaultValue 100 */
  concurrency?: number;
  now?: () => Date;
}

/** The classification of every accepted push (read-only; shared to spare an object per push). */
const DELIVERED = classification('delivered', 'OK', { status: 200 });

/** node-apn accepts a string as PEM only when it has this header; any other string it reads as a file path. */
const PEM_HEADER = /-----BEGIN ([A-Z\s*]+)-----/;

/**
 * Delivers directly to APNs with `@parse/node-apn` 8.1.0: one Provider (one HTTP/2 connection) for this
 * credential and environment, created on the first push and reused; one Notification per delivery carrying the
 * exact payload of `toApnsNotification`, our `apns-id` (stable across retries), collapse id, topic (the token's
 * appName), expiry, push type `alert` and priority 10.
 *
 * node-apn retries 408/429/5xx (and 403 ExpiredProviderToken) immediately, up to `connectionRetryLimit` times,
 * with a zero delay (it looks for `Retry-After` under the wrong case): that would hammer a throttling APNs and
 * fight the outbox's backoff. `connectionRetryLimit: 0` makes it answer the first failure, and the outbox owns
 * every retry.
 */
export class ApnsTransport implements IPushTransport {
  readonly name = 'apns';
  readonly route: string;
  private provider: IApnsProvider | undefined;
  private retryAfter: IRetryAfterLog | undefined;
  private closed = false;
  private readonly now: () => Date;

  constructor(private readonly options: ApnsTransportOptions) {
    this.now = options.now ?? (() => new Date());
    this.route = `apns:${credentialLabel(options.credentials)}:${options.production ? 'production' : 'sandbox'}`;
  }

  routeOf(): string {
    return this.route;
  }

  async send(deliveries: IPushDelivery[]): Promise<IDeliveryResult[]> {
    const provider = this.providerOrThrow();
    if (deliveries.length === 0) return [];
    const concurrency = this.options.concurrency ?? 100;
    // Within the limit (the outbox's chunks are): every request at once, without a pool of workers.
    if (deliveries.length <= concurrency) {
      const answers = deliveries.map((delivery) => this.deliver(provider, delivery));
      try {
        return await Promise.all(answers);
      } catch (error) {
        // As mapWithConcurrency: fail only once nothing is left running unobserved.
        await Promise.allSettled(answers);
        throw error;
      }
    }
    return mapWithConcurrency(deliveries, concurrency, (delivery) => this.deliver(provider, delivery));
  }

  async close(): Promise<void> {
    this.closed = true;
    const provider = this.provider;
    this.provider = undefined;
    if (!provider) return;
    forgetDestroyedSessions(provider);
    await new Promise<void>((resolve) => void provider.shutdown(resolve));
  }

  private async deliver(provider: IApnsProvider, delivery: IPushDelivery): Promise<IDeliveryResult> {
    const request = toApnsNotification(delivery);
    if (!request.fits) {
      return toResult(delivery, this.route, classification('rejected', 'PayloadTooLarge', { detail: `the payload is over ${APNS_MAX_PAYLOAD_BYTES} bytes even without text` }));
    }
    const note = new apn.Notification();
    note.rawPayload = request.payload;
    withCompiledBody(note, request.body);
    note.id = delivery.apnsId;
    note.collapseId = delivery.collapseId;
    note.topic = delivery.appName;
    note.expiry = delivery.expiresAt;
    note.pushType = 'alert';
    note.priority = 10;
    let response: apn.Responses<apn.ResponseSent, apn.ResponseFailure>;
    try {
      response = await provider.send(note, delivery.token);
    } catch (error) {
      // Provider.send settles every write itself; this is a bug or a destroyed client, not an APNs answer.
      return toResult(delivery, this.route, classifyApnsResponse({ error }, this.now()));
    }
    const retryAfter = this.retryAfter?.take(delivery.apnsId);
    const sent = response.sent[0];
    if (sent) return toResult(delivery, this.route, DELIVERED, echoedId(sent) ?? delivery.apnsId);
    const failed = response.failed[0] as (apn.ResponseFailure & { error?: unknown }) | undefined;
    const classified = classifyApnsResponse(
      { status: failed?.status, reason: failed?.response?.reason, retryAfter, error: failed?.error ?? new Error('no answer') },
      this.now(),
    );
    return toResult(delivery, this.route, classified);
  }

  private providerOrThrow(): IApnsProvider {
    if (this.closed) throw new PushError('PUSH_ERR_TRANSPORT_NOT_CONFIGURED', ['apns', 'the transport was closed']);
    if (this.provider) return this.provider;
    const options = this.providerOptions();
    try {
      this.provider = (this.options.provider ?? ((o) => new apn.Provider(o)))(options);
    } catch (error) {
      // node-apn checks certificates when the provider is built: expired, key mismatch, wrong environment.
      const message = error instanceof Error ? error.message : String(error);
      throw new PushError('PUSH_ERR_TRANSPORT_NOT_CONFIGURED', ['apns', message]);
    }
    this.retryAfter = instrumentApnsProvider(this.provider);
    return this.provider;
  }

  private providerOptions(): apn.ProviderOptions {
    const { credentials, endpoint, ca } = this.options;
    const options: apn.ProviderOptions & { requestTimeout?: number } = {
      production: this.options.production,
      connectionRetryLimit: 0,
      requestTimeout: this.options.requestTimeoutMs ?? 10_000,
    };
    if (credentials.kind === 'token') {
      options.token = { key: pem(credentials.key, 'the .p8 key'), keyId: credentials.keyId, teamId: credentials.teamId };
    } else {
      options.cert = pem(credentials.cert, 'the certificate');
      options.key = pem(credentials.key, 'the private key');
      if (credentials.passphrase) options.passphrase = credentials.passphrase;
    }
    if (endpoint) {
      options.address = endpoint.host;
      options.port = endpoint.port;
    }
    if (ca) options.ca = Array.isArray(ca) ? ca : [ca];
    return options;
  }
}

/** `keyId` for token auth; the certificate's public-key fingerprint for certificate auth. Never secret. */
function credentialLabel(credentials: ApnsCredentials): string {
  if (credentials.kind === 'token') return credentials.keyId;
  const inspection = inspectCertificate(credentials.cert);
  return inspection.ok ? `cert-${inspection.facts.fingerprint}` : 'cert-unreadable';
}

function pem(value: string, what: string): string {
  if (!PEM_HEADER.test(value)) {
    throw new PushError('PUSH_ERR_TRANSPORT_NOT_CONFIGURED', ['apns', `${what} is not PEM text`]);
  }
  return value;
}

/**
 * node-apn 8.1.0's shutdown waits for `session.close()`'s callback when `session.closed` is false; a session whose
 * connection failed (APNs unreachable) is destroyed but never `closed`, so the callback never comes and
 * `shutdown()` hangs forever. Such sessions hold nothing any more: dropping the reference lets shutdown finish.
 */
function forgetDestroyedSessions(provider: IApnsProvider): void {
  const client = (provider as { client?: Record<string, { destroyed?: boolean } | null | undefined> }).client;
  if (!client) return;
  for (const name of ['session', 'manageChannelsSession']) {
    if (client[name]?.destroyed) client[name] = null;
  }
}

/**
 * node-apn 8.1.0's `Notification.compile()` serialises the notification (`JSON.stringify(this)`, i.e. its
 * `rawPayload`) once and keeps the result in `compiled`. `body` is exactly that serialisation, already made (and
 * measured) by `toApnsNotification`: filling the cache spares a second `JSON.stringify` per push. Were the library
 * to stop reading the cache, it would serialise `rawPayload` itself and send the same bytes.
 */
function withCompiledBody(note: apn.Notification, body: string): void {
  (note as apn.Notification & { compiled?: string | false }).compiled = body;
}

function echoedId(sent: apn.ResponseSent): string | undefined {
  const id = (sent as apn.ResponseSent & { 'apns-id'?: unknown })['apns-id'];
  return typeof id === 'string' ? id : undefined;
}
