import { ObjectId, type Document } from 'bson';
import { commandRegistry } from './commands/registry';
import type { CommandContext, CommandReply } from './commands/CommandContext';
import type { CursorManager } from './CursorManager';
import { ErrorCode, MongoCommandError, fromUnknownError } from './errors';
import { validateDatabaseName } from './storage/Database';
import type { Storage } from './storage/Storage';

/**
 * Routes a decoded command to its handler and turns every failure into an `{ok: 0}` reply: nothing a client
 * sends may throw past this point (one bad request must not take the server or the connection down).
 */
export class CommandDispatcher {
  readonly processId = new ObjectId();

  constructor(
    private readonly storage: Storage,
    private readonly cursors: CursorManager,
    private readonly now: () => Date = () => new Date(),
  ) {}

  dispatch(body: Document, dbName: string, connectionId: number): CommandReply {
    try {
      const name = Object.keys(body)[0];
      if (name === undefined) throw new MongoCommandError(ErrorCode.FailedToParse, 'Empty command document');
      const handler = Object.prototype.hasOwnProperty.call(commandRegistry, name) ? commandRegistry[name] : undefined;
      if (!handler) throw new MongoCommandError(ErrorCode.CommandNotFound, `no such command: '${name}'`);
      // A standalone mongod refuses sessions' transaction fields the same way (no replica set, no transactions).
      if (body.txnNumber !== undefined || body.startTransaction !== undefined) {
        throw new MongoCommandError(ErrorCode.IllegalOperation, 'Transaction numbers are only allowed on a replica set member or mongos');
      }
      const ctx: CommandContext = {
        storage: this.storage,
        cursors: this.cursors,
        dbName: validateDatabaseName(dbName),
        connectionId,
        processId: this.processId,
        now: this.now,
      };
      const reply = handler(body, ctx);
      if (Buffer.isBuffer(reply)) return reply;
      return 'ok' in reply ? reply : { ...reply, ok: 1 };
    } catch (error) {
      return fromUnknownError(error).toReply();
    }
  }
}
