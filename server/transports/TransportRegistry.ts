import type { IPushTransport } from '../../definitions/IPushTransport';
import type { IPushTransportFactoryInput, PushTransportFactory } from '../../definitions/IPushTransportFactory';
import { PushError } from '../../lib/errors';

export interface ITransportRegistration {
  factory: PushTransportFactory;
  /**
   * A digest of what the factory reads: a different value means the transport must be rebuilt. By default the
   * whole settings snapshot and environment count (safe, but any setting change rebuilds the transport).
   */
  fingerprint?: (input: IPushTransportFactoryInput) => string;
}

/**
 * The named ways to build a transport (SPEC §10 `registerTransport(name, factory)`). Built in: `gateway` and
 * `direct`. A developer may register a new name (and select it with `TransportSelector`'s `select`), or register
 * under a built-in name to replace it; `registerTransport` returns a function that restores what was there.
 */
export class TransportRegistry {
  private readonly registrations = new Map<string, ITransportRegistration>();

  registerTransport(name: string, factory: PushTransportFactory | ITransportRegistration): () => void {
    if (typeof name !== 'string' || name.trim() === '') {
      throw new PushError('PUSH_ERR_INVALID_INPUT', ['a transport name must be a non-empty string']);
    }
    const registration = typeof factory === 'function' ? { factory } : factory;
    if (typeof registration?.factory !== 'function') {
      throw new PushError('PUSH_ERR_INVALID_INPUT', [`the factory for transport "${name}" must be a function`]);
    }
    const previous = this.registrations.get(name);
    this.registrations.set(name, registration);
    return () => {
      if (this.registrations.get(name) !== registration) return;
      if (previous) this.registrations.set(name, previous);
      else this.registrations.delete(name);
    };
  }

  get(name: string): ITransportRegistration | undefined {
    return this.registrations.get(name);
  }

  names(): string[] {
    return [...this.registrations.keys()];
  }

  /** Builds the transport registered under `name`. Throws PUSH_ERR_TRANSPORT_UNKNOWN for an unknown name. */
  create(name: string, input: IPushTransportFactoryInput): IPushTransport {
    const registration = this.registrations.get(name);
    if (!registration) throw new PushError('PUSH_ERR_TRANSPORT_UNKNOWN', [name]);
    return registration.factory(input);
  }
}
