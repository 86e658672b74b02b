/** A device registered for pushes, as stored in `_raix_push_app_tokens`. */

export type PushPlatform = 'apn' | 'gcm';

export type PushTokenValue = { apn: string } | { gcm: string };

export interface IPushToken {
  _id: string;
  token: PushTokenValue;
  /** The app's bundle id / package; for APNs it is the topic. */
  appName: string;
  userId: string;
  /** Hashed login token of the session that registered the device; the device goes when the session goes. */
  authToken?: string;
  enabled: boolean;
  createdAt: Date;
  _updatedAt: Date;
  metadata?: Record<string, unknown>;
}
