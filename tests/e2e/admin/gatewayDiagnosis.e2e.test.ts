import net from 'node:net';
import { startGatewayLookalike, type GatewayLookalike } from '../../fakes/gatewayLookalike';
import { startServer, type StartedServer } from '../start/startedServer';

let env: StartedServer;
let gateway: GatewayLookalike;

beforeAll(async () => {
  env = await startServer();
  gateway = await startGatewayLookalike({ token: 'the-issued-token' });
});
afterAll(async () => {
  await env.stop();
  await gateway.stop();
});

const status = async () => (await env.api.get('push.admin.status', undefined, env.admin)).body;
type Problem = { code: string; message: string; action: string; severity: string };
const codes = (s: Record<string, any>) => (s.problems as Problem[]).map((p) => p.code);
const problem = (s: Record<string, any>, code: string) => (s.problems as Problem[]).find((p) => p.code === code);
/** A test push to carol's two phones (test pushes are limited to one per second per person: wait when told to). */
async function testPush() {
  for (;;) {
    const response = await env.api.post('push.admin.test', { username: 'carol' }, env.admin);
    if (response.status !== 429) return response;
    await new Promise((resolve) => setTimeout(resolve, Number(response.headers.get('retry-after')) * 1000));
  }
}

describe('misconfiguration is never silent: the status names the problem and what to do', () => {
  it('a gateway that refuses this workspace (401): "check Push_gateway_token"', async () => {
    const switched = await env.api.post('push.admin.mode', { mode: 'gateway', gateways: [gateway.url], gatewayToken: 'a-wrong-token' }, env.admin);
    expect(switched.status).toBe(200);
    expect(switched.body.status.mode).toBe('gateway');
    expect(switched.body.status.modeLabel).toBe('Push gateway');
    expect(env.server.host.settings.pushSettings().Push_enable_gateway).toBe(true);

    const test = await testPush();
    expect(test.body.results.every((r: { outcome: string; reason?: string }) => r.outcome === 'rejected' && r.reason === 'GATEWAY_UNAUTHORIZED')).toBe(true);
    const refused = await status();
    expect(refused.healthy).toBe(false);
    expect(refused.summary).toMatch(/misconfigured/);
    const found = problem(refused, 'GATEWAY_REFUSED_WORKSPACE');
    expect(found?.severity).toBe('error');
    expect(found?.message).toContain(`${gateway.url} refused this workspace (401)`);
    expect(found?.action).toContain('Push_gateway_token');
    expect(found?.action).toContain(refused.workspaceId);
    // The same list comes with the test push's answer.
    expect(codes(test.body)).toContain('GATEWAY_REFUSED_WORKSPACE');
  });

  it('fixing the token clears the problem, and the next push goes through at once (no restart, no cool-down)', async () => {
    const fixed = await env.api.post('push.admin.mode', { mode: 'gateway', gatewayToken: 'the-issued-token' }, env.admin);
    expect(fixed.status).toBe(200);
    expect(codes(fixed.body.status)).not.toContain('GATEWAY_REFUSED_WORKSPACE');
    const test = await testPush();
    expect(test.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(test.body.results.map(() => 'delivered'));
    const healthy = await status();
    expect(codes(healthy).filter((c) => c.startsWith('GATEWAY_'))).toEqual([]);
    expect(healthy.routes).toEqual([expect.objectContaining({ route: `gateway:${gateway.url}`, status: 'closed', label: gateway.url })]);
  });

  it('a workspace over its quota (429): "over its push quota", pushes held and retried', async () => {
    gateway.answerNext({ status: 429, retryAfterSeconds: 60 }, { count: 10 });
    const test = await testPush();
    expect(test.body.results[0]).toEqual(expect.objectContaining({ outcome: 'retrying', reason: 'GATEWAY_QUOTA_EXCEEDED' }));
    const over = problem(await status(), 'GATEWAY_OVER_QUOTA');
    expect(over?.message).toMatch(/over its push quota .* \(429\)/);
    expect(over?.action).toMatch(/quota/);
  });

  it('a gateway nobody answers at: "could not be reached"', async () => {
    const closedPort = await freePort();
    const switched = await env.api.post('push.admin.mode', { mode: 'gateway', gateways: [`http://127.0.0.1:${closedPort}`] }, env.admin);
    expect(switched.status).toBe(200);
    const test = await testPush();
    expect(test.body.results[0]).toEqual(expect.objectContaining({ outcome: 'retrying', reason: 'ECONNREFUSED' }));
    const unreachable = problem(await status(), 'GATEWAY_UNREACHABLE');
    expect(unreachable?.message).toContain(`http://127.0.0.1:${closedPort} could not be reached (ECONNREFUSED)`);
    expect(unreachable?.action).toMatch(/firewall/);
  });

  it('gateway mode without a token, then direct mode without credentials: configuration problems', async () => {
    const noToken = await env.api.post('push.admin.mode', { mode: 'gateway', gateways: [gateway.url], gatewayToken: '' }, env.admin);
    expect(problem(noToken.body.status, 'GATEWAY_TOKEN_MISSING')?.action).toContain('Push_gateway_token');

    for (const id of ['Push_apn_p8_key', 'Push_apn_key_id', 'Push_apn_team_id']) await env.api.post(`settings/${id}`, { value: '' }, env.admin);
    await env.api.post('settings/Push_google_api_credentials', { value: '' }, env.admin);
    const direct = await env.api.post('push.admin.mode', { mode: 'direct' }, env.admin);
    expect(direct.body.status.mode).toBe('direct');
    expect(problem(direct.body.status, 'APN_CREDENTIALS_MISSING')?.severity).toBe('error');
    expect(problem(direct.body.status, 'FCM_CREDENTIALS_MISSING')?.severity).toBe('error');
    // Old gateway answers say nothing about direct delivery.
    expect(codes(direct.body.status).filter((c) => c.startsWith('GATEWAY_'))).toEqual([]);
  });

  it('refuses a gateway list it cannot use, changing nothing', async () => {
    const before = env.server.host.settings.pushSettings();
    const bad = await env.api.post('push.admin.mode', { mode: 'gateway', gateways: ['https://ok.example', 'ftp://nope.example'] }, env.admin);
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ success: false, errorType: 'error-invalid-gateway-url', error: expect.stringContaining('Gateway 2 is not an http(s) URL') });
    const none = await env.api.post('push.admin.mode', { mode: 'gateway', gateways: [] }, env.admin);
    expect(none.status).toBe(400);
    const unknown = await env.api.post('push.admin.mode', { mode: 'carrier-pigeon' }, env.admin);
    expect(unknown.status).toBe(400);
    expect(env.server.host.settings.pushSettings()).toEqual(before);
  });
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
