import net from 'node:net';
import type { Document } from 'bson';
import type { CommandDispatcher } from './CommandDispatcher';
import { ErrorCode, MongoCommandError } from './errors';
import { MalformedMessageError, encodeDocument, encodeOpMsg, encodeOpReply, parseMessage, type IncomingMessage } from './wire/messages';
import { HEADER_SIZE, MAX_MESSAGE_SIZE, MsgFlag, OpCode } from './wire/opcodes';

interface ConnectionState {
  id: number;
  socket: net.Socket;
  buffered: Buffer[];
  bufferedBytes: number;
  /** Pending awaitable-hello timer (streaming heartbeat), cleared when the socket closes. */
  helloTimer?: NodeJS.Timeout;
}

/**
 * TCP framing and connection handling of the MongoDB wire protocol. Each frame is a 16-byte header whose first
 * int32 is the total length; frames are decoded, dispatched synchronously and answered in order. A frame that
 * cannot be decoded gets an error reply; a frame whose length is impossible (we cannot find the next frame)
 * closes only that connection.
 */
export class WireServer {
  private readonly server: net.Server;
  private readonly connections = new Set<ConnectionState>();
  private nextConnectionId = 1;

  constructor(private readonly dispatcher: CommandDispatcher) {
    this.server = net.createServer((socket) => this.accept(socket));
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        resolve((this.server.address() as net.AddressInfo).port);
      });
    });
  }

  /** Stops accepting, drops every connection (the driver reconnects or fails fast) and resolves when closed. */
  close(): Promise<void> {
    for (const connection of this.connections) {
      clearTimeout(connection.helloTimer);
      connection.socket.destroy();
    }
    this.connections.clear();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    const connection: ConnectionState = { id: this.nextConnectionId++, socket, buffered: [], bufferedBytes: 0 };
    this.connections.add(connection);
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(connection, chunk));
    // Client resets are routine (driver pools close sockets); never let them become uncaught errors.
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      clearTimeout(connection.helloTimer);
      this.connections.delete(connection);
    });
  }

  private onData(connection: ConnectionState, chunk: Buffer): void {
    connection.buffered.push(chunk);
    connection.bufferedBytes += chunk.length;
    while (connection.bufferedBytes >= 4) {
      // Concatenate only once a whole frame is there: big insertMany frames arrive in many 64 KiB chunks.
      if (connection.buffered[0].length < 4) connection.buffered = [Buffer.concat(connection.buffered)];
      const length = connection.buffered[0].readInt32LE(0);
      if (length < HEADER_SIZE || length > MAX_MESSAGE_SIZE) {
        connection.socket.destroy();
        return;
      }
      if (connection.bufferedBytes < length) return;
      const data = connection.buffered.length === 1 ? connection.buffered[0] : Buffer.concat(connection.buffered, connection.bufferedBytes);
      const frame = data.subarray(0, length);
      const rest = data.subarray(length);
      connection.buffered = rest.length ? [rest] : [];
      connection.bufferedBytes = rest.length;
      try {
        this.onFrame(connection, frame);
      } catch {
        // Last resort: a bug while answering must cost this connection, never the process.
        connection.socket.destroy();
      }
      if (connection.socket.destroyed) return;
    }
  }

  private onFrame(connection: ConnectionState, frame: Buffer): void {
    const requestId = frame.readInt32LE(4);
    const opCode = frame.readInt32LE(12);
    let message: IncomingMessage;
    try {
      message = parseMessage(frame);
    } catch (error) {
      const reason = error instanceof MalformedMessageError ? error.message : String(error);
      const reply = new MongoCommandError(ErrorCode.FailedToParse, `invalid message: ${reason}`).toReply();
      if (opCode === OpCode.OP_QUERY) this.write(connection, encodeOpReply(requestId, encodeDocument(reply)));
      else this.write(connection, encodeOpMsg(requestId, encodeDocument(reply)).frame);
      return;
    }
    const dbName = message.opCode === OpCode.OP_QUERY ? (message.fullCollectionName ?? 'admin').split('.')[0] : String(message.body.$db ?? 'admin');

    if (message.opCode === OpCode.OP_MSG && this.isAwaitableHello(message.body)) {
      this.streamHello(connection, message, dbName, message.requestId);
      return;
    }
    const reply = this.encodeReply(this.dispatcher.dispatch(message.body, dbName, connection.id));
    if (message.opCode === OpCode.OP_QUERY) {
      this.write(connection, encodeOpReply(message.requestId, reply));
    } else if (!(message.flags & MsgFlag.moreToCome)) {
      // moreToCome from a client = unacknowledged write (w:0): the client does not read a reply.
      this.write(connection, encodeOpMsg(message.requestId, reply).frame);
    }
  }

  /** Serializes a reply; one too large for BSON becomes an error reply instead of an exception. */
  private encodeReply(reply: Document | Buffer): Buffer {
    try {
      return encodeDocument(reply);
    } catch (error) {
      return encodeDocument(new MongoCommandError(ErrorCode.BSONObjectTooLarge, `reply could not be serialized: ${(error as Error).message}`).toReply());
    }
  }

  private write(connection: ConnectionState, frame: Buffer): void {
    if (!connection.socket.destroyed && connection.socket.writable) connection.socket.write(frame);
  }

  /** A monitoring `hello` carrying our own topologyVersion and maxAwaitTimeMS (spec: SDAM "Streaming Protocol"). */
  private isAwaitableHello(body: Document): boolean {
    const name = Object.keys(body)[0];
    if (name !== 'hello' && name !== 'ismaster' && name !== 'isMaster') return false;
    const tv = body.topologyVersion as { processId?: { equals?: (other: unknown) => boolean } } | undefined;
    return typeof body.maxAwaitTimeMS === 'number' && !!tv?.processId?.equals?.(this.dispatcher.processId);
  }

  /**
   * Awaitable hello: our topology never changes, so the server waits maxAwaitTimeMS and then answers. With the
   * exhaustAllowed flag the reply carries moreToCome and we keep answering every maxAwaitTimeMS without a new
   * request, each reply's responseTo being the previous reply's requestID (spec: OP_MSG "exhaustAllowed").
   */
  private streamHello(connection: ConnectionState, message: IncomingMessage, dbName: string, responseTo: number): void {
    const exhaust = (message.flags & MsgFlag.exhaustAllowed) !== 0;
    const wait = Math.max(0, Math.min(message.body.maxAwaitTimeMS as number, 60_000));
    clearTimeout(connection.helloTimer);
    connection.helloTimer = setTimeout(() => {
      if (connection.socket.destroyed) return;
      const reply = this.encodeReply(this.dispatcher.dispatch(message.body, dbName, connection.id));
      const { frame, requestId } = encodeOpMsg(responseTo, reply, exhaust ? MsgFlag.moreToCome : 0);
      this.write(connection, frame);
      if (exhaust) this.streamHello(connection, message, dbName, requestId);
    }, wait);
    connection.helloTimer.unref();
  }
}
