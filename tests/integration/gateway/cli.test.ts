import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { readGatewayEnv } from '../../../server/gateway/gatewayEnv';
import { startGateway, type RunningGateway } from '../../../server/gateway/startGateway';
import { runWorkspaceCommand } from '../../../server/gateway/workspaceCommand';
import { isPushError } from '../../../lib/errors';
import { generateApnsSigningKey } from '../../../server/simulators';
import { apnsDeviceToken, post } from './gatewayHarness';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'gateway-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run gateway (startGateway) and the workspace command', () => {
  let running: RunningGateway | undefined;
  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });

  it('starts on the embedded database with the simulators, registers a workspace through the admin API, delivers a push', async () => {
    const lines: string[] = [];
    const env = { GATEWAY_PORT: '0', GATEWAY_DATA_DIR: dir, GATEWAY_EMBEDDED_DB_PATH: '' };
    running = await startGateway({ env, stdout: (t) => lines.push(t), logger: pino({ level: 'silent' }) });
    expect(lines.join('')).toMatch(/^gateway listening on http:\/\/127\.0\.0\.1:\d+\n$/);
    expect(running.simulators).toBeDefined();
    // The generated admin token is kept in a file only its owner can read.
    expect(statSync(path.join(dir, 'admin-token')).mode & 0o077).toBe(0);

    const out: string[] = [];
    const code = await runWorkspaceCommand(['add', '--name', 'Acme', '--id', 'acme-1', '--quota', '10', '--json'], {
      env: { ...env, GATEWAY_URL: running.url },
      stdout: (t) => out.push(t),
    });
    expect(code).toBe(0);
    const issued = JSON.parse(out.join(''));
    expect(issued.workspace).toMatchObject({ id: 'acme-1', monthlyQuota: 10, usage: 0 });
    expect(issued.token).toMatch(/^gwt_/);

    const device = apnsDeviceToken();
    const answer = await post(
      `${running.url}/push/apn/send`,
      { token: device, options: { uniqueId: 'acme-1', topic: 'chat.acme.ios', title: 'hi', text: 'there' } },
      { authorization: `Bearer ${issued.token}` },
    );
    expect(answer.status).toBe(200);
    const push = await running.simulators!.apns.waitFor((p) => p.token === device);
    expect(push.topic).toBe('chat.acme.ios');

    const listed: string[] = [];
    await runWorkspaceCommand(['list'], { env: { ...env, GATEWAY_URL: running.url }, stdout: (t) => listed.push(t) });
    expect(listed.join('')).toMatch(/acme-1\s+Acme\s+active\s+acme-1\s+1\s+10\s+any/);
  });

  it('works on the embedded database files when no gateway is running, and the gateway then knows the workspace', async () => {
    const env = { GATEWAY_PORT: '1', GATEWAY_DATA_DIR: dir };
    const out: string[] = [];
    expect(await runWorkspaceCommand(['add', '--name', 'Offline', '--id', 'off-1', '--json'], { env, stdout: (t) => out.push(t) })).toBe(0);
    const { token } = JSON.parse(out.join(''));

    running = await startGateway({ env: { ...env, GATEWAY_PORT: '0' }, stdout: () => undefined, logger: pino({ level: 'silent' }) });
    const answer = await post(`${running.url}/push/gcm/send`, { token: 'fcm-1', options: { uniqueId: 'off-1', title: 't' } }, { authorization: `Bearer ${token}` });
    expect(answer.status).toBe(200);
  });
});

describe('gateway environment', () => {
  it('reads credentials from files and tunables from variables', () => {
    const key = generateApnsSigningKey();
    const p8 = path.join(dir, 'AuthKey.p8');
    writeFileSync(p8, key.p8);
    const config = readGatewayEnv({
      GATEWAY_APN_P8_FILE: p8,
      GATEWAY_APN_KEY_ID: key.keyId,
      GATEWAY_APN_TEAM_ID: key.teamId,
      GATEWAY_APN_PRODUCTION: 'false',
      GATEWAY_DEFAULT_MONTHLY_QUOTA: '1000',
      GATEWAY_RATE_LIMIT_PER_SECOND: '5',
      GATEWAY_RATE_LIMIT_BURST: '10',
      GATEWAY_PORT: '4321',
    });
    expect(config.credentials).toEqual({ production: false, apn: { kind: 'token', key: key.p8, keyId: key.keyId, teamId: key.teamId } });
    expect(config.configured).toEqual({ apn: true, gcm: false });
    expect(config.settings).toMatchObject({ defaultMonthlyQuota: 1000, rateLimit: { perSecond: 5, burst: 10 } });
    expect(config.port).toBe(4321);
    expect(readGatewayEnv({}).settings.defaultMonthlyQuota).toBeNull();
  });

  it.each([
    [{ GATEWAY_PORT: 'eighty' }, 'GATEWAY_PORT'],
    [{ GATEWAY_DEFAULT_MONTHLY_QUOTA: '-3' }, 'GATEWAY_DEFAULT_MONTHLY_QUOTA'],
    [{ GATEWAY_APN_P8_FILE: '/nonexistent/AuthKey.p8', GATEWAY_APN_KEY_ID: 'K', GATEWAY_APN_TEAM_ID: 'T' }, 'GATEWAY_APN_P8_FILE'],
    [{ GATEWAY_APN_KEY_ID: 'K' }, 'GATEWAY_APN_P8_FILE'],
    [{ GATEWAY_APN_PRODUCTION: 'maybe' }, 'GATEWAY_APN_PRODUCTION'],
  ])('refuses a bad configuration, naming the variable (%j)', (env, variable) => {
    let error: unknown;
    try {
      readGatewayEnv(env);
    } catch (e) {
      error = e;
    }
    expect(isPushError(error, 'PUSH_ERR_GATEWAY_CONFIG_INVALID')).toBe(true);
    expect((error as Error).message).toContain(variable);
  });
});
