import type { FilterOutcome, ReasonCode } from '../../definitions/INotificationDecision';

/** Small constructors so that filters read as sentences: `return skip(R.USER_BUSY, 'status is busy')`. */

export function pass(note?: string): FilterOutcome {
  return note === undefined ? PASS : { result: 'pass', note };
}

export function skip(reason: ReasonCode, note?: string): FilterOutcome {
  return { result: 'skip', reason, note };
}

export function notify(reason: ReasonCode, note?: string): FilterOutcome {
  return { result: 'notify', reason, note };
}

export function delay(reason: ReasonCode, delaySeconds: number, note?: string): FilterOutcome {
  return { result: 'delay', reason, delaySeconds, note };
}

/** Shared, so the common answer allocates nothing. */
const PASS: FilterOutcome = Object.freeze({ result: 'pass' });
