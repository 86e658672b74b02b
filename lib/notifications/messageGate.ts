import type { IMessage } from '../../definitions/IMessage';
import type { IPushSettings } from '../../definitions/IPushSettings';
import type { ReasonCode } from '../../definitions/INotificationDecision';

/** Messages older than this when saved are imports or replays: nobody is woken up for them. */
export const MAX_MESSAGE_AGE_MS = 60_000;

/**
 * Message-level gates, checked once before anyone's pipeline runs (Rocket.Chat's `sendAllNotifications`):
 * the troubleshooting kill switch, edited messages (the original already notified), and imports (a message whose
 * timestamp is more than 60 s away from now). Returns the reason to stop, or null to go on.
 */
export function messageGate(message: Pick<IMessage, 'editedAt' | 'ts' | 'imported'>, settings: Pick<IPushSettings, 'Troubleshoot_Disable_Notifications'>, now: Date): ReasonCode | null {
  if (settings.Troubleshoot_Disable_Notifications) return 'NOTIFICATIONS_TROUBLESHOOT_DISABLED';
  if (message.editedAt) return 'MESSAGE_EDITED';
  if (message.imported || Math.abs(now.getTime() - new Date(message.ts).getTime()) > MAX_MESSAGE_AGE_MS) {
    return 'MESSAGE_IMPORTED_OR_OLD';
  }
  return null;
}
