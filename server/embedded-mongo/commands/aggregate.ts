import type { Document } from 'bson';
import { Aggregator } from 'mingo';
import { Collection } from '../storage/Collection';
import { ErrorCode, MongoCommandError, fromUnknownError } from '../errors';
import { compileFastGroup, GROUP_NOT_HANDLED } from '../query/fastGroup';
import { mingoOptions } from '../query/mingoOptions';
import { selectDocuments } from '../query/selectDocuments';
import { cloneDocument } from '../storage/cloneDocument';
import { isPlainObject } from '../storage/paths';
import { nonNegative, optionalField, requiredField, validateName, type CommandContext, type CommandHandler } from './CommandContext';

/** Stages that never mutate their input documents, so stored documents can be fed to them without a copy. */
const READ_ONLY_STAGES = new Set(['$match', '$sort', '$limit', '$skip', '$count', '$group', '$sortByCount']);

/**
 * `aggregate` via mingo. A leading `$match` is answered like a find (index-narrowed), a simple `$group` after it
 * natively (see compileFastGroup), the rest of the pipeline in mingo. `$lookup`/`$graphLookup`/`$unionWith` resolve other collections of the same database (cloned,
 * since later stages may write into joined documents). `$out` is applied here, as a collection replacement.
 */
export const aggregate: CommandHandler = (command, ctx) => {
  const target = command.aggregate;
  const pipeline = requiredField<unknown[]>(command, 'aggregate', 'pipeline', 'array');
  if (command.explain) throw new MongoCommandError(ErrorCode.NotImplemented, 'explain is not supported by the embedded server');
  const cursorOptions = optionalField<Document>(command, 'aggregate', 'cursor', 'object');
  if (!cursorOptions) {
    throw new MongoCommandError(ErrorCode.FailedToParse, "The 'cursor' option is required, except for aggregate with the explain argument");
  }
  const batchSize = nonNegative(optionalField<number>(cursorOptions, 'aggregate.cursor', 'batchSize', 'number'), 'batchSize');
  for (const stage of pipeline) {
    if (!isPlainObject(stage) || Object.keys(stage).length !== 1) {
      throw new MongoCommandError(ErrorCode.TypeMismatch, 'Each element of the \'pipeline\' array must be an object with exactly one field');
    }
  }
  let stages = (pipeline as Document[]).flatMap(rewriteStage);
  const collectionName = target === 1 ? undefined : validateName(ctx, target);

  // $out is the last stage; we run the rest and write the result ourselves.
  let outTarget: string | undefined;
  const last = stages[stages.length - 1];
  if (last && '$out' in last) {
    const out = last.$out;
    outTarget = typeof out === 'string' ? out : isPlainObject(out) && typeof out.coll === 'string' ? out.coll : undefined;
    if (!outTarget) throw new MongoCommandError(ErrorCode.FailedToParse, '$out requires a collection name');
    stages = stages.slice(0, -1);
  }
  if (stages.some((stage) => '$out' in stage || '$merge' in stage)) {
    throw new MongoCommandError(ErrorCode.NotImplemented, '$merge (and $out before the last stage) is not supported by the embedded server');
  }

  let input: Document[] = [];
  if (collectionName !== undefined) {
    const collection = ctx.storage.collection(ctx.dbName, collectionName);
    const first = stages[0];
    if (first && '$match' in first && isPlainObject(first.$match)) {
      input = selectDocuments(collection, first.$match, {}, ctx.storage.stats);
      stages = stages.slice(1);
    } else {
      input = selectDocuments(collection, {}, {}, ctx.storage.stats);
    }
    // A simple $group right after (badge counts, outbox statistics) runs natively: one pass, no expression trees.
    const group = stages[0] && '$group' in stages[0] ? compileFastGroup(stages[0].$group) : undefined;
    const grouped = group ? group(input) : GROUP_NOT_HANDLED;
    if (grouped !== GROUP_NOT_HANDLED) {
      input = grouped;
      stages = stages.slice(1);
    } else if (!stages.every((stage) => READ_ONLY_STAGES.has(Object.keys(stage)[0]))) {
      input = input.map(cloneDocument);
    }
  }

  let results: Document[];
  try {
    const options = mingoOptions({
      collectionResolver: (name: string) => {
        const other = ctx.storage.collection(ctx.dbName, name);
        return other ? [...other.docs.values()].map(cloneDocument) : [];
      },
      variables: isPlainObject(command.let) ? command.let : undefined,
    });
    results = stages.length ? (new Aggregator(stages, options).run(input) as Document[]) : input;
  } catch (error) {
    throw fromUnknownError(error);
  }

  if (outTarget !== undefined) {
    writeOut(ctx, outTarget, results);
    results = [];
  }
  const ns = `${ctx.dbName}.${collectionName ?? '$cmd.aggregate'}`;
  return ctx.cursors.open(ns, results, { batchSize });
};

/**
 * MongoDB defines `{$count: f}` as `$group` + `$project`, which yields no document at all on empty input; mingo's
 * `$count` yields `{f: 0}`. Rewrite it to the definition so both agree.
 */
function rewriteStage(stage: Document): Document[] {
  if ('$count' in stage && typeof stage.$count === 'string') {
    return [{ $group: { _id: null, [stage.$count]: { $sum: 1 } } }, { $project: { _id: 0 } }];
  }
  return [stage];
}

/** `$out`: the target's documents are replaced by the results (indexes kept), all or nothing. */
function writeOut(ctx: CommandContext, name: string, results: Document[]): void {
  const db = ctx.storage.db(ctx.dbName);
  const existing = db.get(name);
  const staging = new Collection(ctx.dbName, name, existing?.options ?? {}, ctx.storage.stats);
  for (const spec of existing?.indexes ?? []) staging.addIndex(spec.spec);
  for (const doc of results) staging.insert(Collection.withId(doc));
  db.collections.set(name, staging);
}
