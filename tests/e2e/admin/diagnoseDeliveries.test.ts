import { describeCredentials } from '../../../lib/delivery/describeCredentials';
import type { IPushSettings } from '../../../definitions/IPushSettings';
import { PUSH_SETTING_DEFINITIONS } from '../../../lib/settings';
import { diagnoseDeliveries, describeRoute, type IRecentAttempt } from '../../../server/admin/status/diagnoseDeliveries';
import { diagnoseDeviceTopics } from '../../../server/admin/status/diagnoseDeviceTopics';
import type { IRouteStatus } from '../../../server/push/outbox/CircuitBreakerGuard';
import { generateApnsClientCertificate } from '../../../server/simulators';

// The pure halves of push.admin.status: what recent provider answers and registered devices say is wrong.

const GW = 'gateway:https://gw.example';
let clock = 0;
const at = () => new Date(1_800_000_000_000 + ++clock * 1000);
const attempt = (route: string, over: Partial<IRecentAttempt>): IRecentAttempt => ({ at: at(), route, appName: 'chat.rocket.ios', outcome: 'delivered', status: 200, reason: 'OK', ...over });
const refused = (route = GW) => attempt(route, { outcome: 'rejected', status: 401, reason: 'GATEWAY_UNAUTHORIZED' });
const input = (attempts: IRecentAttempt[], over: Partial<Parameters<typeof diagnoseDeliveries>[0]> = {}) => ({ attempts, routes: [], mode: 'gateway' as const, workspaceId: 'WS1', ...over });

describe('diagnoseDeliveries', () => {
  it('names a refused workspace with the count and what to check', () => {
    const [problem, ...rest] = diagnoseDeliveries(input([refused(), refused()]));
    expect(rest).toEqual([]);
    expect(problem).toEqual({
      code: 'GATEWAY_REFUSED_WORKSPACE',
      severity: 'error',
      source: 'deliveries',
      route: GW,
      message: 'The gateway https://gw.example refused this workspace (401) for the last 2 pushes.',
      action: expect.stringContaining('Push_gateway_token'),
    });
    expect(problem.action).toContain('WS1');
  });

  it('forgets failures followed by a success on the same route, in any input order', () => {
    const failures = [refused(), refused()];
    const success = attempt(GW, {}); // answered after the failures
    expect(diagnoseDeliveries(input([success, ...failures]))).toEqual([]);
    const later = refused();
    expect(diagnoseDeliveries(input([later, success, ...failures]))).toEqual([expect.objectContaining({ message: expect.stringContaining('for the last push.') })]);
  });

  it('only looks at the routes of the current mode', () => {
    const apnsRefused = attempt('apns:KEY1234567:production', { outcome: 'rejected', status: 403, reason: 'InvalidProviderToken' });
    expect(diagnoseDeliveries(input([refused(), apnsRefused], { mode: 'direct' })).map((p) => p.code)).toEqual(['APN_CREDENTIALS_REFUSED']);
    expect(diagnoseDeliveries(input([refused(), apnsRefused], { mode: 'gateway' })).map((p) => p.code)).toEqual(['GATEWAY_REFUSED_WORKSPACE']);
  });

  it.each([
    [GW, { outcome: 'retry', status: 429, reason: 'GATEWAY_QUOTA_EXCEEDED' }, 'GATEWAY_OVER_QUOTA'],
    [GW, { outcome: 'retry', status: undefined, reason: 'ENOTFOUND' }, 'GATEWAY_UNREACHABLE'],
    [GW, { outcome: 'rejected', status: 403, reason: 'GATEWAY_FORBIDDEN' }, 'GATEWAY_FORBIDDEN'],
    [GW, { outcome: 'retry', status: 502, reason: 'GATEWAY_HTTP_502' }, 'GATEWAY_FAILING'],
    ['apns:cert-0011223344556677:sandbox', { outcome: 'rejected', status: 400, reason: 'TopicDisallowed' }, 'APN_TOPIC_MISMATCH'],
    ['apns:KEY1234567:production', { outcome: 'invalid-token', status: 400, reason: 'DeviceTokenNotForTopic' }, 'APN_TOPIC_MISMATCH'],
    ['apns:KEY1234567:production', { outcome: 'retry', status: undefined, reason: 'ECONNRESET' }, 'APN_UNREACHABLE'],
    ['fcm:proj', { outcome: 'rejected', status: 403, reason: 'PERMISSION_DENIED' }, 'FCM_CREDENTIALS_REFUSED'],
    ['fcm:proj', { outcome: 'invalid-token', status: 403, reason: 'SENDER_ID_MISMATCH' }, 'FCM_SENDER_MISMATCH'],
    ['fcm:proj', { outcome: 'retry', status: undefined, reason: 'ETIMEDOUT' }, 'FCM_UNREACHABLE'],
  ] as const)('%s %j → %s', (route, over, code) => {
    const mode = route.startsWith('gateway:') ? 'gateway' : 'direct';
    const problems = diagnoseDeliveries(input([attempt(route, over as Partial<IRecentAttempt>)], { mode }));
    expect(problems.map((p) => p.code)).toEqual([code]);
    expect(problems[0].message.length).toBeGreaterThan(20);
    expect(problems[0].action.length).toBeGreaterThan(20);
  });

  it('a dead device or a too-fast device is not a route problem', () => {
    const apns = 'apns:KEY1234567:production';
    const problems = diagnoseDeliveries(input([
      attempt(apns, { outcome: 'invalid-token', status: 410, reason: 'Unregistered' }),
      attempt(apns, { outcome: 'retry', status: 429, reason: 'TooManyRequests' }),
      attempt(apns, { outcome: 'rejected', status: 413, reason: 'PayloadTooLarge' }),
    ], { mode: 'direct' }));
    expect(problems).toEqual([]);
  });

  it('reports an open circuit with no recent answers as a paused route, once', () => {
    const open: IRouteStatus = { route: GW, status: 'open', consecutiveFailures: 5, retryAt: new Date('2027-01-01T10:00:30Z') };
    const paused = diagnoseDeliveries(input([], { routes: [open, { route: 'fcm:p', status: 'open', consecutiveFailures: 2 }] }));
    expect(paused).toEqual([expect.objectContaining({ code: 'ROUTE_PAUSED', source: 'routes', route: GW, message: expect.stringContaining('10:00:30 UTC') })]);
    // With an answer explaining it, the specific problem is enough.
    expect(diagnoseDeliveries(input([refused()], { routes: [open] })).map((p) => p.code)).toEqual(['GATEWAY_REFUSED_WORKSPACE']);
  });

  it('describes routes in words', () => {
    expect(describeRoute(GW)).toBe('https://gw.example');
    expect(describeRoute('apns:ABCDEFGHIJ:sandbox')).toBe('APNs (key ABCDEFGHIJ, sandbox)');
    expect(describeRoute('apns:cert-00aa:production')).toBe('APNs (certificate 00aa, production)');
    expect(describeRoute('fcm:my-project')).toBe('FCM (project my-project)');
  });
});

describe('diagnoseDeviceTopics', () => {
  const certificate = generateApnsClientCertificate('com.example.chat');
  const settings = (over: Partial<IPushSettings>): IPushSettings => ({
    ...(Object.fromEntries(Object.values(PUSH_SETTING_DEFINITIONS).map((d) => [d._id, d.packageValue])) as unknown as IPushSettings),
    Push_enable_gateway: false,
    Push_apn_auth_type: 'certificate',
    Push_apn_cert: certificate.certPem,
    Push_apn_key: certificate.keyPem,
    ...over,
  });
  const now = new Date();

  it('flags iOS apps the certificate is not for (its suffixed topics are fine)', () => {
    const credentials = describeCredentials(settings({}), now);
    const problems = diagnoseDeviceTopics(credentials, ['com.example.chat', 'com.example.chat.voip', 'chat.rocket.ios']);
    expect(problems).toEqual([expect.objectContaining({ code: 'APN_TOPIC_MISMATCH', source: 'devices', message: expect.stringContaining('chat.rocket.ios, but the APNs certificate is for com.example.chat') })]);
    expect(diagnoseDeviceTopics(credentials, ['com.example.chat'])).toEqual([]);
  });

  it('does not judge token auth (a team key covers every app) nor gateway mode', () => {
    expect(diagnoseDeviceTopics(describeCredentials(settings({ Push_apn_auth_type: 'token' }), now), ['chat.rocket.ios'])).toEqual([]);
    expect(diagnoseDeviceTopics(describeCredentials(settings({ Push_enable_gateway: true }), now), ['chat.rocket.ios'])).toEqual([]);
  });
});
