import { Long, type Document } from 'bson';
import { MAX_BSON_OBJECT_SIZE, MAX_MESSAGE_SIZE, MAX_WRITE_BATCH_SIZE } from '../wire/opcodes';
import type { CommandContext, CommandHandler } from './CommandContext';

/** We report MongoDB 7.0: wire version 21 is inside driver 7's supported range (9..29). */
export const SERVER_VERSION = '7.0.0';
export const MAX_WIRE_VERSION = 21;

/**
 * The `hello` reply of a standalone mongod (spec: "Server Discovery and Monitoring", hello response fields).
 * `ismaster` (legacy) answers `ismaster: true`, `hello` answers `isWritablePrimary: true`. `topologyVersion` makes
 * the driver use the streaming (awaitable) heartbeat, which WireServer implements.
 */
export function helloReply(command: Document, ctx: CommandContext): Document {
  const legacy = 'ismaster' in command || 'isMaster' in command;
  return {
    ...(command.helloOk ? { helloOk: true } : {}),
    ...(legacy ? { ismaster: true } : { isWritablePrimary: true }),
    topologyVersion: { processId: ctx.processId, counter: Long.ZERO },
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    maxMessageSizeBytes: MAX_MESSAGE_SIZE,
    maxWriteBatchSize: MAX_WRITE_BATCH_SIZE,
    localTime: ctx.now(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: ctx.connectionId,
    minWireVersion: 0,
    maxWireVersion: MAX_WIRE_VERSION,
    readOnly: false,
    ok: 1,
  };
}

const ok: CommandHandler = () => ({ ok: 1 });

export const handshakeCommands: Record<string, CommandHandler> = {
  hello: helloReply,
  ismaster: helloReply,
  isMaster: helloReply,
  ping: ok,
  endSessions: ok,
  killSessions: ok,
  refreshSessions: ok,
  killAllSessions: ok,
  logout: ok,
  buildInfo: () => ({
    version: SERVER_VERSION,
    gitVersion: 'embedded',
    versionArray: [7, 0, 0, 0],
    bits: 64,
    debug: false,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    storageEngines: ['embedded'],
    modules: [],
    ok: 1,
  }),
  hostInfo: () => ({
    system: { currentTime: new Date(), hostname: 'embedded', cpuAddrSize: 64, numCores: 1 },
    os: { type: process.platform, name: process.platform },
    extra: {},
    ok: 1,
  }),
  getParameter: (command) => {
    const known: Document = { featureCompatibilityVersion: { version: '7.0' }, authenticationMechanisms: [] };
    if (command.getParameter === '*') return { ...known, ok: 1 };
    const out: Document = {};
    for (const key of Object.keys(command)) if (key in known) out[key] = known[key];
    return { ...out, ok: 1 };
  },
  whatsmyuri: (_command, ctx) => ({ you: `127.0.0.1:${ctx.connectionId}`, ok: 1 }),
  connectionStatus: () => ({ authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] }, ok: 1 }),
  getCmdLineOpts: () => ({ argv: ['embedded-mongo'], parsed: {}, ok: 1 }),
  serverStatus: (_command, ctx) => ({
    host: 'embedded',
    version: SERVER_VERSION,
    process: 'embedded-mongo',
    uptime: process.uptime(),
    localTime: ctx.now(),
    connections: { current: 0 },
    metrics: { cursor: { open: { total: ctx.cursors.size } } },
    ok: 1,
  }),
};
