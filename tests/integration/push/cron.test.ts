import cron from 'node-cron';
import { openTestDatabase, type TestDatabase } from '../../support/testDatabase';
import { PushCron } from '../../../server/push/cron/PushCron';
import { PushTokenService } from '../../../server/push/tokens/PushTokenService';
import type { IPushToken } from '../../../definitions/IPushToken';

describe('push scheduled jobs', () => {
  let tdb: TestDatabase;
  const logs: string[] = [];
  const logger = { info: (_o: object, msg: string) => void logs.push(`info:${msg}`), warn: (_o: object, msg: string) => void logs.push(`warn:${msg}`) };

  beforeEach(async () => {
    tdb = await openTestDatabase();
    logs.length = 0;
  });
  afterEach(() => tdb.close());

  it('schedules every job with node-cron, never overlapping, and stops them all', async () => {
    const before = cron.getTasks().size;
    const jobs = new PushCron(
      [
        { name: 'a', schedule: '*/10 * * * *', run: async () => undefined },
        { name: 'b', schedule: '30 3 * * *', run: async () => undefined },
      ],
      logger,
    );
    jobs.start();
    jobs.start(); // idempotent
    expect(cron.getTasks().size).toBe(before + 2);
    await jobs.stop();
    expect(cron.getTasks().size).toBe(before);
  });

  it('records each run and keeps going after a failing job', async () => {
    let n = 0;
    const jobs = new PushCron(
      [
        { name: 'count', schedule: '* * * * *', run: async () => ({ n: ++n }) },
        { name: 'broken', schedule: '* * * * *', run: async () => Promise.reject(new Error('disk on fire')) },
      ],
      logger,
    );
    await jobs.runByName('count');
    await jobs.runByName('broken');
    await jobs.runByName('count');
    expect(jobs.lastRuns.get('count')).toEqual(expect.objectContaining({ ok: true, result: { n: 2 } }));
    expect(jobs.lastRuns.get('broken')).toEqual(expect.objectContaining({ ok: false, error: 'disk on fire' }));
    expect(logs).toContain('warn:push job failed');
  });

  it('prunes devices whose app has not re-registered for the retention period, and only those', async () => {
    const tokens = tdb.db.collection<IPushToken>('_raix_push_app_tokens');
    const now = new Date('2026-12-04T00:00:00Z');
    const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);
    const doc = (id: string, updated: Date): IPushToken => ({
      _id: id, token: { apn: id }, appName: 'app', userId: 'u', enabled: true, createdAt: updated, _updatedAt: updated,
    });
    await tokens.insertMany([doc('fresh', daysAgo(1)), doc('old', daysAgo(300)), doc('edge', daysAgo(269))]);
    const service = new PushTokenService(tokens);
    expect(await service.pruneStale(now, 270)).toBe(1);
    expect((await tokens.find().toArray()).map((t) => t._id).sort()).toEqual(['edge', 'fresh']);
  });

  it('a device re-registered after a push was queued survives that push being refused as dead', async () => {
    const tokens = tdb.db.collection<IPushToken>('_raix_push_app_tokens');
    const service = new PushTokenService(tokens);
    const queuedAt = new Date('2026-12-04T10:00:00Z');
    await service.register({ userId: 'u1', type: 'apn', value: 'abc', appName: 'app', now: new Date('2026-12-04T09:00:00Z') });
    await service.register({ userId: 'u2', type: 'gcm', value: 'xyz', appName: 'app', now: new Date('2026-12-04T11:00:00Z') });
    expect(await service.removeDead('apn', 'abc', queuedAt)).toBe(1);
    expect(await service.removeDead('gcm', 'xyz', queuedAt)).toBe(0);
    expect(await tokens.countDocuments()).toBe(1);
  });

  it('moves a token to the user who registers it last, and keeps one document per device', async () => {
    const tokens = tdb.db.collection<IPushToken>('_raix_push_app_tokens');
    const service = new PushTokenService(tokens);
    const now = new Date();
    const first = await service.register({ userId: 'u1', type: 'apn', value: 'shared-phone', appName: 'app', now });
    const second = await service.register({ userId: 'u2', type: 'apn', value: 'shared-phone', appName: 'app', now });
    expect(second._id).toBe(first._id);
    expect(second.userId).toBe('u2');
    // an unknown device id with a known token updates that token's document (Rocket.Chat's lookup order)
    await service.register({ userId: 'u2', id: 'device-7', type: 'apn', value: 'shared-phone', appName: 'app', now });
    expect((await tokens.find().toArray()).map((t) => t._id)).toEqual([first._id]);
    // a known device id with a new token keeps the device and drops any other document holding that token
    await service.register({ userId: 'u3', type: 'apn', value: 'new-token', appName: 'app', now });
    await service.register({ userId: 'u2', id: first._id, type: 'apn', value: 'new-token', appName: 'app', now });
    expect((await tokens.find().toArray()).map((t) => [t._id, t.token])).toEqual([[first._id, { apn: 'new-token' }]]);
    await service.register({ userId: 'u2', id: first._id, type: 'apn', value: 'shared-phone', appName: 'app', now });
    // someone who only knows the device id cannot take the device over: they get a device of their own
    const intruder = await service.register({ userId: 'u9', id: first._id, type: 'apn', value: 'intruder-token', appName: 'app', now });
    expect(intruder._id).not.toBe(first._id);
    expect((await tokens.findOne({ _id: first._id }))?.userId).toBe('u2');
    await service.unregister('u9', 'intruder-token');
    expect(await service.unregister('u1', 'shared-phone')).toBe(0); // not u1's any more
    expect(await service.unregister('u2', 'shared-phone')).toBe(1);
  });
});
