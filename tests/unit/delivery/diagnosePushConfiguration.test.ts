import { generateKeyPairSync } from 'node:crypto';
import type { IPushSettings } from '../../../definitions/IPushSettings';
import { describeCredentials } from '../../../lib/delivery/describeCredentials';
import { diagnosePushConfiguration, type IConfigurationProblem } from '../../../lib/delivery/diagnosePushConfiguration';
import { toPushSettings } from '../../../lib/settings/toPushSettings';
import { generateApnsClientCertificate } from '../../../server/simulators/certificates';
import { generateApnsSigningKey, generateServiceAccount } from '../../../server/simulators/credentials';

const NOW = new Date('2030-06-01T00:00:00Z');
const DAY = 86_400_000;

const signingKey = generateApnsSigningKey();
const serviceAccount = generateServiceAccount({ projectId: 'chat-push-test' });
const certificate = generateApnsClientCertificate('com.example.chat', { notBefore: new Date(NOW.getTime() - 10 * DAY), days: 365 });

function settings(overrides: Partial<IPushSettings>): IPushSettings {
  return { ...toPushSettings({}), ...overrides };
}

const direct = (overrides: Partial<IPushSettings> = {}): IPushSettings =>
  settings({
    Push_enable_gateway: false,
    Push_apn_auth_type: 'token',
    Push_apn_p8_key: signingKey.p8,
    Push_apn_key_id: signingKey.keyId,
    Push_apn_team_id: signingKey.teamId,
    Push_google_api_credentials: JSON.stringify(serviceAccount),
    ...overrides,
  });

const certificateAuth = (overrides: Partial<IPushSettings> = {}): IPushSettings =>
  direct({ Push_apn_auth_type: 'certificate', Push_apn_cert: certificate.certPem, Push_apn_key: certificate.keyPem, ...overrides });

const gateway = (overrides: Partial<IPushSettings> = {}): IPushSettings =>
  settings({ Push_enable_gateway: true, Push_gateway: 'https://gateway.rocket.chat', Push_gateway_token: 'gw-token', uniqueID: 'ws-1', ...overrides });

function codes(problems: IConfigurationProblem[]): string[] {
  return problems.map((p) => p.code);
}

function only(problems: IConfigurationProblem[], code: string): IConfigurationProblem {
  const found = problems.filter((p) => p.code === code);
  expect(found).toHaveLength(1);
  return found[0];
}

/** Every secret the settings hold, so we can check none leaks into a message. */
function secretsOf(s: IPushSettings): string[] {
  return [s.Push_apn_p8_key, s.Push_apn_key, s.Push_apn_cert, s.Push_google_api_credentials, s.Push_gateway_token, serviceAccount.private_key]
    .filter((x) => x.length > 8)
    .flatMap((x) => [x, x.slice(40, 80)]);
}

describe('diagnosePushConfiguration', () => {
  it('finds nothing wrong with a complete gateway configuration', () => {
    expect(diagnosePushConfiguration(gateway(), {}, NOW)).toEqual([]);
  });

  it('finds nothing wrong with complete direct credentials (token auth)', () => {
    expect(diagnosePushConfiguration(direct(), {}, NOW)).toEqual([]);
  });

  it('finds nothing wrong with a valid certificate', () => {
    expect(diagnosePushConfiguration(certificateAuth(), {}, NOW)).toEqual([]);
  });

  it.each<[string, Partial<IPushSettings>, string, 'error' | 'warning']>([
    ['push disabled', { Push_enable: false }, 'PUSH_DISABLED', 'warning'],
    ['notifications disabled', { Troubleshoot_Disable_Notifications: true }, 'NOTIFICATIONS_DISABLED', 'warning'],
    ['no gateway URL', { Push_gateway: '  \n ' }, 'GATEWAY_URL_MISSING', 'error'],
    ['invalid gateway URL', { Push_gateway: 'https://ok.example\nnot a url' }, 'GATEWAY_URL_INVALID', 'error'],
    ['plain HTTP gateway', { Push_gateway: 'http://gateway.example.com' }, 'GATEWAY_URL_INSECURE', 'warning'],
    ['no gateway token', { Push_gateway_token: '' }, 'GATEWAY_TOKEN_MISSING', 'error'],
    ['no workspace id', { uniqueID: '' }, 'WORKSPACE_ID_MISSING', 'error'],
  ])('gateway mode: %s', (_name, overrides, code, severity) => {
    const problem = only(diagnosePushConfiguration(gateway(overrides), {}, NOW), code);
    expect(problem.severity).toBe(severity);
    expect(problem.action.length).toBeGreaterThan(5);
  });

  it('does not flag a loopback HTTP gateway as insecure', () => {
    expect(codes(diagnosePushConfiguration(gateway({ Push_gateway: 'http://127.0.0.1:3100' }), {}, NOW))).toEqual([]);
  });

  it('reports the line of an invalid gateway URL without echoing it', () => {
    const problem = only(diagnosePushConfiguration(gateway({ Push_gateway: 'https://a.example\nhttps://user:secret@b.example' }), {}, NOW), 'GATEWAY_URL_INVALID');
    expect(problem.message).toContain('line 2');
    expect(problem.message).not.toContain('secret');
  });

  it('direct mode without any credentials: both missing, as errors', () => {
    const problems = diagnosePushConfiguration(direct({ Push_apn_p8_key: '', Push_apn_key_id: '', Push_apn_team_id: '', Push_google_api_credentials: '' }), {}, NOW);
    expect(codes(problems).sort()).toEqual(['APN_CREDENTIALS_MISSING', 'FCM_CREDENTIALS_MISSING']);
    expect(problems.every((p) => p.severity === 'error')).toBe(true);
    expect(problems[0].message).toMatch(/Direct mode without/);
  });

  it('direct mode without APNs credentials but with FCM: a warning', () => {
    const problem = only(diagnosePushConfiguration(direct({ Push_apn_p8_key: '', Push_apn_key_id: '', Push_apn_team_id: '' }), {}, NOW), 'APN_CREDENTIALS_MISSING');
    expect(problem.severity).toBe('warning');
  });

  it('names the missing parts of token auth', () => {
    const problem = only(diagnosePushConfiguration(direct({ Push_apn_team_id: '' }), {}, NOW), 'APN_TOKEN_INCOMPLETE');
    expect(problem.message).toContain('team id');
    expect(problem.message).not.toContain('key id');
  });

  it.each<[string, string]>([
    ['garbage', 'not PEM'],
    ['-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----', 'damaged'],
    [generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 'P-256'],
  ])('a .p8 key that does not parse (%#)', (p8, text) => {
    const problem = only(diagnosePushConfiguration(direct({ Push_apn_p8_key: p8 }), {}, NOW), 'APN_P8_KEY_INVALID');
    expect(problem.severity).toBe('error');
    expect(problem.message).toContain(text);
  });

  it('warns about key and team ids that are not Apple-shaped', () => {
    const problems = diagnosePushConfiguration(direct({ Push_apn_key_id: 'abc', Push_apn_team_id: 'team-12345678' }), {}, NOW);
    expect(codes(problems).sort()).toEqual(['APN_KEY_ID_INVALID', 'APN_TEAM_ID_INVALID']);
  });

  it('reports an expired certificate with its date', () => {
    const expired = generateApnsClientCertificate('com.example.chat', { notBefore: new Date('2029-01-01T00:00:00Z'), days: 100 });
    const problem = only(diagnosePushConfiguration(certificateAuth({ Push_apn_cert: expired.certPem, Push_apn_key: expired.keyPem }), {}, NOW), 'APN_CERT_EXPIRED');
    expect(problem).toMatchObject({ severity: 'error', message: 'The APNs certificate expired on 2029-04-11.' });
  });

  it('warns when the certificate expires within 30 days, saying how many', () => {
    const soon = generateApnsClientCertificate('com.example.chat', { notBefore: new Date(NOW.getTime() - 355 * DAY), days: 365 });
    const problem = only(diagnosePushConfiguration(certificateAuth({ Push_apn_cert: soon.certPem, Push_apn_key: soon.keyPem }), {}, NOW), 'APN_CERT_EXPIRING');
    expect(problem.severity).toBe('warning');
    expect(problem.message).toMatch(/expires in (9|10) days/);
  });

  it('reports a certificate that is not valid yet', () => {
    const future = generateApnsClientCertificate('com.example.chat', { notBefore: new Date(NOW.getTime() + 5 * DAY) });
    only(diagnosePushConfiguration(certificateAuth({ Push_apn_cert: future.certPem, Push_apn_key: future.keyPem }), {}, NOW), 'APN_CERT_NOT_YET_VALID');
  });

  it('reports a key that does not belong to the certificate', () => {
    const other = generateApnsClientCertificate('com.example.other');
    only(diagnosePushConfiguration(certificateAuth({ Push_apn_key: other.keyPem }), {}, NOW), 'APN_CERT_KEY_MISMATCH');
  });

  it('reports a certificate that does not parse, and a key that does not', () => {
    const problems = diagnosePushConfiguration(certificateAuth({ Push_apn_cert: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----', Push_apn_key: 'nope' }), {}, NOW);
    expect(codes(problems).sort()).toEqual(['APN_CERT_INVALID', 'APN_CERT_KEY_INVALID']);
  });

  it('reports an encrypted key without (or with the wrong) passphrase', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const encrypted = privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'right' }).toString();
    const without = only(diagnosePushConfiguration(certificateAuth({ Push_apn_key: encrypted }), {}, NOW), 'APN_CERT_KEY_INVALID');
    expect(without.message).toContain('no passphrase');
    const wrong = only(diagnosePushConfiguration(certificateAuth({ Push_apn_key: encrypted, Push_apn_passphrase: 'wrong' }), {}, NOW), 'APN_CERT_KEY_INVALID');
    expect(wrong.message).toContain('passphrase does not decrypt');
  });

  it('reports a certificate for the other environment', () => {
    const sandboxOnly = generateApnsClientCertificate('com.example.chat', { environments: ['sandbox'], notBefore: new Date(NOW.getTime() - DAY) });
    const problem = only(
      diagnosePushConfiguration(certificateAuth({ Push_production: true, Push_apn_cert: sandboxOnly.certPem, Push_apn_key: sandboxOnly.keyPem }), {}, NOW),
      'APN_CERT_WRONG_ENVIRONMENT',
    );
    expect(problem.message).toContain('sandbox only');
  });

  it('uses the dev certificate in sandbox mode and says when only the production one is set', () => {
    const problems = diagnosePushConfiguration(certificateAuth({ Push_production: false }), {}, NOW);
    expect(only(problems, 'APN_CERT_WRONG_ENVIRONMENT').message).toContain('Only a production certificate');
    const ok = diagnosePushConfiguration(certificateAuth({ Push_production: false, Push_apn_cert: '', Push_apn_key: '', Push_apn_dev_cert: certificate.certPem, Push_apn_dev_key: certificate.keyPem }), {}, NOW);
    expect(ok).toEqual([]);
  });

  it('reports a half-entered certificate', () => {
    only(diagnosePushConfiguration(certificateAuth({ Push_apn_key: '' }), {}, NOW), 'APN_CERT_INCOMPLETE');
  });

  it.each<[string, string, string]>([
    ['not JSON', '{not json', 'FCM_CREDENTIALS_INVALID_JSON'],
    ['a JSON array', '[1,2]', 'FCM_CREDENTIALS_INVALID_JSON'],
    ['missing fields', JSON.stringify({ type: 'service_account', project_id: 'p' }), 'FCM_CREDENTIALS_MISSING_FIELDS'],
    ['the wrong kind of JSON', JSON.stringify({ ...serviceAccount, type: 'authorized_user' }), 'FCM_CREDENTIALS_WRONG_TYPE'],
    ['a broken private key', JSON.stringify({ ...serviceAccount, private_key: 'nope' }), 'FCM_PRIVATE_KEY_INVALID'],
  ])('service account: %s', (_name, json, code) => {
    expect(only(diagnosePushConfiguration(direct({ Push_google_api_credentials: json }), {}, NOW), code).severity).toBe('error');
  });

  it('lists the missing service-account fields', () => {
    const problem = only(diagnosePushConfiguration(direct({ Push_google_api_credentials: JSON.stringify({ project_id: 'p', client_email: 'e' }) }), {}, NOW), 'FCM_CREDENTIALS_MISSING_FIELDS');
    expect(problem.message).toContain('private_key_id, private_key');
  });

  it('reports endpoint overrides, and invalid ones as errors', () => {
    const problems = diagnosePushConfiguration(direct(), { apnEndpoint: 'https://127.0.0.1:8443', fcmEndpoint: 'ftp://x' }, NOW);
    expect(only(problems, 'APN_ENDPOINT_OVERRIDDEN').message).toContain('127.0.0.1:8443');
    expect(only(problems, 'FCM_ENDPOINT_INVALID').severity).toBe('error');
    // APNs speaks HTTP/2 over TLS only: a plain-HTTP endpoint cannot work.
    only(diagnosePushConfiguration(direct(), { apnEndpoint: 'http://127.0.0.1:8443' }, NOW), 'APN_ENDPOINT_INVALID');
    expect(codes(diagnosePushConfiguration(direct(), { fcmEndpoint: 'http://127.0.0.1:9090' }, NOW))).toEqual(['FCM_ENDPOINT_OVERRIDDEN']);
  });

  it('lists errors before warnings', () => {
    const problems = diagnosePushConfiguration(gateway({ Push_enable: false, Push_gateway_token: '' }), {}, NOW);
    expect(problems.map((p) => p.severity)).toEqual(['error', 'warning']);
  });

  it('never puts secret material into a problem', () => {
    const all = [
      diagnosePushConfiguration(direct({ Push_apn_key_id: 'x', Push_google_api_credentials: JSON.stringify({ ...serviceAccount, type: 'x' }) }), {}, NOW),
      diagnosePushConfiguration(certificateAuth({ Push_apn_key: generateApnsClientCertificate('o').keyPem }), {}, NOW),
      diagnosePushConfiguration(gateway({ Push_gateway: 'not a url' }), {}, NOW),
    ].flat();
    const text = JSON.stringify(all);
    for (const secret of [...secretsOf(direct()), ...secretsOf(certificateAuth())]) expect(text).not.toContain(secret);
  });
});

describe('describeCredentials', () => {
  it('describes token auth and the service account without secrets', () => {
    const description = describeCredentials(direct(), NOW);
    expect(description).toMatchObject({
      mode: 'direct',
      apns: { configured: true, mode: 'token', environment: 'production', keyId: signingKey.keyId, teamId: signingKey.teamId },
      fcm: { configured: true, projectId: 'chat-push-test', clientEmail: serviceAccount.client_email, privateKeyId: serviceAccount.private_key_id },
    });
    expect(description.apns.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    const text = JSON.stringify(description);
    for (const secret of secretsOf(direct())) expect(text).not.toContain(secret);
  });

  it('describes a certificate: subject, topic, expiry, days left', () => {
    const description = describeCredentials(certificateAuth(), NOW);
    expect(description.apns).toMatchObject({ configured: true, mode: 'certificate', topic: 'com.example.chat', daysLeft: 355 });
    expect(description.apns.subject).toContain('Apple Push Services: com.example.chat');
    expect(description.apns.expiresAt).toBe(new Date(NOW.getTime() - 10 * DAY + 365 * DAY).toISOString().replace(/\.\d{3}Z$/, '.000Z'));
    const text = JSON.stringify(description);
    for (const secret of secretsOf(certificateAuth())) expect(text).not.toContain(secret);
  });

  it('gives different fingerprints for different keys', () => {
    const other = generateApnsSigningKey();
    expect(describeCredentials(direct(), NOW).apns.fingerprint).not.toBe(describeCredentials(direct({ Push_apn_p8_key: other.p8 }), NOW).apns.fingerprint);
  });

  it('describes the gateway: URLs, whether a token is set (not the token)', () => {
    const description = describeCredentials(gateway({ Push_gateway: 'https://a.example/\n\nhttps://b.example' }), NOW);
    expect(description.mode).toBe('gateway');
    expect(description.gateway).toEqual({ urls: ['https://a.example', 'https://b.example'], tokenConfigured: true, workspaceId: 'ws-1' });
    expect(JSON.stringify(description)).not.toContain('gw-token');
  });

  it('says what is not configured', () => {
    const description = describeCredentials(settings({ Push_apn_p8_key: '', Push_google_api_credentials: '' }), NOW);
    expect(description.apns.configured).toBe(false);
    expect(description.fcm).toEqual({ configured: false });
  });
});
