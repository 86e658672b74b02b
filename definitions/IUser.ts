/** A user as stored in the `users` collection (Rocket.Chat shape, the subset this module reads and writes). */

/** The status a user chose (`busy` suppresses pushes) or the presence computed from connections. */
export type UserStatus = 'online' | 'away' | 'busy' | 'offline';

/** A mobile push preference, on the account or on one room's subscription. */
export type PushPreference = 'all' | 'mentions' | 'nothing';

export interface IUserPreferences {
  /** Account-wide mobile push preference; unset means the server default applies. */
  pushNotifications?: PushPreference;
  /** Push to mobile even while connected on desktop. */
  alwaysNotifyMobile?: boolean;
  /** Words that count as a personal mention (case-insensitive, whole words). */
  highlights?: string[];
  language?: string;
}

export interface ILoginToken {
  /** sha256(base64) of the token handed to the client; the token itself is never stored. */
  hashedToken: string;
  when: Date;
}

export interface IUserEmail {
  address: string;
  verified: boolean;
}

export interface IUser {
  _id: string;
  username: string;
  name?: string;
  emails?: IUserEmail[];
  type?: 'user' | 'bot';
  active: boolean;
  /** The status shown to others (what the user picked, or their presence). */
  status: UserStatus;
  /** Presence of the user's connections: `online` means a desktop/web client is connected and active. */
  statusConnection: UserStatus;
  statusText?: string;
  roles: string[];
  settings?: { preferences?: IUserPreferences };
  services?: {
    password?: { scrypt: string };
    resume?: { loginTokens: ILoginToken[] };
  };
  createdAt: Date;
  _updatedAt: Date;
}

/** The sender of a message as embedded in it. */
export interface IUserRef {
  _id: string;
  username: string;
  name?: string;
}
