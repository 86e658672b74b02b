import { isPushError } from '../../../lib/errors';
import { GatewayTransport } from '../../../server/transports/GatewayTransport';
import { aDelivery } from '../../fakes/deliveries';
import { startGatewayLookalike, type GatewayLookalike } from '../../fakes/gatewayLookalike';

const TOKEN = 'workspace-token';
let first: GatewayLookalike;
let second: GatewayLookalike;
const transports: GatewayTransport[] = [];

function transport(gateways: string[], extra: Partial<ConstructorParameters<typeof GatewayTransport>[0]> = {}): GatewayTransport {
  const t = new GatewayTransport({ gateways, token: TOKEN, uniqueId: 'workspace-1', ...extra });
  transports.push(t);
  return t;
}

beforeEach(async () => {
  first = await startGatewayLookalike({ token: TOKEN });
  second = await startGatewayLookalike({ token: TOKEN });
});

afterEach(async () => {
  await Promise.all(transports.splice(0).map((t) => t.close()));
  await Promise.all([first.stop(), second.stop()]);
});

describe('GatewayTransport', () => {
  it('POSTs {token, options} with the bearer token to /push/apn/send, topic included', async () => {
    const delivery = aDelivery({ platform: 'apn', token: 'ios-1', appName: 'chat.rocket.ios' });
    const [result] = await transport([first.url]).send([delivery]);
    expect(result).toMatchObject({ id: delivery.id, outcome: 'delivered', status: 200, route: `gateway:${first.url}` });
    expect(first.requests).toHaveLength(1);
    const [request] = first.requests;
    expect(request.path).toBe('/push/apn/send');
    expect(request.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request.token).toBe('ios-1');
    expect(request.options).toMatchObject({ uniqueId: 'workspace-1', topic: 'chat.rocket.ios', createdBy: '<SERVER>', apnsId: delivery.apnsId, title: '#general', text: 'alice: hello there' });
    expect(request.options).not.toHaveProperty('priority');
  });

  it('uses /push/gcm/send for Android tokens, without a topic', async () => {
    await transport([first.url]).send([aDelivery({ platform: 'gcm', token: 'android-1' })]);
    expect(first.requests[0].path).toBe('/push/gcm/send');
    expect(first.requests[0].options).not.toHaveProperty('topic');
  });

  it('fails over to the next gateway when the first is down, and prefers the working one afterwards', async () => {
    const t = transport([first.url, second.url]);
    await first.stop();
    const delivery = aDelivery();
    const [result] = await t.send([delivery]);
    expect(result).toMatchObject({ outcome: 'delivered', route: `gateway:${second.url}` });
    expect(second.delivered(delivery.token)).toHaveLength(1);
    expect(t.routeOf(delivery)).toBe(`gateway:${second.url}`);
  });

  it('tries the first gateway again once its cool-down has passed', async () => {
    let now = Date.parse('2030-01-01T00:00:00Z');
    const t = transport([first.url, second.url], { now: () => new Date(now), failoverCoolDownMs: 60_000 });
    first.answerNext({ status: 503 });
    await t.send([aDelivery()]);
    expect(t.routeOf(aDelivery())).toBe(`gateway:${second.url}`);
    now += 60_001;
    expect(t.routeOf(aDelivery())).toBe(`gateway:${first.url}`);
    const [result] = await t.send([aDelivery()]);
    expect(result.route).toBe(`gateway:${first.url}`);
  });

  it('fails over on a 5xx', async () => {
    first.answerNext({ status: 502 });
    const [result] = await transport([first.url, second.url]).send([aDelivery()]);
    expect(result).toMatchObject({ outcome: 'delivered', route: `gateway:${second.url}` });
    expect(first.requests).toHaveLength(1);
  });

  it('fails over when a gateway does not answer in time', async () => {
    first.answerNext({ hang: true });
    const [result] = await transport([first.url, second.url], { timeoutMs: 200 }).send([aDelivery()]);
    expect(result).toMatchObject({ outcome: 'delivered', route: `gateway:${second.url}` });
  });

  it('answers retry (failure) when every gateway fails, naming the last one tried', async () => {
    first.answerNext({ status: 503 });
    second.answerNext({ reset: true });
    const [result] = await transport([first.url, second.url]).send([aDelivery()]);
    expect(result).toMatchObject({ outcome: 'retry', routeHealth: 'failure', route: `gateway:${second.url}` });
    expect(result.reason).toMatch(/^E[A-Z]+|NETWORK_ERROR$/);
  });

  it.each<[number, string, string, string | undefined]>([
    [406, 'invalid-token', 'GATEWAY_TOKEN_INVALID', undefined],
    [422, 'rejected', 'GATEWAY_REJECTED', undefined],
    [429, 'retry', 'GATEWAY_QUOTA_EXCEEDED', 'failure'],
  ])('a %i is an answer, not a reason to fail over', async (status, outcome, reason, routeHealth) => {
    const delivery = aDelivery();
    first.answer(delivery.token, { status, retryAfterSeconds: status === 429 ? 3600 : undefined });
    const [result] = await transport([first.url, second.url]).send([delivery]);
    expect(result).toMatchObject({ outcome, reason, status, route: `gateway:${first.url}` });
    expect(result.routeHealth).toBe(routeHealth);
    if (status === 429) expect(result.retryAfterMs).toBe(3_600_000);
    expect(second.requests).toHaveLength(0);
  });

  it('answers rejected GATEWAY_UNAUTHORIZED ("the gateway refused this workspace") on 401', async () => {
    const [result] = await transport([first.url], { token: 'not-the-token' }).send([aDelivery()]);
    expect(result).toMatchObject({ outcome: 'rejected', reason: 'GATEWAY_UNAUTHORIZED', status: 401, routeHealth: 'unhealthy' });
    expect(result.detail).toContain('the gateway refused this workspace');
  });

  it('keeps connections alive across sends', async () => {
    const t = transport([first.url]);
    for (let i = 0; i < 10; i++) await t.send([aDelivery()]);
    expect(first.requests).toHaveLength(10);
    expect(first.connectionsAccepted).toBe(1);
  });

  it('sends a batch concurrently, bounded, one result per delivery in order', async () => {
    const batch = Array.from({ length: 40 }, () => aDelivery());
    const results = await transport([first.url], { concurrency: 8 }).send(batch);
    expect(results.map((r) => r.id)).toEqual(batch.map((d) => d.id));
    expect(results.every((r) => r.outcome === 'delivered')).toBe(true);
    expect(first.connectionsAccepted).toBeLessThanOrEqual(8);
  });

  it.each<[string, string[], string]>([
    ['no gateway', [], 'no valid gateway URL'],
    ['an invalid gateway only', ['not a url'], 'no valid gateway URL'],
    ['no token', ['http://127.0.0.1:1'], 'Push_gateway_token is empty'],
  ])('throws PUSH_ERR_TRANSPORT_NOT_CONFIGURED with %s', async (_name, gateways, message) => {
    const t = transport(gateways, gateways.length === 1 && gateways[0].startsWith('http') ? { token: ' ' } : {});
    expect(t.routeOf(aDelivery())).toBe(gateways[0]?.startsWith('http') ? `gateway:${gateways[0]}` : 'gateway:unconfigured');
    const error = await t.send([aDelivery()]).catch((e: unknown) => e);
    expect(isPushError(error, 'PUSH_ERR_TRANSPORT_NOT_CONFIGURED')).toBe(true);
    expect((error as Error).message).toContain(message);
  });

  it('never sends the workspace token anywhere but the Authorization header', async () => {
    await transport([first.url]).send([aDelivery()]);
    expect(JSON.stringify(first.requests[0].options)).not.toContain(TOKEN);
  });
});
