import type { Document } from 'bson';
import { ErrorCode, MongoCommandError } from './errors';
import { compareValues } from './query/compareValues';
import { cloneDocument } from './storage/cloneDocument';
import { isPlainObject } from './storage/paths';
import { sameDocument } from './storage/sameDocument';

const SIMPLE_OPERATORS = new Set(['$set', '$unset', '$inc', '$mul', '$min', '$max', '$currentDate']);

interface Step {
  op: string;
  path: string;
  parts: string[];
  operand: unknown;
}

/** Whether a modifier only uses operators and plain dotted paths this fast path implements. */
export function isSimpleModifier(modifier: Document): boolean {
  for (const [op, fields] of Object.entries(modifier)) {
    if (!SIMPLE_OPERATORS.has(op) || !isPlainObject(fields)) return false;
    for (const [path, operand] of Object.entries(fields)) {
      if (path === '' || path.split('.').some((p) => p === '' || p.startsWith('$') || /^\d+$/.test(p))) return false;
      if ((op === '$inc' || op === '$mul') && typeof operand !== 'number') return false;
      if (op === '$currentDate' && operand !== true && !(isPlainObject(operand) && operand.$type === 'date')) return false;
    }
  }
  return true;
}

/** MongoDB refuses two operators (or fields) touching the same path or a path and its prefix. */
function checkConflicts(steps: Step[]): void {
  const sorted = [...steps].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1].path;
    const next = sorted[i].path;
    if (next === prev || next.startsWith(prev + '.')) {
      throw new MongoCommandError(ErrorCode.ConflictingUpdateOperators, `Updating the path '${next}' would create a conflict at '${prev}'`);
    }
  }
}

/** The object holding the last path segment, creating missing levels when `create`; undefined if blocked. */
function parentOf(target: Document, parts: string[], create: boolean): Record<string, unknown> | undefined | null {
  let current: Record<string, unknown> = target;
  for (let i = 0; i < parts.length - 1; i++) {
    const next = current[parts[i]];
    if (next === undefined) {
      if (!create) return null; // nothing to do (e.g. $unset of a missing path)
      current[parts[i]] = {};
      current = current[parts[i]] as Record<string, unknown>;
    } else if (isPlainObject(next)) {
      current = next;
    } else {
      return undefined; // an array or a scalar on the way: positional/array semantics, leave it to mingo
    }
  }
  return current;
}

/**
 * Applies `$set/$unset/$inc/$mul/$min/$max/$currentDate` on plain dotted paths in place, in field-name order as
 * MongoDB ≥ 5.0 does (new fields are appended in that order). Returns whether the document changed, or
 * undefined (with `target` untouched) when the update needs array/positional semantics, which mingo handles.
 * Cheap compared with mingo's updater, which rebuilds its operator tables on every call.
 */
export function applySimpleUpdate(target: Document, modifier: Document): boolean | undefined {
  const steps: Step[] = [];
  for (const [op, fields] of Object.entries(modifier)) {
    for (const [path, operand] of Object.entries(fields as Document)) steps.push({ op, path, parts: path.split('.'), operand });
  }
  checkConflicts(steps);
  // Feasibility first, so that falling back to mingo never sees a half-updated document.
  for (const step of steps) {
    let current: unknown = target;
    for (let i = 0; i < step.parts.length - 1 && current !== undefined; i++) {
      if (!isPlainObject(current)) return undefined;
      current = current[step.parts[i]];
    }
    if (current !== undefined && !isPlainObject(current)) return undefined;
    const leaf = isPlainObject(current) ? current[step.parts[step.parts.length - 1]] : undefined;
    if ((step.op === '$inc' || step.op === '$mul') && leaf !== undefined && typeof leaf !== 'number') return undefined;
  }
  steps.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  let modified = false;
  for (const { op, parts, operand } of steps) {
    const parent = parentOf(target, parts, op !== '$unset');
    if (parent === null) continue;
    if (parent === undefined) throw new Error('simple update: path became unreachable'); // feasibility was checked
    const field = parts[parts.length - 1];
    const has = Object.prototype.hasOwnProperty.call(parent, field);
    const old = parent[field];
    let next: unknown;
    switch (op) {
      case '$set':
        next = cloneDocument(operand);
        break;
      case '$unset':
        if (has) {
          delete parent[field];
          modified = true;
        }
        continue;
      case '$inc':
        next = ((old as number | undefined) ?? 0) + (operand as number);
        break;
      case '$mul':
        next = ((old as number | undefined) ?? 0) * (operand as number);
        break;
      case '$min':
        next = !has || compareValues(operand, old) < 0 ? cloneDocument(operand) : old;
        break;
      case '$max':
        next = !has || compareValues(operand, old) > 0 ? cloneDocument(operand) : old;
        break;
      case '$currentDate':
        next = new Date();
        break;
    }
    if (!has || !sameDocument(old, next)) {
      parent[field] = next;
      modified = true;
    }
  }
  return modified;
}
