import pino from 'pino';
import { openTestDatabase, type TestDatabase } from '../../support/testDatabase';
import { createGateway, type Gateway } from '../../../server/gateway/createGateway';
import type { IDeliveryResult, IPushDelivery, IPushTransport } from '../../../definitions/IPushTransport';
import { post, waitUntil } from './gatewayHarness';

class DeliveringTransport implements IPushTransport {
  readonly name = 'test';
  count = 0;
  routeOf(): string {
    return 'test:1';
  }
  async send(deliveries: IPushDelivery[]): Promise<IDeliveryResult[]> {
    this.count += deliveries.length;
    return deliveries.map((d) => ({ id: d.id, outcome: 'delivered', route: 'test:1' }));
  }
  async close(): Promise<void> {}
}

let database: TestDatabase;
let gateway: Gateway;
let url: string;
let now = new Date();
const transport = new DeliveringTransport();

beforeAll(async () => {
  database = await openTestDatabase();
  gateway = await createGateway({
    db: database.db,
    logger: pino({ level: 'silent' }),
    transport,
    clock: () => now,
    settings: { finishedRetentionSeconds: 3600, maintenanceIntervalSeconds: 3600 },
    worker: { pollIntervalMs: 50 },
  });
  ({ url } = await gateway.listen({ port: 0 }));
});

afterAll(async () => {
  await gateway?.close();
  await database?.close();
});

it('blanks the content of delivered pushes, still recognises their retries, and purges them after the retention', async () => {
  const { token } = await gateway.workspaces.add({ name: 'Acme', id: 'ws-m' });
  const body = { token: 'device-1', options: { uniqueId: 'ws-m', title: 'secret title', text: 'secret text', payload: { messageId: 'm1' } } };
  const headers = { authorization: `Bearer ${token}` };
  const first = await post(`${url}/push/gcm/send`, body, headers);
  const id = first.json?.id as string;
  await waitUntil(async () => (await gateway.core.outbox.collection.findOne({ _id: id }))?.state === 'delivered', 5000, 'delivery');

  await gateway.core.maintain();
  const redacted = await gateway.core.outbox.collection.findOne({ _id: id });
  expect(redacted?.notification).toMatchObject({ title: '', body: '', payload: {} });
  expect(JSON.stringify(redacted)).not.toContain('secret');

  // A late retry of the same request is still the same push.
  expect((await post(`${url}/push/gcm/send`, body, headers)).json).toMatchObject({ duplicate: true, id });
  expect(transport.count).toBe(1);

  now = new Date(now.getTime() + 2 * 3600_000);
  await gateway.core.maintain();
  expect(await gateway.core.outbox.collection.findOne({ _id: id })).toBeNull();
});
