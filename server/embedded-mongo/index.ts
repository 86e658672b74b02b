/**
 * The embedded MongoDB-compatible server: an in-process MongoDB wire-protocol server (OP_MSG plus the legacy
 * OP_QUERY handshake) on bson + mingo, so the official driver works end to end without a mongod.
 */
export { startEmbeddedMongo, type EmbeddedMongo, type EmbeddedMongoOptions } from './EmbeddedMongo';
