import { aggregate } from './aggregate';
import type { CommandHandler } from './CommandContext';
import { count } from './count';
import { deleteCommand } from './delete';
import { distinct } from './distinct';
import { findAndModify } from './findAndModify';
import { findCommand, getMore, killCursors } from './find';
import { handshakeCommands } from './handshake';
import { createIndexes, dropIndexes, listIndexes } from './indexes';
import { insert } from './insert';
import { collStats, create, dbStats, drop, dropDatabase, listCollections, listDatabases, renameCollection } from './namespaces';
import { update } from './update';

/** Every command the embedded server answers, by the name that is the command document's first field. */
export const commandRegistry: Record<string, CommandHandler> = {
  ...handshakeCommands,
  insert,
  find: findCommand,
  getMore,
  killCursors,
  update,
  delete: deleteCommand,
  findAndModify,
  findandmodify: findAndModify,
  aggregate,
  count,
  distinct,
  createIndexes,
  listIndexes,
  dropIndexes,
  deleteIndexes: dropIndexes,
  listDatabases,
  listCollections,
  create,
  drop,
  dropDatabase,
  renameCollection,
  dbStats,
  collStats,
};
