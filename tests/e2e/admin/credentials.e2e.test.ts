import { generateApnsClientCertificate, generateApnsSigningKey, generateServiceAccount } from '../../../server/simulators';
import { startServer, type StartedServer } from '../start/startedServer';

let env: StartedServer;

beforeAll(async () => {
  env = await startServer();
});
afterAll(() => env.stop());

const upload = (body: unknown) => env.api.post('push.admin.credentials', body, env.admin);
const settings = () => env.server.host.settings.pushSettings();

/** A refusal leaves every setting as it was and says what is wrong in the envelope. */
async function expectRefused(body: unknown, errorType: string, message: RegExp) {
  const before = settings();
  const response = await upload(body);
  expect(response.status).toBe(400);
  expect(response.body).toEqual({ success: false, errorType, error: expect.stringMatching(message) });
  expect(response.body.error).toMatch(/Nothing was changed\.$/);
  expect(settings()).toEqual(before);
  return response;
}

describe('POST push.admin.credentials checks everything before writing anything', () => {
  it('refuses a file that is not a key, wrong ids, a bad service account — and an upload with one bad part', async () => {
    const key = generateApnsSigningKey();
    const token = (over: Record<string, unknown>) => ({ apns: { type: 'token', p8: key.p8, keyId: key.keyId, teamId: key.teamId, ...over } });
    await expectRefused(token({ p8: '\x89PNG\r\n\x1a\n binary bytes' }), 'error-invalid-p8-key', /not an APNs auth key: it is not PEM text/);
    const rsa = generateServiceAccount({ projectId: 'other' }).private_key;
    await expectRefused(token({ p8: rsa }), 'error-invalid-p8-key', /not an EC P-256 key/);
    await expectRefused(token({ keyId: 'abc' }), 'error-invalid-key-id', /10 capital letters or digits/);
    await expectRefused(token({ teamId: 'TEAM-ID-1234' }), 'error-invalid-team-id', /10 capital letters or digits/);
    await expectRefused({ apns: { type: 'token' } }, 'error-invalid-p8-key', /not PEM text/);

    await expectRefused({ fcm: { serviceAccount: '{"type": "service_account", ' } }, 'error-invalid-service-account', /not a JSON object/);
    await expectRefused({ fcm: { serviceAccount: JSON.stringify({ project_info: { project_id: 'x' }, client: [] }) } }, 'error-invalid-service-account', /google-services\.json/);
    const account = generateServiceAccount({ projectId: 'demo-project' });
    await expectRefused({ fcm: { serviceAccount: JSON.stringify({ ...account, private_key: key.p8 }) } }, 'error-invalid-service-account', /not an RSA private key/);
    await expectRefused({ fcm: { serviceAccount: JSON.stringify({ ...account, type: 'authorized_user' }) } }, 'error-invalid-service-account', /not "service_account"/);

    // A valid APNs key with a broken service account: the key is not written either.
    await expectRefused({ ...token({}), fcm: { serviceAccount: 'not json' } }, 'error-invalid-service-account', /not a JSON object/);
    expect(settings().Push_apn_key_id).not.toBe(key.keyId);
  });

  it('refuses certificates that could not work: unreadable, foreign key, expired, wrong environment', async () => {
    const cert = generateApnsClientCertificate('com.example.chat');
    const other = generateApnsClientCertificate('com.example.chat');
    const body = (over: Record<string, unknown>) => ({ apns: { type: 'certificate', cert: cert.certPem, key: cert.keyPem, production: true, ...over } });
    await expectRefused(body({ cert: 'hello' }), 'error-invalid-certificate', /not a PEM certificate/);
    await expectRefused(body({ key: cert.certPem }), 'error-invalid-private-key', /does not parse/);
    await expectRefused(body({ key: other.keyPem }), 'error-certificate-key-mismatch', /does not belong to this certificate/);
    const expired = generateApnsClientCertificate('com.example.chat', { notBefore: new Date(Date.now() - 400 * 86_400_000), days: 30 });
    await expectRefused(body({ cert: expired.certPem, key: expired.keyPem }), 'error-certificate-expired', /expired on \d{4}-\d\d-\d\d/);
    const sandboxOnly = generateApnsClientCertificate('com.example.chat', { environments: ['sandbox'] });
    await expectRefused(body({ cert: sandboxOnly.certPem, key: sandboxOnly.keyPem }), 'error-certificate-wrong-environment', /sandbox service only/);
  });

  it('saves a valid .p8 key and service account, answers without them, and the next push uses them', async () => {
    const key = generateApnsSigningKey();
    const account = generateServiceAccount({ projectId: 'uploaded-project' });
    const response = await upload({
      apns: { type: 'token', p8: key.p8.replace(/\n/g, '\r\n'), keyId: key.keyId, teamId: key.teamId, production: false },
      fcm: { serviceAccount: JSON.stringify(account, null, 2) },
    });
    expect(response.status).toBe(200);
    expect(response.body.saved).toEqual(['Push_apn_auth_type', 'Push_apn_p8_key', 'Push_apn_key_id', 'Push_apn_team_id', 'Push_production', 'Push_google_api_credentials']);
    expect(response.text).not.toContain(key.p8.split('\n')[1]);
    expect(response.text).not.toContain(account.private_key.split('\n')[1]);
    const { credentials } = response.body.status;
    expect(credentials.apns).toEqual(expect.objectContaining({ configured: true, mode: 'token', keyId: key.keyId, teamId: key.teamId, environment: 'sandbox' }));
    expect(credentials.fcm).toEqual(expect.objectContaining({ configured: true, projectId: 'uploaded-project', privateKeyId: account.private_key_id }));
    expect(settings().Push_apn_p8_key).toBe(key.p8); // CRLF normalised
    expect(response.body.simulated).toBe(true);

    // No restart: the next push goes out with the new key (the running simulators were told to accept it).
    const test = await env.api.post('push.admin.test', { username: 'carol' }, env.admin);
    expect(test.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(['delivered', 'delivered']);
    const sims = env.simulators();
    const carol = env.demo!.workspace!.users.find((u) => u.username === 'carol')!;
    const iphone = carol.devices.find((d) => d.platform === 'apn')!;
    const received = await sims.apns.waitFor((p) => p.token === iphone.token && p.auth.type === 'token' && p.auth.keyId === key.keyId, 5000);
    expect(received.auth).toEqual({ type: 'token', keyId: key.keyId, teamId: key.teamId });
    const android = carol.devices.find((d) => d.platform === 'gcm')!;
    const fcm = await sims.fcm.waitFor((p) => p.token === android.token && p.projectId === 'uploaded-project', 5000);
    expect(fcm.clientEmail).toBe(account.client_email);
  });

  it('saves a certificate with its encrypted key for the sandbox', async () => {
    const cert = generateApnsClientCertificate('chat.rocket.ios');
    const { createPrivateKey } = await import('node:crypto');
    const encrypted = createPrivateKey(cert.keyPem).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'open sesame' }).toString();
    await expectRefused({ apns: { type: 'certificate', cert: cert.certPem, key: encrypted, production: false } }, 'error-invalid-private-key', /encrypted and no passphrase/);
    await expectRefused({ apns: { type: 'certificate', cert: cert.certPem, key: encrypted, passphrase: 'wrong', production: false } }, 'error-invalid-private-key', /passphrase does not decrypt it/);
    const response = await upload({ apns: { type: 'certificate', cert: cert.certPem, key: encrypted, passphrase: 'open sesame', production: false } });
    expect(response.status).toBe(200);
    expect(response.text).not.toContain('open sesame');
    expect(response.body.status.credentials.apns).toEqual(expect.objectContaining({ configured: true, mode: 'certificate', topic: 'chat.rocket.ios', environment: 'sandbox', daysLeft: expect.any(Number) }));
    expect(settings().Push_apn_dev_passphrase).toBe('open sesame');
    expect(settings().Push_apn_auth_type).toBe('certificate');
  });
});

describe('a certificate for another app', () => {
  it('is accepted, but the status says which devices it cannot reach, before and after APNs refuses them', async () => {
    const cert = generateApnsClientCertificate('com.example.other');
    const response = await upload({ apns: { type: 'certificate', cert: cert.certPem, key: cert.keyPem, production: false } });
    expect(response.status).toBe(200);
    const predicted = response.body.status.problems.filter((p: { code: string }) => p.code === 'APN_TOPIC_MISMATCH');
    expect(predicted).toEqual([expect.objectContaining({ source: 'devices', message: expect.stringContaining('chat.rocket.ios, but the APNs certificate is for com.example.other') })]);

    const test = await env.api.post('push.admin.test', { username: 'alice' }, env.admin);
    expect(test.body.results).toEqual([expect.objectContaining({ platform: 'apn', outcome: 'rejected', reason: 'TopicDisallowed' })]);
    const status = (await env.api.get('push.admin.status', undefined, env.admin)).body;
    const seen = status.problems.filter((p: { code: string }) => p.code === 'APN_TOPIC_MISMATCH');
    expect(seen).toEqual([expect.objectContaining({ source: 'deliveries', message: expect.stringContaining('APNs refused the topic (TopicDisallowed)') })]);
  });
});

describe('PEM settings refuse what is not PEM of their kind, through any API', () => {
  it.each([
    ['Push_apn_cert', 'a PEM certificate'],
    ['Push_apn_key', 'a PEM private key'],
    ['Push_apn_p8_key', 'a PEM private key'],
    ['Push_apn_dev_cert', 'a PEM certificate'],
  ])('%s', async (id, kind) => {
    const before = settings();
    const bad = await env.api.post(`settings/${id}`, { value: 'just some text' }, env.admin);
    expect(bad.status).toBe(400);
    expect(bad.body.errorType).toBe('error-invalid-setting-value');
    expect(bad.body.error).toContain(`must be ${kind}`);
    const swapped = id.includes('cert') ? generateApnsSigningKey().p8 : generateApnsClientCertificate('x.y').certPem;
    const wrongKind = await env.api.post(`settings/${id}`, { value: swapped }, env.admin);
    expect(wrongKind.status).toBe(400);
    expect(wrongKind.body.error).toMatch(/but holds a (private key|certificate)/);
    expect(settings()).toEqual(before);
  });
});
