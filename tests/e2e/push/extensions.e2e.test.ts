import type { INotificationContext, FilterOutcome } from '../../../definitions/INotificationDecision';
import type { IPushTransport } from '../../../definitions/IPushTransport';
import { createDirectTransport } from '../../../server/transports';
import { startPushWorld, until, type PushWorld, type TestUser } from './pushHarness';

/** The extension points of SPEC §10, used the way a developer would: through the host's registries only. */
describe('extending the push module', () => {
  let world: PushWorld;
  let alice: TestUser;
  let bob: TestUser;
  let rid: string;

  beforeAll(async () => {
    world = await startPushWorld();
    alice = await world.user('alice', []);
    bob = await world.user('bob', ['apn']);
    rid = (await world.api.post('channels.create', { name: 'ext', members: ['bob'] }, alice)).body.channel._id;
  });

  afterAll(() => world.close());

  const send = async (msg: string) => (await world.api.post('chat.sendMessage', { message: { rid, msg } }, alice)).body.message._id as string;
  const explain = async (mid: string) => (await world.api.get('push.explain', { mid, uid: bob.userId }, world.admin)).body;

  it('a pushFilter with its own reason code vetoes pushes and shows in explain', async () => {
    // "Quiet words": a workspace rule that never pushes messages tagged [no-push].
    const quiet = (ctx: INotificationContext): FilterOutcome =>
      ctx.message.msg.includes('[no-push]') ? { result: 'skip', reason: 'ACME_QUIET_TAG', note: 'tagged [no-push]' } : { result: 'pass' };
    world.host.callbacks.add('pushFilter', quiet, world.host.callbacks.priority.LOW, 'acmeQuietTag');
    try {
      const tagged = await send('deploy done [no-push]');
      await until(async () => (await explain(tagged)).recorded !== null, 5000, 'decision recorded');
      const answer = await explain(tagged);
      expect(answer).toEqual(expect.objectContaining({ decision: 'skip', reason: 'ACME_QUIET_TAG' }));
      expect(answer.recorded).toEqual(expect.objectContaining({ decision: 'skip', reason: 'ACME_QUIET_TAG' }));
      expect(answer.trace.at(-1)).toEqual({ filter: 'acmeQuietTag', result: 'skip', reason: 'ACME_QUIET_TAG', note: 'tagged [no-push]' });
      const plain = await send('lunch?');
      await world.sims.apns.waitFor((p) => JSON.parse(String(p.payload.ejson)).messageId === plain, 5000);
    } finally {
      world.host.callbacks.remove('pushFilter', 'acmeQuietTag');
    }
  });

  it('beforePushSend rewrites a push, afterPushDelivered and onPushSkipped observe outcomes', async () => {
    const delivered: string[] = [];
    const skipped: string[] = [];
    const { callbacks } = world.host;
    callbacks.add('beforePushSend', (n) => ({ ...n, sound: 'chime.caf' }), callbacks.priority.MEDIUM, 'acmeSound');
    callbacks.add('afterPushDelivered', (result, entry) => void delivered.push(`${entry.mid}:${result.outcome}`), callbacks.priority.MEDIUM, 'acmeAudit');
    callbacks.add('onPushSkipped', (decision, ctx) => void skipped.push(`${ctx.userId}:${decision.reason}`), callbacks.priority.MEDIUM, 'acmeSkips');
    try {
      const mid = await send('with a custom sound');
      const push = await world.sims.apns.waitFor((p) => JSON.parse(String(p.payload.ejson)).messageId === mid, 5000);
      expect((push.payload.aps as { sound: string }).sound).toBe('chime.caf');
      await until(() => delivered.includes(`${mid}:delivered`), 5000, 'afterPushDelivered');

      await world.api.post('users.setStatus', { status: 'busy' }, bob);
      await send('while busy');
      await until(() => skipped.includes(`${bob.userId}:USER_BUSY`), 5000, 'onPushSkipped');
    } finally {
      await world.api.post('users.setStatus', { status: 'online' }, bob);
      for (const [hook, id] of [['beforePushSend', 'acmeSound'], ['afterPushDelivered', 'acmeAudit'], ['onPushSkipped', 'acmeSkips']] as const) {
        callbacks.remove(hook, id);
      }
    }
  });

  it('registerTransport wraps the built-in direct transport; the next push goes through it without a restart', async () => {
    const seen: string[] = [];
    const restore = world.plugin.transports.registerTransport('direct', (input) => {
      const inner = createDirectTransport(input);
      const audited: IPushTransport = {
        name: 'audited-direct',
        routeOf: (d) => inner.routeOf(d),
        async send(deliveries) {
          seen.push(...deliveries.map((d) => d.id));
          return inner.send(deliveries);
        },
        close: () => inner.close(),
      };
      return audited;
    });
    try {
      const mid = await send('through the audited transport');
      await world.sims.apns.waitFor((p) => JSON.parse(String(p.payload.ejson)).messageId === mid, 5000);
      expect(seen.some((id) => id.startsWith(`${mid}:`))).toBe(true);
    } finally {
      restore();
    }
  });
});
