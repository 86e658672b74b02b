import { ObjectId, type Document } from 'bson';
import { Aggregator, update as mingoUpdate, updateMany as mingoUpdateMany } from 'mingo';
import { ErrorCode, MongoCommandError, fromUnknownError } from './errors';
import { mingoOptions } from './query/mingoOptions';
import { cloneDocument } from './storage/cloneDocument';
import { keyOf } from './storage/keyOf';
import { getPath, isPlainObject, setPath } from './storage/paths';
import { sameDocument } from './storage/sameDocument';
import { applySimpleUpdate, compileSimpleUpdate, isSimpleModifier, type CompiledUpdate } from './simpleUpdate';

/** Update operators MongoDB accepts (mingo implements all but $setOnInsert, which we apply ourselves). */
const OPERATORS = new Set([
  '$set', '$unset', '$inc', '$mul', '$min', '$max', '$rename', '$currentDate', '$setOnInsert',
  '$push', '$addToSet', '$pull', '$pullAll', '$pop', '$bit',
]);
/** Stages allowed in a pipeline-style update (MongoDB docs: "Updates with Aggregation Pipeline"). */
const PIPELINE_STAGES = new Set(['$addFields', '$set', '$project', '$unset', '$replaceRoot', '$replaceWith']);

export type UpdateSpec = Document | Document[];

export function isPipelineUpdate(update: UpdateSpec): update is Document[] {
  return Array.isArray(update);
}

/** `{$set: ...}` style (true) or a replacement document (false); a mix is an error, as in MongoDB. */
export function isOperatorUpdate(update: Document): boolean {
  const keys = Object.keys(update);
  const operators = keys.filter((k) => k.startsWith('$'));
  if (operators.length > 0 && operators.length < keys.length) {
    const bad = keys.find((k) => !k.startsWith('$'));
    throw new MongoCommandError(ErrorCode.FailedToParse, `Unknown modifier: ${bad}. Expected a valid update modifier or pipeline-style update specified as an array`);
  }
  return operators.length > 0;
}

export function validateUpdateSpec(update: unknown): UpdateSpec {
  if (Array.isArray(update)) {
    for (const stage of update) {
      const name = isPlainObject(stage) ? Object.keys(stage)[0] : undefined;
      if (!name || !PIPELINE_STAGES.has(name)) {
        throw new MongoCommandError(ErrorCode.InvalidOptions, `${name ?? 'stage'} is not allowed to be used within an update`);
      }
    }
    return update as Document[];
  }
  if (!isPlainObject(update)) throw new MongoCommandError(ErrorCode.FailedToParse, 'Update argument must be either an object or an array');
  if (isOperatorUpdate(update)) {
    for (const [op, fields] of Object.entries(update)) {
      if (!OPERATORS.has(op)) {
        throw new MongoCommandError(ErrorCode.FailedToParse, `Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`);
      }
      if (!isPlainObject(fields)) {
        throw new MongoCommandError(ErrorCode.FailedToParse, `Modifiers operate on fields but we found type ${Array.isArray(fields) ? 'array' : typeof fields} instead. For example: {$mod: {<field>: ...}} not {${op}: ${String(fields)}}`);
      }
    }
  } else {
    for (const key of Object.keys(update)) {
      if (key.startsWith('$')) throw new MongoCommandError(ErrorCode.DollarPrefixedFieldName, `The dollar ($) prefixed field '${key}' in '${key}' is not valid for storage.`);
    }
  }
  return update;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'date';
  if (isPlainObject(value)) return 'object';
  if (typeof value === 'object') return (value as { _bsontype?: string })._bsontype ?? 'object';
  return typeof value;
}

/** mingo silently ignores $inc/$mul on non-numbers; MongoDB refuses (TypeMismatch), so check first. */
function checkArithmetic(doc: Document, update: Document): void {
  for (const op of ['$inc', '$mul'] as const) {
    const fields = update[op];
    if (!isPlainObject(fields)) continue;
    for (const [path, amount] of Object.entries(fields)) {
      if (typeof amount !== 'number' && typeName(amount) !== 'Long' && typeName(amount) !== 'Decimal128') {
        throw new MongoCommandError(ErrorCode.TypeMismatch, `Cannot ${op === '$inc' ? 'increment' : 'multiply'} with non-numeric argument: {${path}: ${JSON.stringify(amount)}}`);
      }
      if (path.includes('$')) continue;
      const current = getPath(doc, path);
      if (current !== undefined && current !== null && typeof current !== 'number' && !['Long', 'Decimal128', 'Int32', 'Double'].includes(typeName(current))) {
        throw new MongoCommandError(ErrorCode.TypeMismatch, `Cannot apply ${op} to a value of non-numeric type. {_id: ${JSON.stringify(doc._id)}} has the field '${path.split('.').pop()}' of non-numeric type ${typeName(current)}`);
      }
    }
  }
}


/** Puts `_id` first, as the server stores it. */
function idFirst(doc: Document): Document {
  if (Object.keys(doc)[0] === '_id') return doc;
  const { _id, ...rest } = doc;
  return { _id, ...rest };
}

export interface UpdateOutcome {
  doc: Document;
  modified: boolean;
}

/** The operator document actually applied: `$setOnInsert` dropped, or folded into `$set` on insert. */
function effectiveModifier(update: Document, isInsert: boolean): Document {
  const modifier: Document = {};
  for (const [op, fields] of Object.entries(update)) {
    if (op === '$setOnInsert') continue;
    if (Object.keys(fields as Document).length > 0) modifier[op] = fields;
  }
  if (isInsert && isPlainObject(update.$setOnInsert)) {
    const set = { ...(modifier.$set ?? {}) } as Document;
    for (const [path, value] of Object.entries(update.$setOnInsert)) {
      if (path in set) throw new MongoCommandError(ErrorCode.ConflictingUpdateOperators, `Updating the path '${path}' would create a conflict at '${path}'`);
      set[path] = value;
    }
    if (Object.keys(set).length > 0) modifier.$set = set;
  }
  return modifier;
}

/** Positional `$` needs the query to find the array element; otherwise mingo need not re-test the filter. */
function usesPositional(modifier: Document): boolean {
  return Object.values(modifier).some((fields) => isPlainObject(fields) && Object.keys(fields).some((path) => /(^|\.)\$(\.|$)/.test(path)));
}

function applyOperators(target: Document, update: Document, arrayFilters: Document[] | undefined, query: Document, isInsert: boolean): boolean {
  const modifier = effectiveModifier(update, isInsert);
  if (Object.keys(modifier).length === 0) return false;
  checkArithmetic(target, modifier);
  if (!arrayFilters?.length && isSimpleModifier(modifier)) {
    const changed = applySimpleUpdate(target, modifier);
    if (changed !== undefined) return changed;
  }
  return applyWithMingo(target, modifier, arrayFilters, query, isInsert);
}

function applyWithMingo(target: Document, modifier: Document, arrayFilters: Document[] | undefined, query: Document, isInsert: boolean): boolean {
  try {
    const changed = mingoUpdate(target, modifier, arrayFilters, isInsert || !usesPositional(modifier) ? undefined : query, { cloneMode: 'deep', queryOptions: mingoOptions() });
    return changed.length > 0;
  } catch (error) {
    throw fromUnknownError(error);
  }
}

function runPipeline(doc: Document, pipeline: Document[]): Document {
  try {
    const [result] = new Aggregator(pipeline, mingoOptions()).run([doc]);
    return (result ?? {}) as Document;
  } catch (error) {
    throw fromUnknownError(error);
  }
}

function assertSameId(before: Document, after: Document): void {
  if (keyOf(before._id) !== keyOf(after._id)) {
    throw new MongoCommandError(ErrorCode.ImmutableField, "Performing an update on the path '_id' would modify the immutable field '_id'");
  }
}

/**
 * Applies an update (operators, replacement or pipeline) to a stored document and returns the new version; the
 * stored document itself is never touched. `query` feeds the positional `$` operator.
 */
export function applyUpdate(current: Document, update: UpdateSpec, options: { arrayFilters?: Document[]; query: Document }): UpdateOutcome {
  if (isPipelineUpdate(update)) {
    const next = idFirst({ _id: current._id, ...runPipeline(cloneDocument(current), update) });
    assertSameId(current, next);
    return { doc: next, modified: !sameDocument(current, next) };
  }
  if (!isOperatorUpdate(update)) {
    if ('_id' in update && keyOf(update._id) !== keyOf(current._id)) {
      throw new MongoCommandError(ErrorCode.ImmutableField, `After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${JSON.stringify(update._id)}`);
    }
    const { _id: _ignored, ...rest } = update;
    const next = { _id: current._id, ...cloneDocument(rest) };
    return { doc: next, modified: !sameDocument(current, next) };
  }
  const modifier = effectiveModifier(update, false);
  if (Object.keys(modifier).length === 0) return { doc: current, modified: false };
  const simple = !options.arrayFilters?.length && isSimpleModifier(modifier) ? compileSimpleUpdate(modifier) : undefined;
  return applyModifier(current, modifier, simple, options);
}

/** One document: the prepared simple update when it applies (copy-on-write), else a deep clone through mingo. */
function applyModifier(
  current: Document,
  modifier: Document,
  simple: CompiledUpdate | undefined,
  options: { arrayFilters?: Document[]; query: Document },
): UpdateOutcome {
  const outcome = simple?.(current);
  if (outcome) {
    if (!outcome.modified) return { doc: current, modified: false };
    assertSameId(current, outcome.doc);
    return outcome;
  }
  checkArithmetic(current, modifier);
  const next = cloneDocument(current);
  if (!applyWithMingo(next, modifier, options.arrayFilters, options.query, false)) return { doc: current, modified: false };
  assertSameId(current, next);
  return { doc: next, modified: true };
}

/**
 * The same update applied to many stored documents (multi-update): one mingo call for the whole batch, since
 * mingo's per-call setup dominates when it runs once per document. Returns new versions in input order.
 */
export function applyUpdateToMany(currents: Document[], update: UpdateSpec, options: { arrayFilters?: Document[]; query: Document }): UpdateOutcome[] {
  if (currents.length <= 1 || !isOperatorUpdateSpec(update)) return currents.map((doc) => applyUpdate(doc, update, options));
  const modifier = effectiveModifier(update, false);
  if (Object.keys(modifier).length === 0) return currents.map((doc) => ({ doc, modified: false }));
  if (!options.arrayFilters?.length && isSimpleModifier(modifier)) {
    // Prepared once for the whole batch (an outbox claim or settlement updates hundreds of documents alike).
    const simple = compileSimpleUpdate(modifier);
    return currents.map((doc) => applyModifier(doc, modifier, simple, options));
  }
  const clones = currents.map(cloneDocument);
  for (const clone of clones) checkArithmetic(clone, modifier);
  try {
    mingoUpdateMany(clones, usesPositional(modifier) ? options.query : {}, modifier, { arrayFilters: options.arrayFilters, cloneMode: 'deep' }, mingoOptions());
  } catch (error) {
    throw fromUnknownError(error);
  }
  return currents.map((current, i) => {
    if (sameDocument(current, clones[i])) return { doc: current, modified: false };
    assertSameId(current, clones[i]);
    return { doc: clones[i], modified: true };
  });
}

function isOperatorUpdateSpec(update: UpdateSpec): update is Document {
  return !isPipelineUpdate(update) && isOperatorUpdate(update);
}

/**
 * The seed of an upsert: the query's equality fields (`{a: 1}`, `{a: {$eq: 1}}`, inside `$and`), as MongoDB
 * builds it before applying the update (docs: "Upsert with Operator Expressions"). mingo has no upsert.
 */
export function upsertSeed(query: Document, seed: Document = {}): Document {
  for (const [path, condition] of Object.entries(query)) {
    if (path === '$and' && Array.isArray(condition)) {
      for (const part of condition) if (isPlainObject(part)) upsertSeed(part, seed);
      continue;
    }
    if (path.startsWith('$')) continue;
    if (isPlainObject(condition) && Object.keys(condition).some((k) => k.startsWith('$'))) {
      if ('$eq' in condition && !(condition.$eq instanceof RegExp)) setPath(seed, path, cloneDocument(condition.$eq));
      continue;
    }
    if (condition instanceof RegExp) continue;
    setPath(seed, path, cloneDocument(condition));
  }
  return seed;
}

/** The document an upsert inserts: seed + update (with `$setOnInsert`), or the replacement; `_id` first. */
export function buildUpsertDocument(query: Document, update: UpdateSpec, arrayFilters?: Document[]): Document {
  const seed = upsertSeed(query);
  let doc: Document;
  if (isPipelineUpdate(update)) {
    doc = runPipeline(seed, update);
    if (seed._id !== undefined && doc._id === undefined) doc._id = seed._id;
  } else if (!isOperatorUpdate(update)) {
    doc = cloneDocument(update);
    if (doc._id === undefined && seed._id !== undefined) doc._id = seed._id;
  } else {
    doc = seed;
    applyOperators(doc, update, arrayFilters, query, true);
    if (seed._id !== undefined) assertSameId(upsertSeed(query), doc);
  }
  if (doc._id === undefined) doc._id = new ObjectId();
  return idFirst(doc);
}
