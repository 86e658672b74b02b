import type { IPushDelivery, IPushTransport } from '../../definitions/IPushTransport';
import type { PushPlatform } from '../../definitions/IPushToken';
import { aDelivery, aNotification } from '../fakes/deliveries';

/** What a provider's inbox shows of one push, normalized across providers. */
export interface IContractInboxItem {
  title?: string;
  body?: string;
  /** The id that stays the same on a resend (APNs `apns-id`, the gateway's `apnsId`, FCM's notification tag). */
  idempotencyId?: string;
}

export type ContractFault = { kind: 'status'; status: 429 | 500 | 503; retryAfterSeconds?: number } | { kind: 'reset' };

/** A transport wired to a provider (real or look-alike) the test controls. */
export interface ITransportContractHarness {
  transport: IPushTransport;
  platform: PushPlatform;
  appName: string;
  /** A token the provider accepts (fresh on every call). */
  liveToken(): string;
  /** A token the provider reports as no longer registered. */
  deadToken(): Promise<string>;
  inbox(token: string): Promise<IContractInboxItem[]>;
  /** The next push to `token` meets this fault. */
  failNext(token: string, fault: ContractFault): Promise<void>;
  /** The id a resend of `delivery` must carry again (see IContractInboxItem.idempotencyId). */
  idempotencyIdOf(delivery: IPushDelivery): string;
  /** A second transport for the same provider (the close test closes it). */
  makeTransport(): IPushTransport;
  teardown(): Promise<void>;
}

export interface ITransportContractSubject {
  name: string;
  setup(): Promise<ITransportContractHarness>;
}

/** Client and server TCP sockets alive in this process (the providers run in-process). */
function openSockets(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
}

async function eventually(check: () => boolean, timeoutMs = 3000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return check();
}

/**
 * The behaviour every transport must show (SPEC §6, definitions/IPushTransport.ts): one result per delivery,
 * provider refusals as values, retries with Retry-After, isolation of one bad token, a stable idempotency id, and
 * nothing left open after `close()`. Run it for every transport, including ones registered with
 * `registerTransport`.
 */
export function transportContract(subject: ITransportContractSubject): void {
  describe(`transport contract: ${subject.name}`, () => {
    let h: ITransportContractHarness;

    beforeAll(async () => {
      h = await subject.setup();
    });

    afterAll(async () => {
      await h?.transport.close();
      await h?.teardown();
    });

    const deliveryTo = (token: string, overrides: Partial<IPushDelivery> = {}) =>
      aDelivery({ platform: h.platform, token, appName: h.appName, expiresAt: Math.floor(Date.now() / 1000) + 3600, ...overrides });

    it('answers an empty batch with no results', async () => {
      await expect(h.transport.send([])).resolves.toEqual([]);
    });

    it('delivers to a live token; the push with its text is in the provider inbox', async () => {
      const token = h.liveToken();
      const delivery = deliveryTo(token, { notification: aNotification({ title: '#contract', body: 'héllo 👋 contract' }) });
      const [result] = await h.transport.send([delivery]);
      expect(result).toMatchObject({ id: delivery.id, outcome: 'delivered' });
      expect(result.route).toBe(h.transport.routeOf(delivery));
      const inbox = await h.inbox(token);
      expect(inbox).toHaveLength(1);
      expect(inbox[0]).toMatchObject({ title: '#contract', body: 'héllo 👋 contract' });
    });

    it('answers invalid-token for a dead token', async () => {
      const token = await h.deadToken();
      const delivery = deliveryTo(token);
      const [result] = await h.transport.send([delivery]);
      expect(result).toMatchObject({ id: delivery.id, outcome: 'invalid-token' });
      expect(await h.inbox(token)).toHaveLength(0);
    });

    it('answers retry with retryAfterMs for a 429 with Retry-After', async () => {
      const token = h.liveToken();
      await h.failNext(token, { kind: 'status', status: 429, retryAfterSeconds: 42 });
      const [result] = await h.transport.send([deliveryTo(token)]);
      expect(result).toMatchObject({ outcome: 'retry', retryAfterMs: 42_000 });
    });

    it('answers retry for a 5xx (and does not retry it behind our back)', async () => {
      const token = h.liveToken();
      await h.failNext(token, { kind: 'status', status: 503 });
      const [result] = await h.transport.send([deliveryTo(token)]);
      expect(result.outcome).toBe('retry');
      expect(await h.inbox(token)).toHaveLength(0);
    });

    it('answers retry when the connection is reset', async () => {
      const token = h.liveToken();
      await h.failNext(token, { kind: 'reset' });
      const [result] = await h.transport.send([deliveryTo(token)]);
      expect(result.outcome).toBe('retry');
      // …and the transport still works afterwards.
      const [next] = await h.transport.send([deliveryTo(token)]);
      expect(next.outcome).toBe('delivered');
    });

    it('one dead token in a batch does not affect the live ones', async () => {
      const live = [h.liveToken(), h.liveToken(), h.liveToken(), h.liveToken()];
      const dead = await h.deadToken();
      const batch = [...live.slice(0, 2), dead, ...live.slice(2)].map((token) => deliveryTo(token));
      const results = await h.transport.send(batch);
      expect(results.map((r) => r.id).sort()).toEqual(batch.map((d) => d.id).sort());
      const outcome = (token: string) => results.find((r) => r.id === batch.find((d) => d.token === token)!.id)!.outcome;
      expect(outcome(dead)).toBe('invalid-token');
      for (const token of live) {
        expect(outcome(token)).toBe('delivered');
        expect(await h.inbox(token)).toHaveLength(1);
      }
    });

    it('a resend carries the same idempotency id', async () => {
      const token = h.liveToken();
      const delivery = deliveryTo(token);
      const first = await h.transport.send([delivery]);
      const second = await h.transport.send([{ ...delivery }]);
      expect([first[0].outcome, second[0].outcome]).toEqual(['delivered', 'delivered']);
      const ids = (await h.inbox(token)).map((item) => item.idempotencyId);
      expect(ids.length).toBeGreaterThanOrEqual(1);
      expect(new Set(ids)).toEqual(new Set([h.idempotencyIdOf(delivery)]));
    });

    it('close() leaves no connection open', async () => {
      const before = openSockets();
      const transport = h.makeTransport();
      const [result] = await transport.send([deliveryTo(h.liveToken())]);
      expect(result.outcome).toBe('delivered');
      await transport.close();
      expect(await eventually(() => openSockets() <= before)).toBe(true);
    });
  });
}
