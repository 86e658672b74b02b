import type {
  FilterOutcome,
  IFilterTraceEntry,
  INotificationContext,
  INotificationDecision,
  INotificationFilter,
  ReasonCode,
} from '../../definitions/INotificationDecision';
import { NotificationReasons as R } from './reasons';

/**
 * Runs `filters` over one (message, recipient) context and returns the decision with its trace.
 *
 * - Filters run in ascending `priority`, equal priorities in the order given.
 * - `skip` stops: the decision is `skip` with that reason.
 * - `notify` records why the user would be notified and goes on (a later filter may still veto); the last
 *   notify reason becomes the decision's reason, `NOTIFY` if no filter gave one.
 * - `delay` records a delay and goes on; with several, the longest wins.
 * - A filter that throws, or answers something that is not a `FilterOutcome`, is traced as `error` (reason
 *   `FILTER_ERROR`, the message as note) and the pipeline goes on: a broken extension must not silence
 *   everyone's notifications.
 *
 * It runs once per room member, so it allocates only the trace: pass a list already in priority order (see
 * `orderFilters`, done once when the list changes) and nothing is copied or sorted per call.
 */
export function evaluateFilters(
  ctx: INotificationContext,
  filters: readonly INotificationFilter[],
  options: IEvaluateOptions = {},
): INotificationDecision {
  const ordered = isOrdered(filters) ? filters : orderFilters(filters);
  const trace: IFilterTraceEntry[] = [];
  // Without a trace (a fan-out that only needs the decision), the filters' answers are not copied into entries.
  const tracing = options.trace !== false;
  let notifyReason: ReasonCode = R.NOTIFY;
  let delaySeconds: number | undefined;

  for (let i = 0; i < ordered.length; i++) {
    const filter = ordered[i];
    let outcome: FilterOutcome;
    try {
      outcome = filter.apply(ctx);
    } catch (error) {
      if (tracing) trace.push({ filter: filter.id, result: 'error', reason: R.FILTER_ERROR, note: errorMessage(error) });
      continue;
    }
    const problem = invalidOutcome(outcome);
    if (problem !== undefined) {
      if (tracing) trace.push({ filter: filter.id, result: 'error', reason: R.FILTER_ERROR, note: problem });
      continue;
    }
    if (tracing) trace.push(traceEntry(filter.id, outcome));
    switch (outcome.result) {
      case 'skip':
        return { decision: 'skip', reason: outcome.reason, trace };
      case 'notify':
        notifyReason = outcome.reason;
        break;
      case 'delay':
        delaySeconds = delaySeconds === undefined ? outcome.delaySeconds : Math.max(delaySeconds, outcome.delaySeconds);
        break;
      case 'pass':
        break;
    }
  }
  return delaySeconds === undefined
    ? { decision: 'notify', reason: notifyReason, trace }
    : { decision: 'notify', reason: notifyReason, delaySeconds, trace };
}

export interface IEvaluateOptions {
  /** Record every filter's answer in `trace` (explain, hooks). @defaultValue true */
  trace?: boolean;
}

/** The filters in run order (ascending priority, stable). Do it once per list, not once per member. */
export function orderFilters(filters: readonly INotificationFilter[]): readonly INotificationFilter[] {
  return Object.freeze([...filters].sort((a, b) => a.priority - b.priority));
}

function isOrdered(filters: readonly INotificationFilter[]): boolean {
  for (let i = 1; i < filters.length; i++) {
    if (filters[i - 1].priority > filters[i].priority) return false;
  }
  return true;
}

function traceEntry(filter: string, outcome: FilterOutcome): IFilterTraceEntry {
  const entry: IFilterTraceEntry = { filter, result: outcome.result };
  if (outcome.result !== 'pass') entry.reason = outcome.reason;
  if (outcome.note !== undefined) entry.note = outcome.note;
  return entry;
}

/** Why `outcome` is not a usable FilterOutcome (custom filters are plain JavaScript at run time), or undefined. */
function invalidOutcome(outcome: FilterOutcome | undefined): string | undefined {
  if (outcome === null || typeof outcome !== 'object') return `returned ${String(outcome)} instead of an outcome`;
  switch (outcome.result) {
    case 'pass':
      return undefined;
    case 'skip':
    case 'notify':
      return isReason(outcome.reason) ? undefined : `'${outcome.result}' without a reason code`;
    case 'delay':
      if (!isReason(outcome.reason)) return "'delay' without a reason code";
      return Number.isFinite(outcome.delaySeconds) && outcome.delaySeconds >= 0
        ? undefined
        : `'delay' with an invalid delaySeconds (${String(outcome.delaySeconds)})`;
    default:
      return `unknown result '${String((outcome as { result?: unknown }).result)}'`;
  }
}

function isReason(reason: unknown): boolean {
  return typeof reason === 'string' && reason !== '';
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return `threw ${String(error)}`;
}
