import type { PushPlatform } from '../../../definitions/IPushToken';

/** The demo people: who they are and which simulated phones they carry. */
export const DEMO_PEOPLE = [
  { username: 'alice', name: 'Alice Anders', devices: ['apn'] },
  { username: 'bob', name: 'Bob Brandt', devices: ['gcm'] },
  { username: 'carol', name: 'Carol Chen', devices: ['apn', 'gcm'] },
] as const satisfies ReadonlyArray<{ username: string; name: string; devices: readonly PushPlatform[] }>;

/** The channel every demo person is in. */
export const DEMO_CHANNEL = 'demo';

/** The app ids the official Rocket.Chat apps register with (the APNs topic on iOS). */
export const DEMO_APP_NAMES: Record<PushPlatform, string> = { apn: 'chat.rocket.ios', gcm: 'chat.rocket.android' };

export interface IDemoDevice {
  platform: PushPlatform;
  appName: string;
  /** The full simulated token (the simulators' inboxes are keyed by it). */
  token: string;
}

export interface IDemoUser {
  _id: string;
  username: string;
  devices: IDemoDevice[];
}

/** What the seeding created (no password: it is shown once on standard output, and never kept). */
export interface IDemoWorkspace {
  users: IDemoUser[];
  channel: { rid: string; name: string };
  /** The direct message between the first two people. */
  direct: { rid: string; usernames: [string, string] };
}
