import type { IPushNotification } from '../../definitions/IPushNotification';
import type { IPushSettings } from '../../definitions/IPushSettings';
import { hash31 } from './notificationId';
import { PUSH_FROM, PUSH_SOUND, TEST_MESSAGE_TEXT, TITLE_MAX_CHARS } from './texts';
import { truncateToChars } from './truncate';

export interface ITestNotificationInput {
  username: string;
  settings: Pick<IPushSettings, 'Site_Url' | 'uniqueID'>;
  /** Defaults to 0: a test should not change the app icon's count. */
  badge?: number;
}

/** Grouping key of test pushes: all tests collapse into one notification on the phone. */
export const TEST_THREAD_ID = 'push-test';

/** The admin's "send a test push" notification (Rocket.Chat: title `@username`, a fixed text). */
export function buildTestNotification(input: ITestNotificationInput): IPushNotification {
  const badge = input.badge ?? 0;
  return {
    title: truncateToChars(`@${input.username}`, TITLE_MAX_CHARS),
    body: TEST_MESSAGE_TEXT,
    badge: Number.isFinite(badge) && badge > 0 ? Math.floor(badge) : 0,
    sound: PUSH_SOUND,
    // Nothing to reply to.
    category: 'MESSAGE_NOREPLY',
    notId: hash31(`${input.settings.uniqueID}|${TEST_THREAD_ID}`),
    threadId: TEST_THREAD_ID,
    payload: { host: input.settings.Site_Url, messageId: '', notificationType: 'test' },
    from: PUSH_FROM,
  };
}
