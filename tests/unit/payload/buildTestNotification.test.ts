import { buildTestNotification, TEST_THREAD_ID } from '../../../lib/payload/buildTestNotification';
import { hash31 } from '../../../lib/payload/notificationId';

const settings = { Site_Url: 'https://chat.example.com', uniqueID: 'workspace-1' };

describe('buildTestNotification', () => {
  it('builds the admin test push', () => {
    expect(buildTestNotification({ username: 'admin', settings })).toEqual({
      title: '@admin',
      body: 'This is a push test message',
      badge: 0,
      sound: 'default',
      category: 'MESSAGE_NOREPLY',
      notId: hash31('workspace-1|push-test'),
      threadId: TEST_THREAD_ID,
      payload: { host: 'https://chat.example.com', messageId: '', notificationType: 'test' },
      from: 'push',
    });
  });

  it('takes a badge when given', () => {
    expect(buildTestNotification({ username: 'admin', settings, badge: 4 }).badge).toBe(4);
  });

  it('cuts a very long username in the title', () => {
    const push = buildTestNotification({ username: 'u'.repeat(100), settings });
    expect(push.title.length).toBe(65);
  });
});
