import type { DeliveryOutcome, IDeliveryResult, IPushDelivery, IPushTransport, RouteHealth } from '../../definitions/IPushTransport';

/** One push the fake "delivered", as a provider inbox would keep it. */
export interface IFakeDelivered {
  delivery: IPushDelivery;
  at: number;
}

/** A scripted answer for the next send to a token (or to any token). */
export interface IFakeAnswer {
  outcome: DeliveryOutcome;
  reason: string;
  status?: number;
  retryAfterMs?: number;
  routeHealth?: RouteHealth;
}

/**
 * An in-memory transport for tests of the outbox, the worker and the API: it "delivers" to any token except the
 * dead ones (answering `invalid-token`), keeps an inbox per token, and answers scripted faults for the next
 * sends (`failNext`). Every call is recorded. It honours the transport contract (tests/contract).
 */
export class FakeTransport implements IPushTransport {
  readonly name: string;
  readonly calls: IPushDelivery[][] = [];
  private readonly dead = new Set<string>();
  private readonly inboxes = new Map<string, IFakeDelivered[]>();
  private readonly scripted: Array<{ answer: IFakeAnswer; token?: string; remaining: number }> = [];
  private closed = false;

  constructor(options: { name?: string; route?: string } = {}) {
    this.name = options.name ?? 'fake';
    this.route = options.route ?? 'fake:default';
  }

  readonly route: string;

  /** Tokens that answer `invalid-token` (reason `Unregistered`) from now on. */
  killToken(token: string): void {
    this.dead.add(token);
  }

  /** The next `count` sends (to `token`, or to any token) get this answer instead of being delivered. */
  failNext(answer: IFakeAnswer, options: { token?: string; count?: number } = {}): void {
    this.scripted.push({ answer, token: options.token, remaining: options.count ?? 1 });
  }

  inbox(token: string): IFakeDelivered[] {
    return [...(this.inboxes.get(token) ?? [])];
  }

  get isClosed(): boolean {
    return this.closed;
  }

  routeOf(): string {
    return this.route;
  }

  async send(deliveries: IPushDelivery[]): Promise<IDeliveryResult[]> {
    if (this.closed) throw new Error('FakeTransport: send after close');
    this.calls.push([...deliveries]);
    return deliveries.map((delivery) => this.deliver(delivery));
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private deliver(delivery: IPushDelivery): IDeliveryResult {
    const base = { id: delivery.id, route: this.route };
    const index = this.scripted.findIndex((s) => s.token === undefined || s.token === delivery.token);
    if (index >= 0) {
      const scripted = this.scripted[index];
      if (--scripted.remaining === 0) this.scripted.splice(index, 1);
      const { answer } = scripted;
      const result: IDeliveryResult = { ...base, outcome: answer.outcome, reason: answer.reason };
      if (answer.status !== undefined) result.status = answer.status;
      if (answer.retryAfterMs !== undefined) result.retryAfterMs = answer.retryAfterMs;
      if (answer.routeHealth !== undefined && answer.routeHealth !== 'ok') result.routeHealth = answer.routeHealth;
      return result;
    }
    if (this.dead.has(delivery.token)) return { ...base, outcome: 'invalid-token', reason: 'Unregistered', status: 410 };
    const inbox = this.inboxes.get(delivery.token) ?? [];
    inbox.push({ delivery, at: Date.now() });
    this.inboxes.set(delivery.token, inbox);
    return { ...base, outcome: 'delivered', reason: 'OK', status: 200, providerId: delivery.apnsId };
  }
}
