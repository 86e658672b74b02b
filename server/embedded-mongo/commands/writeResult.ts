import type { Document } from 'bson';
import { fromUnknownError } from '../errors';

/**
 * Per-statement results of insert/update/delete. MongoDB reports a failing statement inside an `ok: 1` reply as
 * `writeErrors: [{index, code, errmsg, ...}]`; with `ordered: true` (the default) it stops at the first error,
 * with `ordered: false` it carries on and reports every error (spec: "Driver Bulk API", server write commands).
 */
export class WriteResult {
  readonly writeErrors: Document[] = [];

  /** Runs each statement; returns early after the first failure when ordered. */
  run<T>(statements: T[], ordered: boolean, each: (statement: T, index: number) => void): void {
    for (let i = 0; i < statements.length; i++) {
      try {
        each(statements[i], i);
      } catch (error) {
        this.writeErrors.push(fromUnknownError(error).toWriteError(i));
        if (ordered) return;
      }
    }
  }

  reply(fields: Document): Document {
    return { ...fields, ...(this.writeErrors.length ? { writeErrors: this.writeErrors } : {}), ok: 1 };
  }
}
