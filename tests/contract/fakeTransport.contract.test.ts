import { FakeTransport } from '../fakes/FakeTransport';
import { transportContract } from './transportContract';

let counter = 0;

transportContract({
  name: 'FakeTransport',
  async setup() {
    const fake = new FakeTransport();
    return {
      transport: fake,
      platform: 'apn',
      appName: 'chat.rocket.ios',
      liveToken: () => `fake-live-${++counter}`,
      deadToken: async () => {
        const token = `fake-dead-${++counter}`;
        fake.killToken(token);
        return token;
      },
      inbox: async (token) =>
        fake.inbox(token).map(({ delivery }) => ({ title: delivery.notification.title, body: delivery.notification.body, idempotencyId: delivery.apnsId })),
      failNext: async (token, fault) => {
        if (fault.kind === 'reset') fake.failNext({ outcome: 'retry', reason: 'ECONNRESET', routeHealth: 'failure' }, { token });
        else fake.failNext({ outcome: 'retry', reason: `HTTP_${fault.status}`, status: fault.status, retryAfterMs: fault.retryAfterSeconds && fault.retryAfterSeconds * 1000 }, { token });
      },
      idempotencyIdOf: (delivery) => delivery.apnsId,
      makeTransport: () => new FakeTransport(),
      teardown: async () => {},
    };
  },
});
