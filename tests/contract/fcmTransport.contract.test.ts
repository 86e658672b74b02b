import { randomBytes } from 'node:crypto';
import { parseServiceAccount } from '../../lib/delivery/parseServiceAccount';
import { generateServiceAccount } from '../../server/simulators/credentials';
import { startFcmSimulator } from '../../server/simulators/fcmSimulator';
import { FcmTransport } from '../../server/transports/FcmTransport';
import { transportContract } from './transportContract';

transportContract({
  name: 'FcmTransport against the FCM simulator (OAuth through its /token)',
  async setup() {
    // The account's token_uri is Google's: the endpoint agent must route the OAuth call to the simulator too.
    const json = generateServiceAccount({ projectId: 'chat-push-contract' });
    const simulator = await startFcmSimulator({ serviceAccounts: [json] });
    const parsed = parseServiceAccount(JSON.stringify(json));
    if (!parsed.ok) throw new Error('the generated service account does not parse');
    const make = () => new FcmTransport({ serviceAccount: parsed.account, endpoint: simulator.endpoint });
    return {
      transport: make(),
      platform: 'gcm',
      appName: 'chat.rocket.android',
      liveToken: () => `fcm-${randomBytes(24).toString('base64url')}`,
      deadToken: async () => {
        const token = `fcm-${randomBytes(24).toString('base64url')}`;
        simulator.faults.set({ deadTokens: [token] });
        return token;
      },
      inbox: async (token) =>
        simulator.inbox(token).map((push) => {
          const message = push.message as { notification?: { title?: string; body?: string }; android?: { notification?: { tag?: string } } };
          return { title: message.notification?.title, body: message.notification?.body, idempotencyId: message.android?.notification?.tag };
        }),
      failNext: async (token, fault) => {
        if (fault.kind === 'reset') simulator.faults.set({ resetNext: { tokens: [token] } });
        else simulator.faults.set({ failNext: { status: fault.status, retryAfterSeconds: fault.retryAfterSeconds, tokens: [token] } });
      },
      idempotencyIdOf: (delivery) => delivery.collapseId,
      makeTransport: make,
      teardown: () => simulator.stop(),
    };
  },
});
