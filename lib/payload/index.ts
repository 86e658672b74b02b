export { buildPushNotification } from './buildPushNotification';
export type { IPushNotificationInput } from './buildPushNotification';
export { buildTestNotification, TEST_THREAD_ID } from './buildTestNotification';
export type { ITestNotificationInput } from './buildTestNotification';
export { notificationId, hash31 } from './notificationId';
export { displayName, withRealNames } from './displayText';
export { ELLIPSIS, toWellFormed, truncateToBytes, truncateToChars, utf8ByteLength } from './truncate';
export * from './texts';
