import type { ICredentialsDescription } from '../../../lib/delivery/describeCredentials';
import type { IAdminProblem } from './diagnoseDeliveries';

/** Topics one certificate covers: the bundle id and the suffixed ones Apple's universal certificates list. */
const SUFFIXES = ['', '.voip', '.complication'];

/**
 * Before anything is sent: iOS devices registered for an app (their `appName` is the APNs topic) that the
 * configured push certificate is not for. Their pushes would all be refused (`DeviceTokenNotForTopic`,
 * `TopicDisallowed`). Token auth (.p8) covers every app of the team, so only certificates are checked. Pure.
 */
export function diagnoseDeviceTopics(credentials: ICredentialsDescription, iosAppNames: readonly string[]): IAdminProblem[] {
  const { apns } = credentials;
  if (credentials.mode !== 'direct' || apns.mode !== 'certificate' || !apns.configured || !apns.topic) return [];
  const topic = apns.topic;
  const others = iosAppNames.filter((app) => !SUFFIXES.some((suffix) => app === `${topic}${suffix}`));
  if (others.length === 0) return [];
  const list = others.slice(0, 5).join(', ') + (others.length > 5 ? ` and ${others.length - 5} more` : '');
  return [
    {
      code: 'APN_TOPIC_MISMATCH',
      severity: 'error',
      message: `iOS devices are registered for ${list}, but the APNs certificate is for ${topic}: APNs will refuse their pushes.`,
      action: `Upload a push certificate for each of these apps (or a .p8 key of their team), or register the app as ${topic}.`,
      source: 'devices',
    },
  ];
}
