import type { IOutboxEntry } from '../../../definitions/IOutboxEntry';
import type { IDeliveryResult, IPushDelivery, IPushTransport } from '../../../definitions/IPushTransport';
import type { IRouteGuard } from '../../../server/push/outbox/IRouteGuard';

let seq = 0;

/** An outbox entry as the notification service would enqueue it. */
export function anEntry(overrides: Partial<IOutboxEntry> = {}, now = new Date()): IOutboxEntry {
  const n = ++seq;
  const mid = overrides.mid ?? `m${n}`;
  const uid = overrides.uid ?? `u${n}`;
  const tokenId = overrides.tokenId ?? `t${n}`;
  return {
    _id: `${mid}:${uid}:${tokenId}`,
    mid,
    rid: 'r1',
    uid,
    tokenId,
    platform: 'apn',
    token: `tok-${n}`,
    appName: 'chat.example.ios',
    notification: {
      title: '#general',
      body: 'alice: hello',
      badge: 1,
      sound: 'default',
      category: 'MESSAGE',
      notId: 42,
      threadId: 'r1',
      payload: { host: 'http://localhost', messageId: mid, notificationType: 'message', rid: 'r1' },
      from: 'push',
    },
    apnsId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    collapseId: `r1`,
    state: 'queued',
    attempts: 0,
    nextAttemptAt: now,
    readyAt: now,
    expiresAt: new Date(now.getTime() + 3600_000),
    createdAt: now,
    _updatedAt: now,
    history: [],
    ...overrides,
  };
}

export type Responder = (delivery: IPushDelivery, attempt: number) => Omit<IDeliveryResult, 'id' | 'route'> | Error;

/** A transport whose answers are scripted per delivery; it records every delivery it was handed. */
export class ScriptedTransport implements IPushTransport {
  readonly name = 'scripted';
  readonly sent: IPushDelivery[] = [];
  private readonly attemptsById = new Map<string, number>();
  throwOnSend?: Error;

  constructor(private readonly responder: Responder = () => ({ outcome: 'delivered' }), readonly route = 'scripted:1') {}

  routeOf(): string {
    return this.route;
  }

  async send(deliveries: IPushDelivery[]): Promise<IDeliveryResult[]> {
    if (this.throwOnSend) throw this.throwOnSend;
    await new Promise((resolve) => setImmediate(resolve));
    return deliveries.map((d) => {
      this.sent.push(d);
      const attempt = (this.attemptsById.get(d.id) ?? 0) + 1;
      this.attemptsById.set(d.id, attempt);
      const answer = this.responder(d, attempt);
      if (answer instanceof Error) throw answer;
      return { id: d.id, route: this.route, ...answer };
    });
  }

  async close(): Promise<void> {}
}

/** A guard that lets everything through and records what it was told. */
export class RecordingGuard implements IRouteGuard {
  readonly records: Array<{ route: string; health: string }> = [];
  openUntil?: Date;

  admit(_route: string, now: Date): { allowed: true } | { allowed: false; retryAt: Date } {
    if (this.openUntil && this.openUntil > now) return { allowed: false, retryAt: this.openUntil };
    return { allowed: true };
  }

  record(route: string, health: string): void {
    this.records.push({ route, health });
  }
}

export const silentLogger = { warn() {}, error() {}, debug() {} };

/** Resolves once `predicate` holds, checking after each macrotask; fails after `timeoutMs`. */
export async function eventually(predicate: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
