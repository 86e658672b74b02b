/**
 * Plain-object fixtures for the decision and payload tests. Each builder returns a complete, valid object with
 * the given overrides applied; the defaults describe the ordinary case (an offline, active member of a small
 * public channel with one device, receiving a plain message from someone else), which the default pipeline
 * notifies with reason PREFERENCE_ALL.
 */
import type { IMessage } from '../../../definitions/IMessage';
import type { IMentionSummary, INotificationContext } from '../../../definitions/INotificationDecision';
import type { IPushSettings } from '../../../definitions/IPushSettings';
import type { IPushToken } from '../../../definitions/IPushToken';
import type { IRoom } from '../../../definitions/IRoom';
import type { ISubscription } from '../../../definitions/ISubscription';
import type { IUser, IUserPreferences, IUserRef } from '../../../definitions/IUser';

export const NOW = new Date('2024-05-01T12:00:00.000Z');
export const SENDER: IUserRef = { _id: 'alice-id', username: 'alice', name: 'Alice Liddell' };
export const RECIPIENT_ID = 'bob-id';

export function aSettings(overrides: Partial<IPushSettings> = {}): IPushSettings {
  return {
    Push_enable: true,
    Troubleshoot_Disable_Notifications: false,
    Push_enable_gateway: true,
    Push_gateway: 'https://gateway.rocket.chat',
    Push_gateway_token: '',
    Push_production: true,
    Push_apn_auth_type: 'token',
    Push_apn_p8_key: '',
    Push_apn_key_id: '',
    Push_apn_team_id: '',
    Push_apn_cert: '',
    Push_apn_key: '',
    Push_apn_passphrase: '',
    Push_apn_dev_cert: '',
    Push_apn_dev_key: '',
    Push_apn_dev_passphrase: '',
    Push_google_api_credentials: '',
    Push_show_username_room: true,
    Push_show_message: true,
    Push_request_content_from_server: false,
    Push_online_strategy: 'skip',
    Push_online_delay_seconds: 120,
    Notifications_Max_Room_Members: 100,
    Accounts_Default_User_Preferences_pushNotifications: 'all',
    UI_Use_Real_Name: false,
    uniqueID: 'workspace-1',
    Site_Url: 'https://chat.example.com',
    Push_max_attempts: 10,
    Push_max_age_seconds: 86400,
    ...overrides,
  };
}

export function aUser(overrides: Partial<IUser> = {}, preferences?: Partial<IUserPreferences>): IUser {
  const user: IUser = {
    _id: RECIPIENT_ID,
    username: 'bob',
    name: 'Bob Builder',
    active: true,
    status: 'offline',
    statusConnection: 'offline',
    roles: ['user'],
    createdAt: NOW,
    _updatedAt: NOW,
    ...overrides,
  };
  if (preferences !== undefined) user.settings = { preferences: { ...preferences } };
  return user;
}

export function aRoom(overrides: Partial<IRoom> = {}): IRoom {
  return { _id: 'room-1', t: 'c', name: 'general', usersCount: 10, msgs: 1, ts: NOW, _updatedAt: NOW, ...overrides };
}

export function aDirectRoom(overrides: Partial<IRoom> = {}): IRoom {
  return aRoom({
    _id: 'alice-idbob-id',
    t: 'd',
    name: undefined,
    usersCount: 2,
    usernames: ['alice', 'bob'],
    uids: [SENDER._id, RECIPIENT_ID],
    ...overrides,
  });
}

export function aSubscription(overrides: Partial<ISubscription> = {}): ISubscription {
  return {
    _id: 'sub-1',
    rid: 'room-1',
    u: { _id: RECIPIENT_ID, username: 'bob' },
    t: 'c',
    name: 'general',
    open: true,
    alert: false,
    unread: 0,
    userMentions: 0,
    groupMentions: 0,
    ts: NOW,
    _updatedAt: NOW,
    ...overrides,
  };
}

export function aMessage(overrides: Partial<IMessage> = {}): IMessage {
  return { _id: 'msg-1', rid: 'room-1', msg: 'hello world', u: SENDER, ts: NOW, _updatedAt: NOW, ...overrides };
}

export function aToken(overrides: Partial<IPushToken> = {}): IPushToken {
  return {
    _id: 'token-1',
    token: { apn: 'a'.repeat(64) },
    appName: 'chat.rocket.ios',
    userId: RECIPIENT_ID,
    enabled: true,
    createdAt: NOW,
    _updatedAt: NOW,
    ...overrides,
  };
}

export interface IContextOverrides {
  message?: Partial<IMessage>;
  room?: IRoom;
  sender?: IUserRef;
  user?: Partial<IUser>;
  preferences?: Partial<IUserPreferences>;
  subscription?: Partial<ISubscription>;
  tokens?: IPushToken[];
  mentions?: Partial<IMentionSummary>;
  isHighlighted?: boolean;
  isThreadFollower?: boolean;
  settings?: Partial<IPushSettings>;
}

/** One recipient's context; `mentions.userIds` may name RECIPIENT_ID to mention the recipient. */
export function aContext(o: IContextOverrides = {}): INotificationContext {
  const room = o.room ?? aRoom();
  return {
    message: aMessage({ rid: room._id, ...o.message }),
    room,
    sender: o.sender ?? SENDER,
    recipient: {
      user: aUser(o.user, o.preferences),
      subscription: aSubscription({ rid: room._id, t: room.t, ...o.subscription }),
      tokens: o.tokens ?? [aToken()],
    },
    mentions: { toAll: false, toHere: false, userIds: [], ...o.mentions },
    isThreadFollower: o.isThreadFollower ?? false,
    isHighlighted: o.isHighlighted ?? false,
    settings: aSettings(o.settings),
    now: NOW,
  };
}

/** Shorthands for the common context tweaks. */
export const mentioned: Partial<IMentionSummary> = { userIds: [RECIPIENT_ID] };
export const atAll: Partial<IMentionSummary> = { toAll: true };
export const atHere: Partial<IMentionSummary> = { toHere: true };
export const threadReply: Partial<IMessage> = { tmid: 'parent-1' };
