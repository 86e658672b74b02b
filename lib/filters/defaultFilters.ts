import type { INotificationFilter } from '../../definitions/INotificationDecision';
import { groupMentionsMuted } from './groupMentionsMuted';
import { mobilePreference } from './mobilePreference';
import { noMobileDevice } from './noMobileDevice';
import { onlineOnDesktop } from './onlineOnDesktop';
import { pushDisabled } from './pushDisabled';
import { roomNotificationsDisabled } from './roomNotificationsDisabled';
import { roomTooLarge } from './roomTooLarge';
import { senderIgnored } from './senderIgnored';
import { senderIsRecipient } from './senderIsRecipient';
import { threadNotFollowed } from './threadNotFollowed';
import { userInactiveOrBusy } from './userInactiveOrBusy';

/**
 * The default pipeline, in run order (priorities 10…110, see `DefaultFilterPriority`). Cheap, certain "no"s come
 * first; the preference decides last. Frozen: build a new list (and `orderFilters` it) to add your own.
 */
export const defaultFilters: readonly INotificationFilter[] = Object.freeze([
  pushDisabled,
  senderIsRecipient,
  roomNotificationsDisabled,
  senderIgnored,
  groupMentionsMuted,
  userInactiveOrBusy,
  noMobileDevice,
  onlineOnDesktop,
  threadNotFollowed,
  roomTooLarge,
  mobilePreference,
].map((filter) => Object.freeze(filter)));
