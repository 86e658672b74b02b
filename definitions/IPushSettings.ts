import type { PushPreference } from './IUser';

/** How a recipient who is online on desktop is treated. */
export type OnlineStrategy = 'skip' | 'delay';

/** Self-configured APNs authentication. */
export type ApnAuthType = 'token' | 'certificate';

/**
 * A frozen snapshot of every setting the push module reads. `lib/` receives it as an argument and never reads
 * settings itself; `server/` rebuilds it whenever a setting it depends on changes.
 */
export interface IPushSettings {
  Push_enable: boolean;
  Troubleshoot_Disable_Notifications: boolean;
  /** Deliver through the push gateway(s) (true) or directly with the workspace's own credentials (false). */
  Push_enable_gateway: boolean;
  /** One gateway URL per line; tried in order (failover). */
  Push_gateway: string;
  /** Secret: the bearer token the gateway issued to this workspace. */
  Push_gateway_token: string;
  Push_production: boolean;
  Push_apn_auth_type: ApnAuthType;
  /** Token auth (.p8). */
  Push_apn_p8_key: string;
  Push_apn_key_id: string;
  Push_apn_team_id: string;
  /** Certificate auth, production. */
  Push_apn_cert: string;
  Push_apn_key: string;
  Push_apn_passphrase: string;
  /** Certificate auth, sandbox. */
  Push_apn_dev_cert: string;
  Push_apn_dev_key: string;
  Push_apn_dev_passphrase: string;
  /** The FCM service-account JSON. */
  Push_google_api_credentials: string;
  Push_show_username_room: boolean;
  Push_show_message: boolean;
  /** Privacy mode: pushes carry only ids; the app fetches the content with `push.get`. */
  Push_request_content_from_server: boolean;
  Push_online_strategy: OnlineStrategy;
  Push_online_delay_seconds: number;
  /** Rooms with more members than this only notify personal mentions (0 = no limit). */
  Notifications_Max_Room_Members: number;
  Accounts_Default_User_Preferences_pushNotifications: PushPreference;
  UI_Use_Real_Name: boolean;
  /** The workspace id, sent to the gateway as `uniqueId`. */
  uniqueID: string;
  /** Public URL of the workspace, sent in the payload as `host`. */
  Site_Url: string;
  /** Delivery tuning. */
  Push_max_attempts: number;
  Push_max_age_seconds: number;
}
