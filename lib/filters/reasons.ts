/**
 * The reason codes of the default pipeline. Stable: `push.explain`, logs, metrics and tests match on them.
 * Developers' own filters use their own (ideally namespaced) codes.
 */
export const NotificationReasons = {
  // skip
  PUSH_DISABLED: 'PUSH_DISABLED',
  NOTIFICATIONS_TROUBLESHOOT_DISABLED: 'NOTIFICATIONS_TROUBLESHOOT_DISABLED',
  SENDER_IS_RECIPIENT: 'SENDER_IS_RECIPIENT',
  ROOM_NOTIFICATIONS_DISABLED: 'ROOM_NOTIFICATIONS_DISABLED',
  SENDER_IGNORED: 'SENDER_IGNORED',
  GROUP_MENTIONS_MUTED: 'GROUP_MENTIONS_MUTED',
  USER_INACTIVE: 'USER_INACTIVE',
  USER_BUSY: 'USER_BUSY',
  NO_MOBILE_DEVICE: 'NO_MOBILE_DEVICE',
  USER_ONLINE: 'USER_ONLINE',
  THREAD_NOT_FOLLOWED: 'THREAD_NOT_FOLLOWED',
  ROOM_TOO_LARGE: 'ROOM_TOO_LARGE',
  PREFERENCE_NOTHING: 'PREFERENCE_NOTHING',
  NOT_MENTIONED: 'NOT_MENTIONED',
  // delay
  ONLINE_DELAYED: 'ONLINE_DELAYED',
  // notify (why the user is notified)
  NOTIFY: 'NOTIFY',
  DIRECT_MESSAGE: 'DIRECT_MESSAGE',
  MENTIONED: 'MENTIONED',
  HIGHLIGHTED: 'HIGHLIGHTED',
  THREAD_FOLLOWER: 'THREAD_FOLLOWER',
  GROUP_MENTION: 'GROUP_MENTION',
  PREFERENCE_ALL: 'PREFERENCE_ALL',
  // trace only: a filter threw or answered something that is not a FilterOutcome
  FILTER_ERROR: 'FILTER_ERROR',
} as const;

export type NotificationReason = (typeof NotificationReasons)[keyof typeof NotificationReasons];
