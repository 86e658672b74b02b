import type { Document } from 'bson';
import { ErrorCode, MongoCommandError } from './errors';
import { compareValues } from './query/compareValues';
import { cloneDocument } from './storage/cloneDocument';
import { isPlainObject } from './storage/paths';
import { sameDocument } from './storage/sameDocument';

const SIMPLE_OPERATORS = new Set(['$set', '$unset', '$inc', '$mul', '$min', '$max', '$currentDate', '$push']);

/** `$push` operand: one value, or `{$each: [...], $slice?: n}` (other modifiers such as `$sort`/`$position`: mingo). */
function pushSpec(operand: unknown): { each: unknown[]; slice?: number } | undefined {
  if (!isPlainObject(operand) || !Object.keys(operand).some((k) => k.startsWith('$'))) return { each: [operand] };
  const keys = Object.keys(operand);
  if (!Array.isArray(operand.$each) || keys.some((k) => k !== '$each' && k !== '$slice')) return undefined;
  if ('$slice' in operand && !(typeof operand.$slice === 'number' && Number.isInteger(operand.$slice))) return undefined;
  return { each: operand.$each, slice: operand.$slice as number | undefined };
}

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
      if (op === '$push' && !pushSpec(operand)) return false;
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

/**
 * The object holding the last path segment, creating missing levels when `create`; null when there is nothing to
 * do (a missing level and no `create`); undefined if an array or scalar blocks the way. With `fresh` (copy-on-write),
 * every existing level on the way is replaced by a shallow copy first (once: copies are remembered in `fresh`), so
 * the document the update started from is never modified and untouched subtrees stay shared.
 */
function parentOf(target: Document, parts: string[], create: boolean, fresh?: Set<object>): Record<string, unknown> | undefined | null {
  let current: Record<string, unknown> = target;
  for (let i = 0; i < parts.length - 1; i++) {
    let next = current[parts[i]];
    if (next === undefined) {
      if (!create) return null; // nothing to do (e.g. $unset of a missing path)
      const created = {};
      fresh?.add(created);
      current[parts[i]] = next = created;
    } else if (isPlainObject(next)) {
      if (fresh && !fresh.has(next)) {
        const copy = { ...next };
        fresh.add(copy);
        current[parts[i]] = next = copy;
      }
    } else {
      return undefined; // an array or a scalar on the way: positional/array semantics, leave it to mingo
    }
    current = next as Record<string, unknown>;
  }
  return current;
}

/** The steps of a simple modifier: conflicts checked, in field-name order (the order MongoDB ≥ 5.0 applies them). */
function prepareSteps(modifier: Document): Step[] {
  const steps: Step[] = [];
  for (const [op, fields] of Object.entries(modifier)) {
    for (const [path, operand] of Object.entries(fields as Document)) steps.push({ op, path, parts: path.split('.'), operand });
  }
  checkConflicts(steps);
  return steps.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Whether every step can run here without array/positional semantics (checked before anything changes, so
 * falling back to mingo never sees a half-updated document). Throws MongoDB's error for `$push` onto a non-array.
 */
function feasible(target: Document, steps: Step[]): boolean {
  for (const step of steps) {
    let current: unknown = target;
    for (let i = 0; i < step.parts.length - 1 && current !== undefined; i++) {
      if (!isPlainObject(current)) return false;
      current = current[step.parts[i]];
    }
    if (current !== undefined && !isPlainObject(current)) return false;
    const leaf = isPlainObject(current) ? current[step.parts[step.parts.length - 1]] : undefined;
    if ((step.op === '$inc' || step.op === '$mul') && leaf !== undefined && typeof leaf !== 'number') return false;
    if (step.op === '$push' && leaf !== undefined && !Array.isArray(leaf)) {
      // MongoDB's answer (mingo would quietly do something else).
      const id = JSON.stringify(target._id);
      const type = leaf === null ? 'null' : isPlainObject(leaf) ? 'object' : typeof leaf;
      throw new MongoCommandError(ErrorCode.BadValue, `The field '${step.parts[step.parts.length - 1]}' must be an array but is of type ${type} in document {_id: ${id}}`);
    }
  }
  return true;
}

/** Runs feasible steps on `target` (copy-on-write below it when `fresh` is given); returns whether anything changed. */
function applySteps(target: Document, steps: Step[], fresh?: Set<object>): boolean {
  let modified = false;
  for (const { op, parts, operand } of steps) {
    const parent = parentOf(target, parts, op !== '$unset', fresh);
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
      case '$push': {
        const spec = pushSpec(operand)!;
        let items = Array.isArray(old) ? [...old, ...spec.each.map(cloneDocument)] : spec.each.map(cloneDocument);
        if (spec.slice !== undefined) items = spec.slice >= 0 ? items.slice(0, spec.slice) : items.slice(spec.slice);
        next = items;
        break;
      }
    }
    if (!has || !sameDocument(old, next)) {
      parent[field] = next;
      modified = true;
    }
  }
  return modified;
}

/**
 * Applies `$set/$unset/$inc/$mul/$min/$max/$currentDate` and `$push` (a value, or `$each` with `$slice`) on plain
 * dotted paths to `target` in place. Returns whether the document changed, or undefined (with `target` untouched)
 * when the update needs array/positional semantics, which mingo handles. Used for upserts (a fresh document).
 */
export function applySimpleUpdate(target: Document, modifier: Document): boolean | undefined {
  const steps = prepareSteps(modifier);
  if (!feasible(target, steps)) return undefined;
  return applySteps(target, steps);
}

/** A simple modifier prepared once and applied to many stored documents (see compileSimpleUpdate). */
export type CompiledUpdate = (current: Document) => { doc: Document; modified: boolean } | undefined;

/**
 * The same operators, prepared once (validation, conflict check, order) and applied copy-on-write to stored
 * documents: the new version is a new object sharing every untouched subtree with `current`, which is never
 * modified (readers and cursors may hold it). Top-level `$unset`s are left out while copying rather than deleted
 * afterwards, so stored documents keep V8's fast property layout. Cheap compared with mingo's updater, which
 * rebuilds its operator tables on every call. Returns undefined for a document needing mingo's semantics.
 */
export function compileSimpleUpdate(modifier: Document): CompiledUpdate {
  const steps = prepareSteps(modifier);
  const rootUnsets = new Set(steps.filter((s) => s.op === '$unset' && s.parts.length === 1).map((s) => s.path));
  const rest = steps.filter((s) => !(s.op === '$unset' && s.parts.length === 1));
  return (current) => {
    if (!feasible(current, steps)) return undefined;
    const next: Document = {};
    let modified = false;
    for (const key of Object.keys(current)) {
      if (rootUnsets.has(key)) modified = true;
      else next[key] = current[key];
    }
    if (applySteps(next, rest, new Set<object>([next]))) modified = true;
    return { doc: next, modified };
  };
}
