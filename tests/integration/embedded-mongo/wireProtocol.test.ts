import net from 'node:net';
import { deserialize, serialize, type Document } from 'bson';
import { openTestDatabase, type TestDatabase } from '../../support/testDatabase';
import { onEmbeddedServer } from './helpers';

/**
 * Raw wire-protocol checks (the driver never sends some of these frames). They talk to the embedded server's
 * socket directly, so they only run against it.
 */
const describeEmbedded = onEmbeddedServer ? describe : describe.skip;

const OP_REPLY = 1;
const OP_QUERY = 2004;
const OP_MSG = 2013;

function frame(opCode: number, body: Buffer, requestId = 7): Buffer {
  const header = Buffer.alloc(16);
  header.writeInt32LE(16 + body.length, 0);
  header.writeInt32LE(requestId, 4);
  header.writeInt32LE(0, 8);
  header.writeInt32LE(opCode, 12);
  return Buffer.concat([header, body]);
}

function opMsg(doc: Document, options: { flags?: number; sequence?: [string, Document[]]; checksum?: boolean } = {}): Buffer {
  const parts: Buffer[] = [];
  const flags = Buffer.alloc(4);
  flags.writeUInt32LE((options.flags ?? 0) | (options.checksum ? 1 : 0), 0);
  parts.push(flags, Buffer.from([0]), Buffer.from(serialize(doc)));
  if (options.sequence) {
    const [id, docs] = options.sequence;
    const payload = Buffer.concat([Buffer.from(id + '\0'), ...docs.map((d) => Buffer.from(serialize(d)))]);
    const size = Buffer.alloc(4);
    size.writeInt32LE(4 + payload.length, 0);
    parts.push(Buffer.from([1]), size, payload);
  }
  if (options.checksum) parts.push(Buffer.alloc(4)); // the server tolerates (does not verify) the CRC
  return frame(OP_MSG, Buffer.concat(parts));
}

function opQuery(ns: string, doc: Document): Buffer {
  const head = Buffer.alloc(4);
  const counts = Buffer.alloc(8);
  counts.writeInt32LE(-1, 4);
  return frame(OP_QUERY, Buffer.concat([head, Buffer.from(ns + '\0'), counts, Buffer.from(serialize(doc))]));
}

interface Reply {
  opCode: number;
  responseTo: number;
  flags: number;
  doc: Document;
}

class RawClient {
  private buffer = Buffer.alloc(0);
  private waiters: Array<(reply: Reply) => void> = [];
  private replies: Reply[] = [];
  closed = false;

  constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      while (this.buffer.length >= 4 && this.buffer.length >= this.buffer.readInt32LE(0)) {
        const length = this.buffer.readInt32LE(0);
        const msg = this.buffer.subarray(0, length);
        this.buffer = this.buffer.subarray(length);
        const opCode = msg.readInt32LE(12);
        const responseTo = msg.readInt32LE(8);
        const reply: Reply =
          opCode === OP_REPLY
            ? { opCode, responseTo, flags: msg.readInt32LE(16), doc: deserialize(msg.subarray(36)) }
            : { opCode, responseTo, flags: msg.readUInt32LE(16), doc: deserialize(msg.subarray(21)) };
        const waiter = this.waiters.shift();
        if (waiter) waiter(reply);
        else this.replies.push(reply);
      }
    });
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => undefined);
  }

  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  send(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  next(timeoutMs = 2000): Promise<Reply> {
    const queued = this.replies.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no reply')), timeoutMs);
      this.waiters.push((reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
    });
  }

  waitClosed(timeoutMs = 2000): Promise<boolean> {
    return new Promise((resolve) => {
      if (this.closed) return resolve(true);
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

describeEmbedded('wire protocol (raw frames, embedded server)', () => {
  let t: TestDatabase;
  let port: number;
  beforeAll(async () => {
    t = await openTestDatabase();
    port = t.embedded!.port;
  });
  afterAll(() => t.close());

  test('legacy OP_QUERY ismaster is answered with OP_REPLY', async () => {
    const client = await RawClient.connect(port);
    client.send(opQuery('admin.$cmd', { ismaster: 1, helloOk: true }));
    const reply = await client.next();
    expect(reply.opCode).toBe(OP_REPLY);
    expect(reply.responseTo).toBe(7);
    expect(reply.doc).toMatchObject({ ismaster: true, helloOk: true, ok: 1 });
    client.close();
  });

  test('OP_MSG with a kind-1 document sequence and a checksum flag', async () => {
    const client = await RawClient.connect(port);
    client.send(opMsg({ insert: 'raw', $db: t.dbName }, { sequence: ['documents', [{ _id: 1 }, { _id: 2 }]], checksum: true }));
    const reply = await client.next();
    expect(reply.opCode).toBe(OP_MSG);
    expect(reply.doc).toMatchObject({ n: 2, ok: 1 });
    expect(await t.db.collection('raw').countDocuments()).toBe(2);
    client.close();
  });

  test('moreToCome (unacknowledged write) gets no reply but is applied', async () => {
    const client = await RawClient.connect(port);
    client.send(opMsg({ insert: 'raw_w0', documents: [{ _id: 'w0' }], $db: t.dbName }, { flags: 2 }));
    client.send(opMsg({ ping: 1, $db: 'admin' }));
    const reply = await client.next();
    expect(reply.doc).toMatchObject({ ok: 1 });
    expect(reply.doc.n).toBeUndefined();
    expect(await t.db.collection('raw_w0').findOne({ _id: 'w0' as never })).not.toBeNull();
    client.close();
  });

  test('an undecodable frame gets an error reply and the connection keeps working', async () => {
    const client = await RawClient.connect(port);
    client.send(frame(9999, Buffer.from('garbage!')));
    expect((await client.next()).doc).toMatchObject({ ok: 0 });
    // A body whose BSON length lies about its size.
    const bad = Buffer.concat([Buffer.alloc(4), Buffer.from([0]), Buffer.from([0xff, 0, 0, 0, 1, 2, 3])]);
    client.send(frame(OP_MSG, bad));
    expect((await client.next()).doc).toMatchObject({ ok: 0 });
    client.send(opMsg({ ping: 1, $db: 'admin' }));
    expect((await client.next()).doc).toMatchObject({ ok: 1 });
    client.close();
  });

  test('an impossible frame length closes only that connection', async () => {
    const client = await RawClient.connect(port);
    const evil = Buffer.alloc(16);
    evil.writeInt32LE(-20, 0);
    client.send(evil);
    expect(await client.waitClosed()).toBe(true);
    expect(await t.db.command({ ping: 1 })).toMatchObject({ ok: 1 });
  });

  test('awaitable hello streams replies with moreToCome (exhaust)', async () => {
    const client = await RawClient.connect(port);
    client.send(opMsg({ hello: 1, $db: 'admin' }));
    const first = await client.next();
    const topologyVersion = first.doc.topologyVersion;
    expect(topologyVersion).toBeDefined();
    client.send(opMsg({ hello: 1, topologyVersion, maxAwaitTimeMS: 50, $db: 'admin' }, { flags: 1 << 16 }));
    const a = await client.next();
    const b = await client.next();
    expect(a.flags & 2).toBe(2);
    expect(b.flags & 2).toBe(2);
    expect(a.doc.isWritablePrimary).toBe(true);
    client.close();
  });
});
