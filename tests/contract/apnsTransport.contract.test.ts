import { randomBytes } from 'node:crypto';
import type { ApnsCredentials } from '../../lib/delivery/apnsCredentialsFrom';
import { generateApnsClientCertificate } from '../../server/simulators/certificates';
import { generateApnsSigningKey } from '../../server/simulators/credentials';
import { startApnsSimulator, type ApnsSimulator } from '../../server/simulators/apnsSimulator';
import { ApnsTransport } from '../../server/transports/ApnsTransport';
import { transportContract, type ITransportContractHarness } from './transportContract';

const TOPIC = 'com.example.chat';

async function harness(simulator: ApnsSimulator, credentials: ApnsCredentials): Promise<ITransportContractHarness> {
  const make = () =>
    new ApnsTransport({ credentials, production: false, endpoint: { host: simulator.address, port: simulator.port }, ca: simulator.ca });
  return {
    transport: make(),
    platform: 'apn',
    appName: TOPIC,
    liveToken: () => randomBytes(32).toString('hex'),
    deadToken: async () => {
      const token = randomBytes(32).toString('hex');
      simulator.faults.set({ deadTokens: [token] });
      return token;
    },
    inbox: async (token) =>
      simulator.inbox(token).map((push) => {
        const alert = (push.payload.aps as { alert?: { title?: string; body?: string } }).alert ?? {};
        return { title: alert.title, body: alert.body, idempotencyId: push.apnsId };
      }),
    failNext: async (token, fault) => {
      if (fault.kind === 'reset') simulator.faults.set({ resetNext: { tokens: [token], mode: 'stream' } });
      else simulator.faults.set({ failNext: { status: fault.status, retryAfterSeconds: fault.retryAfterSeconds, tokens: [token] } });
    },
    idempotencyIdOf: (delivery) => delivery.apnsId,
    makeTransport: make,
    teardown: () => simulator.stop(),
  };
}

transportContract({
  name: 'ApnsTransport (token auth) against the APNs simulator',
  async setup() {
    const key = generateApnsSigningKey();
    const simulator = await startApnsSimulator({ signingKeys: [{ keyId: key.keyId, teamId: key.teamId, p8: key.p8 }] });
    return harness(simulator, { kind: 'token', key: key.p8, keyId: key.keyId, teamId: key.teamId });
  },
});

transportContract({
  name: 'ApnsTransport (certificate auth) against the APNs simulator',
  async setup() {
    const certificate = generateApnsClientCertificate(TOPIC);
    const simulator = await startApnsSimulator({ clientCertificates: [certificate.certPem] });
    return harness(simulator, { kind: 'certificate', cert: certificate.certPem, key: certificate.keyPem });
  },
});
