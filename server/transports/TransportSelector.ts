import type { IPushSettings } from '../../definitions/IPushSettings';
import type { IDeliveryResult, IPushDelivery, IPushTransport } from '../../definitions/IPushTransport';
import type { IPushTransportEnv, IPushTransportFactoryInput } from '../../definitions/IPushTransportFactory';
import { PushError } from '../../lib/errors';
import { defaultFingerprint, transportNameFor } from './builtInTransports';
import type { ITransportRegistration, TransportRegistry } from './TransportRegistry';

export interface TransportSelectorOptions {
  registry: TransportRegistry;
  /** The current settings snapshot (read on every `current()`). */
  settings: () => IPushSettings;
  env: IPushTransportEnv;
  /** Which registered transport to use. @defaultValue `gateway` or `direct`, per `Push_enable_gateway` */
  select?: (settings: IPushSettings) => string;
  /** Told about factories that throw and transports that fail to close (never with secrets). */
  onError?: (error: unknown, context: { transport: string; during: 'create' | 'close' }) => void;
}

/**
 * Hands out the transport for the current settings, built lazily and cached by a fingerprint of what it reads.
 * When the settings change, the next `current()` builds a new transport, and the old one is closed as soon as the
 * sends in flight on it have finished; a send that still arrives at the old one goes to the new one. So a new
 * mode or new credentials apply on the next push, without a restart. `current()` never throws: a factory that
 * fails yields a transport whose `send` throws PUSH_ERR_TRANSPORT_NOT_CONFIGURED (the outbox then waits).
 */
export class TransportSelector {
  private active: { key: string; transport: ManagedTransport } | undefined;
  private readonly retiring = new Set<ManagedTransport>();
  private readonly versions = new WeakMap<ITransportRegistration, number>();
  private nextVersion = 1;
  private closed = false;

  constructor(private readonly options: TransportSelectorOptions) {}

  current(): IPushTransport {
    if (this.closed) return new UnavailableTransport('none', 'the push transports are shut down');
    const settings = this.options.settings();
    const name = (this.options.select ?? transportNameFor)(settings);
    const registration = this.options.registry.get(name);
    const input: IPushTransportFactoryInput = { settings, env: this.options.env };
    const key = registration ? `${name}#${this.versionOf(registration)}#${(registration.fingerprint ?? defaultFingerprint)(input)}` : `${name}#unknown`;
    if (this.active?.key === key) return this.active.transport;

    let inner: IPushTransport;
    try {
      inner = this.options.registry.create(name, input);
    } catch (error) {
      this.options.onError?.(error, { transport: name, during: 'create' });
      inner = new UnavailableTransport(name, error instanceof Error ? error.message : String(error));
    }
    const previous = this.active?.transport;
    const next = new ManagedTransport(inner, () => this.current(), (t) => this.finishClose(t));
    this.active = { key, transport: next };
    if (previous) {
      this.retiring.add(previous);
      previous.retire();
    }
    return next;
  }

  /** Closes the current transport and any still retiring. */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.retiring, ...(this.active ? [this.active.transport] : [])];
    this.active = undefined;
    await Promise.all(all.map((t) => t.close()));
  }

  private versionOf(registration: ITransportRegistration): number {
    let version = this.versions.get(registration);
    if (version === undefined) {
      version = this.nextVersion++;
      this.versions.set(registration, version);
    }
    return version;
  }

  private finishClose(transport: ManagedTransport): (error?: unknown) => void {
    return (error) => {
      this.retiring.delete(transport);
      if (error !== undefined) this.options.onError?.(error, { transport: transport.name, during: 'close' });
    };
  }
}

/** A transport with a count of sends in flight, closed once retired and idle; afterwards it forwards. */
class ManagedTransport implements IPushTransport {
  private inFlight = 0;
  private retired = false;
  private closing: Promise<void> | undefined;

  constructor(
    readonly inner: IPushTransport,
    private readonly successor: () => IPushTransport,
    private readonly onClosed: (t: ManagedTransport) => (error?: unknown) => void,
  ) {}

  get name(): string {
    return this.inner.name;
  }

  routeOf(delivery: IPushDelivery): string {
    return this.closing ? this.next().routeOf(delivery) : this.inner.routeOf(delivery);
  }

  async send(deliveries: IPushDelivery[]): Promise<IDeliveryResult[]> {
    if (this.closing) return this.next().send(deliveries);
    this.inFlight++;
    try {
      return await this.inner.send(deliveries);
    } finally {
      this.inFlight--;
      if (this.retired && this.inFlight === 0) void this.close();
    }
  }

  /** Where work goes once this one is closed: the selector's current transport (never this one again). */
  private next(): IPushTransport {
    const successor = this.successor();
    return successor === this ? new UnavailableTransport(this.name, 'the transport was closed') : successor;
  }

  retire(): void {
    this.retired = true;
    if (this.inFlight === 0) void this.close();
  }

  close(): Promise<void> {
    if (!this.closing) {
      const done = this.onClosed(this);
      this.closing = this.inner.close().then(
        () => done(),
        (error: unknown) => done(error),
      );
    }
    return this.closing;
  }
}

/** Stands in for a transport that could not be built: every send says why. */
class UnavailableTransport implements IPushTransport {
  constructor(
    readonly name: string,
    private readonly why: string,
  ) {}

  routeOf(): string {
    return `${this.name}:unconfigured`;
  }

  async send(): Promise<IDeliveryResult[]> {
    throw new PushError('PUSH_ERR_TRANSPORT_NOT_CONFIGURED', [this.name, this.why]);
  }

  async close(): Promise<void> {}
}
