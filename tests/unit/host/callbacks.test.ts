import { Callbacks, CallbacksLogger } from '../../../server/host/callbacks';
import { isPushError } from '../../../lib/errors';
import type { IMessage } from '../../../definitions/IMessage';
import type { IRoom } from '../../../definitions/IRoom';
import type { IPushNotification } from '../../../definitions/IPushNotification';
import type { HookName } from '../../../definitions/IHooks';

class RecordingLogger implements CallbacksLogger {
  readonly errors: Array<{ obj: Record<string, unknown>; msg: string }> = [];
  error(obj: object, msg: string): void {
    this.errors.push({ obj: obj as Record<string, unknown>, msg });
  }
}

const message = { _id: 'm1', rid: 'r1', msg: 'hi', u: { _id: 'u1', username: 'ann' } } as IMessage;
const room = { _id: 'r1', t: 'c', name: 'general' } as IRoom;
const notification = { title: 't', body: 'b', badge: 1 } as IPushNotification;
const pushCtx = { message, room, userId: 'u2' };

function setup() {
  const logger = new RecordingLogger();
  return { logger, callbacks: new Callbacks(logger) };
}

describe('Callbacks registry', () => {
  it('exposes Rocket.Chat priorities', () => {
    const { callbacks } = setup();
    expect(callbacks.priority).toEqual({ HIGH: -1000, MEDIUM: 0, LOW: 1000 });
  });

  it('runs event handlers in priority order, equal priorities in insertion order', async () => {
    const { callbacks } = setup();
    const order: string[] = [];
    callbacks.add('afterSaveMessage', () => void order.push('low'), callbacks.priority.LOW, 'low');
    callbacks.add('afterSaveMessage', () => void order.push('medium-1'), callbacks.priority.MEDIUM, 'medium-1');
    callbacks.add('afterSaveMessage', () => void order.push('high'), callbacks.priority.HIGH, 'high');
    callbacks.add('afterSaveMessage', () => void order.push('medium-2'), callbacks.priority.MEDIUM, 'medium-2');
    await callbacks.run('afterSaveMessage', message, room);
    expect(order).toEqual(['high', 'medium-1', 'medium-2', 'low']);
    expect(callbacks.list('afterSaveMessage').map((e) => [e.id, e.priority])).toEqual([
      ['high', -1000],
      ['medium-1', 0],
      ['medium-2', 0],
      ['low', 1000],
    ]);
  });

  it('awaits each handler before the next one and passes the arguments', async () => {
    const { callbacks } = setup();
    const seen: string[] = [];
    callbacks.add(
      'afterReadMessages',
      async (rid, uid) => {
        await new Promise((resolve) => setImmediate(resolve));
        seen.push(`first:${rid}:${uid}`);
      },
      0,
      'first',
    );
    callbacks.add('afterReadMessages', (rid, uid) => void seen.push(`second:${rid}:${uid}`), 1, 'second');
    await callbacks.run('afterReadMessages', 'r1', 'u1');
    expect(seen).toEqual(['first:r1:u1', 'second:r1:u1']);
  });

  it('ignores a duplicate id for the same hook but accepts it on another hook', async () => {
    const { callbacks } = setup();
    let runs = 0;
    callbacks.add('afterSaveMessage', () => void runs++, 0, 'counter');
    callbacks.add('afterSaveMessage', () => void (runs += 100), 0, 'counter');
    callbacks.add('afterReadMessages', () => void (runs += 10), 0, 'counter');
    await callbacks.run('afterSaveMessage', message, room);
    expect(runs).toBe(1);
    expect(callbacks.list('afterReadMessages')).toHaveLength(1);
  });

  it('gives handlers without an id distinct ids, even when their functions share a name', async () => {
    const { callbacks } = setup();
    let runs = 0;
    const make = () => function handler() {
      runs++;
    };
    callbacks.add('afterSaveMessage', make());
    callbacks.add('afterSaveMessage', make());
    await callbacks.run('afterSaveMessage', message, room);
    expect(runs).toBe(2);
    const ids = callbacks.list('afterSaveMessage').map((e) => e.id);
    expect(new Set(ids).size).toBe(2);
    expect(ids[0]).toMatch(/^handler#/);
  });

  it('removes a handler by id', async () => {
    const { callbacks } = setup();
    let runs = 0;
    callbacks.add('afterSaveMessage', () => void runs++, 0, 'counter');
    expect(callbacks.remove('afterSaveMessage', 'counter')).toBe(true);
    expect(callbacks.remove('afterSaveMessage', 'counter')).toBe(false);
    await callbacks.run('afterSaveMessage', message, room);
    expect(runs).toBe(0);
    expect(callbacks.list('afterSaveMessage')).toEqual([]);
  });

  it('refuses unknown hooks, non-function handlers and bad priorities with coded errors', () => {
    const { callbacks } = setup();
    const attempt = (fn: () => void) => {
      try {
        fn();
      } catch (err) {
        return err;
      }
      return undefined;
    };
    const unknown = attempt(() => callbacks.add('afterSaveMesage' as HookName, () => undefined));
    expect(isPushError(unknown, 'PUSH_ERR_HOOK_NOT_SUPPORTED')).toBe(true);
    const notFunction = attempt(() => callbacks.add('afterSaveMessage', 'nope' as never));
    expect(isPushError(notFunction, 'PUSH_ERR_HOOK_INVALID_HANDLER')).toBe(true);
    const badPriority = attempt(() => callbacks.add('afterSaveMessage', () => undefined, Number.NaN, 'x'));
    expect(isPushError(badPriority, 'PUSH_ERR_HOOK_INVALID_PRIORITY')).toBe(true);
    expect(callbacks.list('afterSaveMessage')).toEqual([]);
  });

  it('logs a throwing or rejecting handler with its id and still runs the others', async () => {
    const { callbacks, logger } = setup();
    const ran: string[] = [];
    callbacks.add('afterSaveMessage', () => {
      throw new Error('sync boom');
    }, -1, 'thrower');
    callbacks.add('afterSaveMessage', async () => {
      throw new Error('async boom');
    }, 0, 'rejecter');
    callbacks.add('afterSaveMessage', () => void ran.push('last'), 1, 'last');
    await expect(callbacks.run('afterSaveMessage', message, room)).resolves.toBeUndefined();
    expect(ran).toEqual(['last']);
    expect(logger.errors.map((e) => e.obj.handlerId)).toEqual(['thrower', 'rejecter']);
    expect(logger.errors.every((e) => e.obj.hook === 'afterSaveMessage')).toBe(true);
  });

  it('chains values: each handler gets the previous result, undefined keeps it', async () => {
    const { callbacks } = setup();
    callbacks.add('beforePushSend', (n) => ({ ...n, title: `${n.title}+a` }), 0, 'a');
    callbacks.add('beforePushSend', () => undefined, 1, 'noop');
    callbacks.add('beforePushSend', async (n, ctx) => ({ ...n, title: `${n.title}+b:${ctx.userId}` }), 2, 'b');
    const result = await callbacks.runChained('beforePushSend', notification, pushCtx);
    expect(result).not.toBe(false);
    expect((result as IPushNotification).title).toBe('t+a+b:u2');
  });

  it('stops the chain on false (veto)', async () => {
    const { callbacks } = setup();
    const ran: string[] = [];
    callbacks.add('beforePushSend', () => false, 0, 'veto');
    callbacks.add('beforePushSend', (n) => {
      ran.push('after');
      return n;
    }, 1, 'after');
    await expect(callbacks.runChained('beforePushSend', notification, pushCtx)).resolves.toBe(false);
    expect(ran).toEqual([]);
  });

  it('skips a throwing chained handler and keeps the previous value', async () => {
    const { callbacks, logger } = setup();
    callbacks.add('beforePushSend', () => {
      throw new Error('boom');
    }, 0, 'broken');
    callbacks.add('beforePushSend', (n) => ({ ...n, body: 'rewritten' }), 1, 'rewrite');
    const result = await callbacks.runChained('beforePushSend', notification, pushCtx);
    expect(result).toMatchObject({ title: 't', body: 'rewritten' });
    expect(logger.errors[0].obj.handlerId).toBe('broken');
  });

  it('lists pipeline handlers sorted, with their functions', () => {
    const { callbacks } = setup();
    callbacks.add('pushFilter', () => ({ result: 'pass' }), 500, 'custom');
    callbacks.add('pushFilter', () => ({ result: 'skip', reason: 'X_QUIET' }), -5, 'quiet');
    const list = callbacks.list('pushFilter');
    expect(list.map((e) => e.id)).toEqual(['quiet', 'custom']);
    expect(list[0].fn({} as never)).toEqual({ result: 'skip', reason: 'X_QUIET' });
  });

  it('a handler removed during a run does not disturb that run', async () => {
    const { callbacks } = setup();
    const ran: string[] = [];
    callbacks.add('afterSaveMessage', () => {
      ran.push('a');
      callbacks.remove('afterSaveMessage', 'b');
    }, 0, 'a');
    callbacks.add('afterSaveMessage', () => void ran.push('b'), 1, 'b');
    await callbacks.run('afterSaveMessage', message, room);
    await callbacks.run('afterSaveMessage', message, room);
    expect(ran).toEqual(['a', 'b', 'a']);
  });
});
