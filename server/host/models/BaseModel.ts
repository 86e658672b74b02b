import type { Collection, Db, Document, IndexDescription } from 'mongodb';
import type { IModel } from '../../../definitions/IHost';

/**
 * One collection, its Rocket.Chat name and the indexes it needs (as Rocket.Chat's `BaseRaw`: `col` is the raw
 * driver collection, for queries the model does not wrap).
 */
export abstract class BaseModel<T extends Document & { _id: string }> implements IModel<T> {
  readonly col: Collection<T>;

  protected constructor(
    db: Db,
    readonly name: string,
    private readonly indexes: readonly IndexDescription[],
  ) {
    this.col = db.collection<T>(name);
  }

  findOneById(id: string): Promise<T | null> {
    return this.col.findOne({ _id: id } as never) as Promise<T | null>;
  }

  async ensureIndexes(): Promise<void> {
    if (this.indexes.length > 0) await this.col.createIndexes([...this.indexes]);
  }
}

/** Escapes text for an exact, case-insensitive regular expression match. */
export function exactInsensitive(text: string): RegExp {
  // A BSON regex is a C string: a NUL in the pattern cannot be sent, so it goes escaped (it then matches nothing
  // that a valid name holds, instead of failing the query).
  return new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\u0000/g, '\\x00')}$`, 'i');
}
