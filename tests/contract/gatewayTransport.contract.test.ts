import { GatewayTransport } from '../../server/transports/GatewayTransport';
import { startGatewayLookalike, type GatewayLookalike } from '../fakes/gatewayLookalike';
import { transportContract } from './transportContract';

let counter = 0;

transportContract({
  name: 'GatewayTransport against the gateway look-alike',
  async setup() {
    const gateway: GatewayLookalike = await startGatewayLookalike({ token: 'workspace-token' });
    const make = () => new GatewayTransport({ gateways: [gateway.url], token: 'workspace-token', uniqueId: 'workspace-1' });
    return {
      transport: make(),
      platform: 'apn',
      appName: 'chat.rocket.ios',
      liveToken: () => `gw-live-${++counter}`,
      deadToken: async () => {
        const token = `gw-dead-${++counter}`;
        gateway.answer(token, { status: 406 });
        return token;
      },
      inbox: async (token) =>
        gateway.delivered(token).map((r) => ({
          title: r.options.title as string,
          body: r.options.text as string,
          idempotencyId: r.options.apnsId as string,
        })),
      failNext: async (token, fault) => {
        gateway.answerNext(fault.kind === 'reset' ? { reset: true } : { status: fault.status, retryAfterSeconds: fault.retryAfterSeconds }, { token });
      },
      idempotencyIdOf: (delivery) => delivery.apnsId,
      makeTransport: make,
      teardown: () => gateway.stop(),
    };
  },
});
