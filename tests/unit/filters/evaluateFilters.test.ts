import type { FilterOutcome, INotificationContext, INotificationFilter } from '../../../definitions/INotificationDecision';
import { defaultFilters } from '../../../lib/filters/defaultFilters';
import { evaluateFilters, orderFilters } from '../../../lib/filters/evaluateFilters';
import { aContext, mentioned } from './fixtures';

function filter(id: string, priority: number, answer: FilterOutcome | ((ctx: INotificationContext) => FilterOutcome)): INotificationFilter {
  return { id, priority, apply: typeof answer === 'function' ? answer : () => answer };
}

const ctx = aContext();

describe('evaluateFilters', () => {
  it('runs filters in ascending priority, equal priorities in list order', () => {
    const ran: string[] = [];
    const record = (id: string, priority: number) =>
      filter(id, priority, () => {
        ran.push(id);
        return { result: 'pass' };
      });
    const result = evaluateFilters(ctx, [record('c', 30), record('a', 10), record('b1', 20), record('b2', 20), record('z', -5)]);
    expect(ran).toEqual(['z', 'a', 'b1', 'b2', 'c']);
    expect(result.trace.map((e) => e.filter)).toEqual(['z', 'a', 'b1', 'b2', 'c']);
  });

  it('notifies with reason NOTIFY when every filter passes', () => {
    expect(evaluateFilters(ctx, [filter('a', 1, { result: 'pass' })])).toEqual({
      decision: 'notify',
      reason: 'NOTIFY',
      trace: [{ filter: 'a', result: 'pass' }],
    });
  });

  it('without a trace, gives the same decisions and records nothing', () => {
    const cases = [
      aContext(),
      aContext({ mentions: mentioned }),
      aContext({ user: { status: 'busy' } }),
      aContext({ user: { statusConnection: 'online' }, settings: { Push_online_strategy: 'delay', Push_online_delay_seconds: 30 } }),
    ];
    for (const c of cases) {
      const traced = evaluateFilters(c, defaultFilters);
      const untraced = evaluateFilters(c, defaultFilters, { trace: false });
      expect(untraced).toEqual({ ...traced, trace: [] });
      expect(traced.trace.length).toBeGreaterThan(0);
    }
  });

  it('notifies with reason NOTIFY for an empty list', () => {
    expect(evaluateFilters(ctx, [])).toEqual({ decision: 'notify', reason: 'NOTIFY', trace: [] });
  });

  it('stops at the first skip, which gives the reason', () => {
    const never = jest.fn(() => ({ result: 'pass' }) as FilterOutcome);
    const result = evaluateFilters(ctx, [
      filter('a', 1, { result: 'pass' }),
      filter('b', 2, { result: 'skip', reason: 'B_SAYS_NO', note: 'because' }),
      { id: 'c', priority: 3, apply: never },
    ]);
    expect(result).toEqual({
      decision: 'skip',
      reason: 'B_SAYS_NO',
      trace: [
        { filter: 'a', result: 'pass' },
        { filter: 'b', result: 'skip', reason: 'B_SAYS_NO', note: 'because' },
      ],
    });
    expect(never).not.toHaveBeenCalled();
  });

  it('lets the pipeline continue after notify; the last notify reason wins', () => {
    const result = evaluateFilters(ctx, [
      filter('a', 1, { result: 'notify', reason: 'FIRST' }),
      filter('b', 2, { result: 'pass' }),
      filter('c', 3, { result: 'notify', reason: 'SECOND', note: 'more specific' }),
    ]);
    expect(result.decision).toBe('notify');
    expect(result.reason).toBe('SECOND');
    expect(result.trace).toEqual([
      { filter: 'a', result: 'notify', reason: 'FIRST' },
      { filter: 'b', result: 'pass' },
      { filter: 'c', result: 'notify', reason: 'SECOND', note: 'more specific' },
    ]);
  });

  it('lets a later custom filter veto what the default pipeline would notify', () => {
    const veto = filter('quietHours', 1000, { result: 'skip', reason: 'ACME_QUIET_HOURS', note: '22:00–07:00' });
    const filters = orderFilters([...defaultFilters, veto]);
    const result = evaluateFilters(aContext({ mentions: mentioned }), filters);
    expect(result.decision).toBe('skip');
    expect(result.reason).toBe('ACME_QUIET_HOURS');
    expect(result.trace.map((e) => e.filter).slice(-2)).toEqual(['mobilePreference', 'quietHours']);
    expect(result.trace[result.trace.length - 2]).toMatchObject({ result: 'notify', reason: 'MENTIONED' });
  });

  it('runs a custom filter at a high priority before the defaults', () => {
    const first = filter('vip', -1000, { result: 'notify', reason: 'ACME_VIP' });
    const result = evaluateFilters(aContext(), orderFilters([...defaultFilters, first]));
    expect(result.trace[0]).toEqual({ filter: 'vip', result: 'notify', reason: 'ACME_VIP' });
    // The later preference filter states its own reason, which becomes the decision's.
    expect(result.reason).toBe('PREFERENCE_ALL');
  });

  it('records delaySeconds from delay and continues; the longest delay wins', () => {
    const result = evaluateFilters(ctx, [
      filter('a', 1, { result: 'delay', reason: 'WAIT', delaySeconds: 30 }),
      filter('b', 2, { result: 'delay', reason: 'WAIT_MORE', delaySeconds: 60 }),
      filter('c', 3, { result: 'delay', reason: 'WAIT_LESS', delaySeconds: 10 }),
      filter('d', 4, { result: 'notify', reason: 'WHY' }),
    ]);
    expect(result).toMatchObject({ decision: 'notify', reason: 'WHY', delaySeconds: 60 });
    expect(result.trace.map((e) => e.result)).toEqual(['delay', 'delay', 'delay', 'notify']);
  });

  it('drops the delay when a later filter skips', () => {
    const result = evaluateFilters(ctx, [
      filter('a', 1, { result: 'delay', reason: 'WAIT', delaySeconds: 30 }),
      filter('b', 2, { result: 'skip', reason: 'NO' }),
    ]);
    expect(result).toEqual({
      decision: 'skip',
      reason: 'NO',
      trace: [
        { filter: 'a', result: 'delay', reason: 'WAIT' },
        { filter: 'b', result: 'skip', reason: 'NO' },
      ],
    });
  });

  it('records a throwing filter as an error and goes on', () => {
    const result = evaluateFilters(ctx, [
      filter('broken', 1, () => {
        throw new Error('cannot read property x of undefined');
      }),
      filter('b', 2, { result: 'notify', reason: 'FINE' }),
    ]);
    expect(result).toEqual({
      decision: 'notify',
      reason: 'FINE',
      trace: [
        { filter: 'broken', result: 'error', reason: 'FILTER_ERROR', note: 'cannot read property x of undefined' },
        { filter: 'b', result: 'notify', reason: 'FINE' },
      ],
    });
  });

  it('records a thrown non-Error value too', () => {
    const result = evaluateFilters(ctx, [
      filter('weird', 1, () => {
        throw 'boom';
      }),
    ]);
    expect(result.trace).toEqual([{ filter: 'weird', result: 'error', reason: 'FILTER_ERROR', note: 'threw boom' }]);
    expect(result.decision).toBe('notify');
  });

  it.each<[string, unknown, string]>([
    ['undefined', undefined, 'returned undefined instead of an outcome'],
    ['a skip without reason', { result: 'skip' }, "'skip' without a reason code"],
    ['a notify with an empty reason', { result: 'notify', reason: '' }, "'notify' without a reason code"],
    ['a delay with a negative delay', { result: 'delay', reason: 'W', delaySeconds: -1 }, "'delay' with an invalid delaySeconds (-1)"],
    ['a delay without delaySeconds', { result: 'delay', reason: 'W' }, "'delay' with an invalid delaySeconds (undefined)"],
    ['an unknown result', { result: 'maybe' }, "unknown result 'maybe'"],
  ])('records %s as an error and does not let it decide', (_name, answer, note) => {
    const result = evaluateFilters(ctx, [filter('sloppy', 1, answer as FilterOutcome)]);
    expect(result).toEqual({
      decision: 'notify',
      reason: 'NOTIFY',
      trace: [{ filter: 'sloppy', result: 'error', reason: 'FILTER_ERROR', note }],
    });
  });

  it('uses a list already in priority order as-is (no copy, no sort per call)', () => {
    const ordered = [filter('a', 1, { result: 'pass' }), filter('b', 2, { result: 'notify', reason: 'OK' })];
    const poison = () => {
      throw new Error('the list was copied or sorted');
    };
    Object.defineProperty(ordered, Symbol.iterator, { value: poison });
    Object.defineProperty(ordered, 'sort', { value: poison });
    Object.defineProperty(ordered, 'slice', { value: poison });
    expect(evaluateFilters(ctx, ordered).reason).toBe('OK');
  });

  it('still orders an unordered list correctly', () => {
    const result = evaluateFilters(ctx, [
      filter('late', 2, { result: 'notify', reason: 'LATE' }),
      filter('early', 1, { result: 'notify', reason: 'EARLY' }),
    ]);
    expect(result.reason).toBe('LATE');
  });
});

describe('orderFilters', () => {
  it('returns a frozen, stably sorted copy and leaves the input alone', () => {
    const input = [filter('b', 2, { result: 'pass' }), filter('a1', 1, { result: 'pass' }), filter('a2', 1, { result: 'pass' })];
    const ordered = orderFilters(input);
    expect(ordered.map((f) => f.id)).toEqual(['a1', 'a2', 'b']);
    expect(input.map((f) => f.id)).toEqual(['b', 'a1', 'a2']);
    expect(Object.isFrozen(ordered)).toBe(true);
  });

  it('keeps the default pipeline in its documented order', () => {
    expect(orderFilters(defaultFilters).map((f) => f.id)).toEqual(defaultFilters.map((f) => f.id));
  });
});
