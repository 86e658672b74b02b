/**
 * Priorities of the default filters (lower runs first). They sit between the callbacks registry's MEDIUM (0)
 * and LOW (1000): a developer's filter added at HIGH or MEDIUM runs before all of them, one at LOW after all of
 * them, and any value in between slots in at a precise point (e.g. 105 runs just before `mobilePreference`).
 */
export const DefaultFilterPriority = {
  pushDisabled: 10,
  senderIsRecipient: 20,
  roomNotificationsDisabled: 30,
  senderIgnored: 40,
  groupMentionsMuted: 50,
  userInactiveOrBusy: 60,
  noMobileDevice: 70,
  onlineOnDesktop: 80,
  threadNotFollowed: 90,
  roomTooLarge: 100,
  mobilePreference: 110,
} as const;
