import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { IPushSettings } from '../../../definitions/IPushSettings';
import type { IPushTransport } from '../../../definitions/IPushTransport';
import { isPushError } from '../../../lib/errors';
import { toPushSettings } from '../../../lib/settings/toPushSettings';
import { generateApnsSigningKey, generateServiceAccount } from '../../../server/simulators/credentials';
import { startApnsSimulator, type ApnsSimulator } from '../../../server/simulators/apnsSimulator';
import { startFcmSimulator, type FcmSimulator } from '../../../server/simulators/fcmSimulator';
import { createTransport, registerBuiltInTransports } from '../../../server/transports/builtInTransports';
import { DirectTransport } from '../../../server/transports/DirectTransport';
import { GatewayTransport } from '../../../server/transports/GatewayTransport';
import { readTransportEnv } from '../../../server/transports/readTransportEnv';
import { TransportRegistry } from '../../../server/transports/TransportRegistry';
import { TransportSelector } from '../../../server/transports/TransportSelector';
import { aDelivery } from '../../fakes/deliveries';
import { FakeTransport } from '../../fakes/FakeTransport';
import { startGatewayLookalike, type GatewayLookalike } from '../../fakes/gatewayLookalike';

const key = generateApnsSigningKey();
const account = generateServiceAccount({ projectId: 'chat-push-select' });
let apns: ApnsSimulator;
let fcm: FcmSimulator;
let gateway: GatewayLookalike;

beforeAll(async () => {
  [apns, fcm, gateway] = await Promise.all([
    startApnsSimulator({ signingKeys: [{ keyId: key.keyId, teamId: key.teamId, p8: key.p8 }] }),
    startFcmSimulator({ serviceAccounts: [account] }),
    startGatewayLookalike({ token: 'gw-token' }),
  ]);
});

afterAll(async () => {
  await Promise.all([apns.stop(), fcm.stop(), gateway.stop()]);
});

function gatewaySettings(overrides: Partial<IPushSettings> = {}): IPushSettings {
  return { ...toPushSettings({}), Push_enable_gateway: true, Push_gateway: gateway.url, Push_gateway_token: 'gw-token', uniqueID: 'ws-1', ...overrides };
}

function directSettings(overrides: Partial<IPushSettings> = {}): IPushSettings {
  return {
    ...toPushSettings({}),
    Push_enable_gateway: false,
    Push_production: false,
    Push_apn_auth_type: 'token',
    Push_apn_p8_key: key.p8,
    Push_apn_key_id: key.keyId,
    Push_apn_team_id: key.teamId,
    Push_google_api_credentials: JSON.stringify(account),
    ...overrides,
  };
}

const env = () => ({ apnEndpoint: apns.endpoint, apnCa: apns.ca, fcmEndpoint: fcm.endpoint });
const iosDelivery = () => aDelivery({ platform: 'apn', token: randomBytes(32).toString('hex'), appName: 'com.example.chat', expiresAt: Math.floor(Date.now() / 1000) + 3600 });
const androidDelivery = () => aDelivery({ platform: 'gcm', token: `fcm-${randomBytes(8).toString('hex')}`, expiresAt: Math.floor(Date.now() / 1000) + 3600 });

describe('createTransport', () => {
  const registry = registerBuiltInTransports(new TransportRegistry());

  it('builds the gateway transport in gateway mode and the direct one otherwise', async () => {
    const viaGateway = createTransport(gatewaySettings(), {}, registry);
    const direct = createTransport(directSettings(), env(), registry);
    expect(viaGateway).toBeInstanceOf(GatewayTransport);
    expect(direct).toBeInstanceOf(DirectTransport);
    expect(viaGateway.routeOf(iosDelivery())).toBe(`gateway:${gateway.url}`);
    expect(direct.routeOf(iosDelivery())).toBe(`apns:${key.keyId}:sandbox`);
    expect(direct.routeOf(androidDelivery())).toBe('fcm:chat-push-select');
    await Promise.all([viaGateway.close(), direct.close()]);
  });

  it('delivers end to end in direct mode through both simulators (PUSH_APN_ENDPOINT / PUSH_FCM_ENDPOINT)', async () => {
    const direct = createTransport(directSettings(), env(), registry);
    const [a, b] = [iosDelivery(), androidDelivery()];
    const results = await direct.send([a, b]);
    expect(results.map((r) => r.outcome)).toEqual(['delivered', 'delivered']);
    expect(apns.inbox(a.token)).toHaveLength(1);
    expect(fcm.inbox(b.token)).toHaveLength(1);
    await direct.close();
  });

  it('direct mode without credentials: retry NOT_CONFIGURED, nothing thrown', async () => {
    const direct = createTransport(directSettings({ Push_apn_p8_key: '', Push_google_api_credentials: '' }), env(), registry);
    const results = await direct.send([iosDelivery(), androidDelivery()]);
    expect(results.map((r) => [r.outcome, r.reason, r.route])).toEqual([
      ['retry', 'NOT_CONFIGURED', 'apns:unconfigured'],
      ['retry', 'NOT_CONFIGURED', 'fcm:unconfigured'],
    ]);
    await direct.close();
  });

  it('throws PUSH_ERR_TRANSPORT_UNKNOWN for a name nobody registered', () => {
    expect.assertions(1);
    try {
      createTransport(gatewaySettings(), {}, registry, 'carrier-pigeon');
    } catch (error) {
      expect(isPushError(error, 'PUSH_ERR_TRANSPORT_UNKNOWN')).toBe(true);
    }
  });
});

describe('TransportSelector', () => {
  let settings: IPushSettings;
  let selector: TransportSelector;
  let registry: TransportRegistry;

  beforeEach(() => {
    settings = gatewaySettings();
    registry = registerBuiltInTransports(new TransportRegistry());
    selector = new TransportSelector({ registry, settings: () => settings, env: env() });
  });

  afterEach(() => selector.close());

  it('reuses the transport while the relevant settings stay the same', () => {
    const first = selector.current();
    settings = { ...settings, Push_show_message: !settings.Push_show_message };
    expect(selector.current()).toBe(first);
  });

  it('switching gateway → direct yields a different transport on the next push, without a restart', async () => {
    const before = selector.current();
    const a = iosDelivery();
    expect((await before.send([a]))[0].route).toBe(`gateway:${gateway.url}`);
    expect(gateway.delivered(a.token)).toHaveLength(1);

    settings = directSettings();
    const after = selector.current();
    expect(after).not.toBe(before);
    expect(after.name).toBe('direct');
    const b = iosDelivery();
    expect((await after.send([b]))[0]).toMatchObject({ outcome: 'delivered', route: `apns:${key.keyId}:sandbox` });
    expect(apns.inbox(b.token)).toHaveLength(1);
    expect(gateway.delivered(b.token)).toHaveLength(0);
  });

  it('rebuilds when credentials change, and closes the old transport once idle', async () => {
    settings = directSettings();
    const first = selector.current();
    await first.send([iosDelivery()]);
    const sessionsBefore = apns.stats().openSessions;
    expect(sessionsBefore).toBe(1);
    const other = generateApnsSigningKey();
    apns.registerSigningKey({ keyId: other.keyId, teamId: other.teamId, p8: other.p8 });
    settings = directSettings({ Push_apn_p8_key: other.p8, Push_apn_key_id: other.keyId, Push_apn_team_id: other.teamId });
    const second = selector.current();
    expect(second).not.toBe(first);
    expect(second.routeOf(iosDelivery())).toBe(`apns:${other.keyId}:sandbox`);
    // The old transport had nothing in flight: it is closed, its HTTP/2 session goes away.
    const deadline = Date.now() + 3000;
    while (apns.stats().openSessions > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(apns.stats().openSessions).toBe(0);
  });

  it('waits for sends in flight before closing the old transport; late sends go to the new one', async () => {
    const slow = new FakeTransport({ name: 'slow', route: 'slow:1' });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const originalSend = slow.send.bind(slow);
    slow.send = async (deliveries) => {
      await gate;
      return originalSend(deliveries);
    };
    const replacement = new FakeTransport({ name: 'replacement', route: 'replacement:1' });
    let which = 'slow';
    registry.registerTransport('slow', () => slow);
    registry.registerTransport('replacement', () => replacement);
    const s = new TransportSelector({ registry, settings: () => settings, env: {}, select: () => which });
    try {
      const old = s.current();
      const inFlight = old.send([iosDelivery()]);
      which = 'replacement';
      expect(s.current().name).toBe('replacement');
      expect(slow.isClosed).toBe(false);
      release();
      expect((await inFlight)[0].outcome).toBe('delivered');
      await new Promise((r) => setImmediate(r));
      expect(slow.isClosed).toBe(true);
      const [late] = await old.send([iosDelivery()]);
      expect(late.route).toBe('replacement:1');
    } finally {
      await s.close();
    }
  });

  it('a registered transport (registerTransport) is used when selected, and can be removed', async () => {
    const fake = new FakeTransport({ name: 'mine', route: 'mine:1' });
    const unregister = registry.registerTransport('mine', () => fake);
    let name = 'mine';
    const s = new TransportSelector({ registry, settings: () => settings, env: {}, select: () => name });
    try {
      expect((await s.current().send([iosDelivery()]))[0].route).toBe('mine:1');
      unregister();
      expect(registry.get('mine')).toBeUndefined();
      name = 'gateway';
      expect(s.current().name).toBe('gateway');
    } finally {
      await s.close();
    }
  });

  it('replacing a built-in transport by registering under its name rebuilds it, and unregistering restores it', async () => {
    const first = selector.current();
    const unregister = registry.registerTransport('gateway', () => new FakeTransport({ name: 'my-gateway' }));
    expect(selector.current().name).toBe('my-gateway');
    expect(first).not.toBe(selector.current());
    unregister();
    expect(selector.current().name).toBe('gateway');
  });

  it('never throws: a factory that fails yields a transport whose send says PUSH_ERR_TRANSPORT_NOT_CONFIGURED', async () => {
    const errors: unknown[] = [];
    registry.registerTransport('broken', () => {
      throw new Error('cannot build');
    });
    const s = new TransportSelector({ registry, settings: () => settings, env: {}, select: () => 'broken', onError: (e) => errors.push(e) });
    try {
      const transport: IPushTransport = s.current();
      expect(transport.routeOf(iosDelivery())).toBe('broken:unconfigured');
      const error = await transport.send([iosDelivery()]).catch((e: unknown) => e);
      expect(isPushError(error, 'PUSH_ERR_TRANSPORT_NOT_CONFIGURED')).toBe(true);
      expect((error as Error).message).toContain('cannot build');
      expect(errors).toHaveLength(1);
    } finally {
      await s.close();
    }
  });

  it('refuses bad registrations', () => {
    expect(() => registry.registerTransport('', () => new FakeTransport())).toThrow(/non-empty/);
    expect(() => registry.registerTransport('x', 42 as never)).toThrow(/must be a function/);
  });
});

describe('readTransportEnv', () => {
  it('reads the endpoints and the CA file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chat-push-'));
    const file = join(dir, 'ca.pem');
    writeFileSync(file, apns.ca);
    expect(readTransportEnv({ PUSH_APN_ENDPOINT: ' https://127.0.0.1:8443 ', PUSH_APN_CA: file, PUSH_FCM_ENDPOINT: 'http://127.0.0.1:9090' })).toEqual({
      apnEndpoint: 'https://127.0.0.1:8443',
      apnCa: apns.ca,
      fcmEndpoint: 'http://127.0.0.1:9090',
    });
    expect(readTransportEnv({})).toEqual({});
  });

  it('says which CA file cannot be read', () => {
    expect(() => readTransportEnv({ PUSH_APN_CA: '/nonexistent/ca.pem' })).toThrow(/PUSH_APN_CA \(\/nonexistent\/ca.pem\)/);
  });
});
