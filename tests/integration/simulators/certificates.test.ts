import { createPrivateKey, createPublicKey, X509Certificate } from 'crypto';
import https from 'https';
import type { AddressInfo } from 'net';
import tls from 'tls';
import {
  APPLE_PUSH_OIDS,
  createCertificateAuthority,
  createSelfSignedCertificate,
  generateApnsClientCertificate,
  readCertificate,
  topicsOfCertificate,
} from '../../../server/simulators/certificates';
import { generateApnsSigningKey, generateServiceAccount } from '../../../server/simulators/credentials';

/** Serves TLS with the given certificate and reports what a client connecting with `clientOptions` experienced. */
async function handshake(
  server: { certPem: string; keyPem: string },
  clientOptions: tls.ConnectionOptions,
): Promise<{ ok: true; peerCn: string } | { ok: false; code: string }> {
  const tlsServer = tls.createServer({ cert: server.certPem, key: server.keyPem }, (socket) => socket.end('hi'));
  await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
  const port = (tlsServer.address() as AddressInfo).port;
  try {
    return await new Promise((resolve) => {
      const socket = tls.connect({ port, ...clientOptions }, () => {
        const cn = socket.getPeerCertificate().subject.CN;
        socket.end();
        resolve({ ok: true, peerCn: String(cn) });
      });
      socket.on('error', (error: NodeJS.ErrnoException) => resolve({ ok: false, code: error.code ?? error.message }));
    });
  } finally {
    await new Promise<void>((resolve) => tlsServer.close(() => resolve()));
  }
}

describe('createSelfSignedCertificate', () => {
  const generated = createSelfSignedCertificate({
    commonName: 'localhost',
    altNames: { dns: ['localhost', 'push.local'], ip: ['127.0.0.1', '::1'] },
    days: 10,
    subject: { O: 'chat-push tests', UID: 'uid-123' },
  });

  test('parses with X509Certificate: subject, SANs, validity, fingerprint, matching key', () => {
    const cert = new X509Certificate(generated.certPem);
    expect(cert.subject).toContain('CN=localhost');
    expect(cert.subject).toContain('O=chat-push tests');
    expect(cert.subject).toContain('UID=uid-123');
    expect(cert.subjectAltName).toBe('DNS:localhost, DNS:push.local, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    const days = (new Date(cert.validTo).getTime() - new Date(cert.validFrom).getTime()) / 86_400_000;
    expect(Math.round(days)).toBe(10);
    expect(cert.fingerprint256).toBe(generated.fingerprint256);
    expect(cert.checkPrivateKey(createPrivateKey(generated.keyPem))).toBe(true);
    expect(cert.verify(cert.publicKey)).toBe(true); // self-signed: its own key verifies it
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.ca).toBe(false);
  });

  test('a TLS handshake succeeds for a client trusting it via ca, and fails without it', async () => {
    const trusted = await handshake(generated, { host: '127.0.0.1', servername: 'localhost', ca: [generated.certPem] });
    expect(trusted).toEqual({ ok: true, peerCn: 'localhost' });
    const byIp = await handshake(generated, { host: '127.0.0.1', ca: [generated.certPem] });
    expect(byIp.ok).toBe(true);
    const untrusted = await handshake(generated, { host: '127.0.0.1', servername: 'localhost' });
    expect(untrusted).toEqual({ ok: false, code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    const wrongName = await handshake(generated, { host: '127.0.0.1', servername: 'other.example', ca: [generated.certPem] });
    expect(wrongName).toEqual({ ok: false, code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
  });

  test('CA-signed certificates chain to the CA (trusting the CA is enough)', async () => {
    const ca = createCertificateAuthority('chat-push test CA');
    const leaf = createSelfSignedCertificate({
      commonName: 'localhost',
      altNames: { dns: ['localhost'] },
      issuer: { cert: ca.certPem, key: ca.keyPem },
      keyAlgorithm: 'rsa',
    });
    const caCert = new X509Certificate(ca.certPem);
    const leafCert = new X509Certificate(leaf.certPem);
    expect(caCert.ca).toBe(true);
    expect(leafCert.checkIssued(caCert)).toBe(true);
    expect(leafCert.verify(caCert.publicKey)).toBe(true);
    expect(leafCert.issuer).toBe(caCert.subject);
    expect(leafCert.publicKey.asymmetricKeyType).toBe('rsa');
    const result = await handshake(leaf, { host: '127.0.0.1', servername: 'localhost', ca: [ca.certPem] });
    expect(result).toEqual({ ok: true, peerCn: 'localhost' });
  });
});

describe('Apple-like credentials', () => {
  test('generateApnsClientCertificate looks like an Apple push certificate', () => {
    const generated = generateApnsClientCertificate('com.example.chat');
    const cert = new X509Certificate(generated.certPem);
    expect(cert.subject).toContain('CN=Apple Push Services: com.example.chat');
    expect(cert.subject).toContain('UID=com.example.chat');
    expect(cert.publicKey.asymmetricKeyType).toBe('rsa');
    expect(cert.checkPrivateKey(createPrivateKey(generated.keyPem))).toBe(true);
    const info = readCertificate(generated.certPem);
    expect(info.subject.UID).toBe('com.example.chat');
    expect(info.extensions.has(APPLE_PUSH_OIDS.sandbox)).toBe(true);
    expect(info.extensions.has(APPLE_PUSH_OIDS.production)).toBe(true);
    expect(topicsOfCertificate(info)).toEqual(['com.example.chat', 'com.example.chat.voip', 'com.example.chat.complication']);
    expect(generated.fingerprint256).toBe(cert.fingerprint256);
  });

  test('a production-only certificate has only the production marker', () => {
    const info = readCertificate(generateApnsClientCertificate('com.example.chat', { environments: ['production'] }).certPem);
    expect(info.extensions.has(APPLE_PUSH_OIDS.sandbox)).toBe(false);
    expect(info.extensions.has(APPLE_PUSH_OIDS.production)).toBe(true);
  });

  test('generateApnsSigningKey gives a PKCS#8 EC P-256 key with 10-character ids', () => {
    const key = generateApnsSigningKey();
    expect(key.p8).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const privateKey = createPrivateKey(key.p8);
    expect(privateKey.asymmetricKeyType).toBe('ec');
    expect(privateKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(key.keyId).toMatch(/^[A-Z0-9]{10}$/);
    expect(key.teamId).toMatch(/^[A-Z0-9]{10}$/);
  });

  test('generateServiceAccount gives a Google service-account JSON with an RSA 2048 key', () => {
    const account = generateServiceAccount({ projectId: 'demo-project', tokenUri: 'http://127.0.0.1:9/token' });
    expect(account).toMatchObject({ type: 'service_account', project_id: 'demo-project', token_uri: 'http://127.0.0.1:9/token' });
    expect(account.client_email).toMatch(/^firebase-adminsdk-[a-z0-9]{5}@demo-project\.iam\.gserviceaccount\.com$/);
    expect(account.private_key_id).toMatch(/^[0-9a-f]{40}$/);
    expect(account.client_id).toMatch(/^\d{21}$/);
    const key = createPublicKey(account.private_key);
    expect(key.asymmetricKeyType).toBe('rsa');
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(account.private_key).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
  });
});

describe('https agent sanity', () => {
  test('an https server with a generated certificate is reachable with ca', async () => {
    const generated = createSelfSignedCertificate({ commonName: 'localhost', altNames: { ip: ['127.0.0.1'] } });
    const server = https.createServer({ cert: generated.certPem, key: generated.keyPem }, (_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const body = await new Promise<string>((resolve, reject) => {
      https
        .get({ host: '127.0.0.1', port, ca: [generated.certPem], agent: false }, (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve(text));
        })
        .on('error', reject);
    });
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(body).toBe('ok');
  });
});
