import { defaultFilters } from '../../../lib/filters/defaultFilters';
import { evaluateFilters } from '../../../lib/filters/evaluateFilters';
import type { INotificationDecision } from '../../../definitions/INotificationDecision';
import {
  aContext,
  aDirectRoom,
  aRoom,
  aToken,
  atAll,
  atHere,
  IContextOverrides,
  mentioned,
  RECIPIENT_ID,
  SENDER,
  threadReply,
} from './fixtures';

type Case = [name: string, overrides: IContextOverrides, decision: 'notify' | 'skip', reason: string];

function decide(overrides: IContextOverrides): INotificationDecision {
  return evaluateFilters(aContext(overrides), defaultFilters);
}

function expectDecision(overrides: IContextOverrides, decision: 'notify' | 'skip', reason: string): INotificationDecision {
  const result = decide(overrides);
  expect({ decision: result.decision, reason: result.reason }).toEqual({ decision, reason });
  return result;
}

const largeRoom = aRoom({ usersCount: 500 });

describe('default pipeline: the seed conditions, both sides', () => {
  it.each<Case>([
    ['the ordinary case is sent', {}, 'notify', 'PREFERENCE_ALL'],

    ['Push_enable off → not sent', { settings: { Push_enable: false } }, 'skip', 'PUSH_DISABLED'],
    [
      'Troubleshoot_Disable_Notifications on → not sent',
      { settings: { Troubleshoot_Disable_Notifications: true } },
      'skip',
      'NOTIFICATIONS_TROUBLESHOOT_DISABLED',
    ],
    ['the sender themself → not sent', { user: { _id: SENDER._id } }, 'skip', 'SENDER_IS_RECIPIENT'],

    ['1. room notifications disabled → not sent', { subscription: { disableNotifications: true } }, 'skip', 'ROOM_NOTIFICATIONS_DISABLED'],
    ['1. room notifications explicitly enabled → sent', { subscription: { disableNotifications: false } }, 'notify', 'PREFERENCE_ALL'],
    [
      '1. disabled room notifications win over a mention and a DM',
      { room: aDirectRoom(), mentions: mentioned, subscription: { disableNotifications: true } },
      'skip',
      'ROOM_NOTIFICATIONS_DISABLED',
    ],

    ['2. the user ignores the sender → not sent', { subscription: { ignored: ['x', SENDER._id] } }, 'skip', 'SENDER_IGNORED'],
    ['2. the user ignores someone else → sent', { subscription: { ignored: ['someone-else'] } }, 'notify', 'PREFERENCE_ALL'],
    ['2. ignoring wins over a mention', { subscription: { ignored: [SENDER._id] }, mentions: mentioned }, 'skip', 'SENDER_IGNORED'],

    ['3. @all with group mentions muted → not sent', { subscription: { muteGroupMentions: true }, mentions: atAll }, 'skip', 'GROUP_MENTIONS_MUTED'],
    ['3. @here with group mentions muted → not sent', { subscription: { muteGroupMentions: true }, mentions: atHere }, 'skip', 'GROUP_MENTIONS_MUTED'],
    ['3. @all with group mentions not muted → sent', { mentions: atAll }, 'notify', 'GROUP_MENTION'],
    ['3. muted group mentions, plain message → sent', { subscription: { muteGroupMentions: true } }, 'notify', 'PREFERENCE_ALL'],
    [
      '3. @all with group mentions muted but mentioned personally → sent',
      { subscription: { muteGroupMentions: true }, mentions: { toAll: true, userIds: [RECIPIENT_ID] } },
      'notify',
      'MENTIONED',
    ],
    [
      '3. @all with group mentions muted but highlighted → sent',
      { subscription: { muteGroupMentions: true }, mentions: atAll, isHighlighted: true },
      'notify',
      'HIGHLIGHTED',
    ],
    [
      '3. @all with group mentions muted in a thread the user follows → sent',
      { subscription: { muteGroupMentions: true }, mentions: atAll, message: threadReply, isThreadFollower: true },
      'notify',
      'THREAD_FOLLOWER',
    ],
    [
      '3. @all with group mentions muted, someone else mentioned → not sent',
      { subscription: { muteGroupMentions: true }, mentions: { toAll: true, userIds: ['carol-id'] } },
      'skip',
      'GROUP_MENTIONS_MUTED',
    ],

    ['4. inactive user → not sent', { user: { active: false } }, 'skip', 'USER_INACTIVE'],
    ['4. busy user → not sent', { user: { status: 'busy' } }, 'skip', 'USER_BUSY'],
    ['4. away user → sent', { user: { status: 'away' } }, 'notify', 'PREFERENCE_ALL'],
    ['4. busy but mentioned → not sent (busy wins)', { user: { status: 'busy' }, mentions: mentioned }, 'skip', 'USER_BUSY'],
    ['4. busy in a DM → not sent (busy wins)', { user: { status: 'busy' }, room: aDirectRoom() }, 'skip', 'USER_BUSY'],
    ['4. inactive and busy → inactive is reported', { user: { active: false, status: 'busy' } }, 'skip', 'USER_INACTIVE'],

    ['5. no device → not sent', { tokens: [] }, 'skip', 'NO_MOBILE_DEVICE'],
    ['5. only disabled devices → not sent', { tokens: [aToken({ enabled: false })] }, 'skip', 'NO_MOBILE_DEVICE'],
    [
      '5. one enabled device among disabled ones → sent',
      { tokens: [aToken({ enabled: false }), aToken({ _id: 't2', token: { gcm: 'g' } })] },
      'notify',
      'PREFERENCE_ALL',
    ],

    ['6. online on desktop → not sent', { user: { statusConnection: 'online' } }, 'skip', 'USER_ONLINE'],
    [
      '6. online with "always notify mobile" on → sent',
      { user: { statusConnection: 'online' }, preferences: { alwaysNotifyMobile: true } },
      'notify',
      'PREFERENCE_ALL',
    ],
    [
      '6. online with "always notify mobile" explicitly off → not sent',
      { user: { statusConnection: 'online' }, preferences: { alwaysNotifyMobile: false } },
      'skip',
      'USER_ONLINE',
    ],
    ['6. away connection → sent', { user: { statusConnection: 'away' } }, 'notify', 'PREFERENCE_ALL'],
    ['6. online and mentioned → still not sent with strategy skip', { user: { statusConnection: 'online' }, mentions: mentioned }, 'skip', 'USER_ONLINE'],

    ['7. room preference nothing → not sent', { subscription: { mobilePushNotifications: 'nothing' } }, 'skip', 'PREFERENCE_NOTHING'],
    ['7. room preference all → sent', { subscription: { mobilePushNotifications: 'all' } }, 'notify', 'PREFERENCE_ALL'],
    ['7. account preference nothing → not sent', { preferences: { pushNotifications: 'nothing' } }, 'skip', 'PREFERENCE_NOTHING'],
    [
      '7. server default nothing → not sent',
      { settings: { Accounts_Default_User_Preferences_pushNotifications: 'nothing' } },
      'skip',
      'PREFERENCE_NOTHING',
    ],
    ['7. preference nothing stops a DM too', { room: aDirectRoom(), subscription: { mobilePushNotifications: 'nothing' } }, 'skip', 'PREFERENCE_NOTHING'],
    ['7. preference nothing stops a mention too', { mentions: mentioned, preferences: { pushNotifications: 'nothing' } }, 'skip', 'PREFERENCE_NOTHING'],

    [
      '8. room over the limit, not addressed → not sent',
      { room: largeRoom, settings: { Notifications_Max_Room_Members: 100 } },
      'skip',
      'ROOM_TOO_LARGE',
    ],
    ['8. room exactly at the limit → sent', { room: aRoom({ usersCount: 100 }) }, 'notify', 'PREFERENCE_ALL'],
    ['8. limit 0 means no limit → sent', { room: aRoom({ usersCount: 100000 }), settings: { Notifications_Max_Room_Members: 0 } }, 'notify', 'PREFERENCE_ALL'],
    ['8. mentioned in a large room → sent', { room: largeRoom, mentions: mentioned }, 'notify', 'MENTIONED'],
    ['8. highlighted in a large room → sent', { room: largeRoom, isHighlighted: true }, 'notify', 'HIGHLIGHTED'],
    [
      '8. thread follower in a large room → sent',
      { room: largeRoom, message: threadReply, isThreadFollower: true },
      'notify',
      'THREAD_FOLLOWER',
    ],
    ['8. @all in a large room → not sent (not personal)', { room: largeRoom, mentions: atAll }, 'skip', 'ROOM_TOO_LARGE'],
    [
      '8. explicit room preference all in a large room → sent',
      { room: largeRoom, subscription: { mobilePushNotifications: 'all', mobilePrefOrigin: 'subscription' } },
      'notify',
      'PREFERENCE_ALL',
    ],
    [
      '8. room preference all without an origin counts as explicit → sent',
      { room: largeRoom, subscription: { mobilePushNotifications: 'all' } },
      'notify',
      'PREFERENCE_ALL',
    ],
    [
      '8. account preference all copied to the room is not explicit → not sent',
      { room: largeRoom, subscription: { mobilePushNotifications: 'all', mobilePrefOrigin: 'user' } },
      'skip',
      'ROOM_TOO_LARGE',
    ],
    ['8. account preference all (not copied) is not explicit → not sent', { room: largeRoom, preferences: { pushNotifications: 'all' } }, 'skip', 'ROOM_TOO_LARGE'],
    [
      '8. explicit room preference mentions in a large room → not sent',
      { room: largeRoom, subscription: { mobilePushNotifications: 'mentions' } },
      'skip',
      'ROOM_TOO_LARGE',
    ],
  ])('%s', (_name, overrides, decision, reason) => {
    expectDecision(overrides, decision, reason);
  });
});

describe('default pipeline: the preference cascade (room → account → server default)', () => {
  it.each<Case>([
    ['room nothing overrides account all', { subscription: { mobilePushNotifications: 'nothing' }, preferences: { pushNotifications: 'all' } }, 'skip', 'PREFERENCE_NOTHING'],
    ['room all overrides account nothing', { subscription: { mobilePushNotifications: 'all' }, preferences: { pushNotifications: 'nothing' } }, 'notify', 'PREFERENCE_ALL'],
    [
      "room 'default' means unset: the account preference applies",
      { subscription: { mobilePushNotifications: 'default' as never }, preferences: { pushNotifications: 'nothing' } },
      'skip',
      'PREFERENCE_NOTHING',
    ],
    [
      'account all overrides server default nothing',
      { preferences: { pushNotifications: 'all' }, settings: { Accounts_Default_User_Preferences_pushNotifications: 'nothing' } },
      'notify',
      'PREFERENCE_ALL',
    ],
    [
      'account unset: server default mentions applies to a plain message',
      { settings: { Accounts_Default_User_Preferences_pushNotifications: 'mentions' } },
      'skip',
      'NOT_MENTIONED',
    ],
    [
      'an invalid server default falls back to all',
      { settings: { Accounts_Default_User_Preferences_pushNotifications: 'bogus' as never } },
      'notify',
      'PREFERENCE_ALL',
    ],
    [
      'the subscription copy wins over a changed account preference',
      { subscription: { mobilePushNotifications: 'nothing', mobilePrefOrigin: 'user' }, preferences: { pushNotifications: 'all' } },
      'skip',
      'PREFERENCE_NOTHING',
    ],
  ])('%s', (_name, overrides, decision, reason) => {
    expectDecision(overrides, decision, reason);
  });

  it.each<[string, IContextOverrides, string]>([
    ['room', { subscription: { mobilePushNotifications: 'nothing' } }, "room preference 'nothing' (set on the room)"],
    ['account (copied)', { subscription: { mobilePushNotifications: 'nothing', mobilePrefOrigin: 'user' } }, "account preference 'nothing' (copied to the room)"],
    ['account', { preferences: { pushNotifications: 'nothing' } }, "account preference 'nothing'"],
    ['server default', { settings: { Accounts_Default_User_Preferences_pushNotifications: 'nothing' } }, "server default 'nothing'"],
  ])('the note names the level: %s', (_level, overrides, note) => {
    const result = decide(overrides);
    expect(result.trace[result.trace.length - 1]).toEqual({
      filter: 'mobilePreference',
      result: 'skip',
      reason: 'PREFERENCE_NOTHING',
      note,
    });
  });
});

describe("default pipeline: preference 'mentions'", () => {
  const mentionsOnly = { subscription: { mobilePushNotifications: 'mentions' as const } };
  it.each<Case>([
    ['plain message → not sent', { ...mentionsOnly }, 'skip', 'NOT_MENTIONED'],
    ['personal mention → sent', { ...mentionsOnly, mentions: mentioned }, 'notify', 'MENTIONED'],
    ['someone else mentioned → not sent', { ...mentionsOnly, mentions: { userIds: ['carol-id'] } }, 'skip', 'NOT_MENTIONED'],
    ['highlight → sent', { ...mentionsOnly, isHighlighted: true }, 'notify', 'HIGHLIGHTED'],
    ['DM → sent', { ...mentionsOnly, room: aDirectRoom() }, 'notify', 'DIRECT_MESSAGE'],
    ['@all → sent', { ...mentionsOnly, mentions: atAll }, 'notify', 'GROUP_MENTION'],
    ['@here → not sent', { ...mentionsOnly, mentions: atHere }, 'skip', 'NOT_MENTIONED'],
    ['reply in a followed thread → sent', { ...mentionsOnly, message: threadReply, isThreadFollower: true }, 'notify', 'THREAD_FOLLOWER'],
    [
      'a follower flag without a thread reply does not count',
      { ...mentionsOnly, isThreadFollower: true },
      'skip',
      'NOT_MENTIONED',
    ],
  ])('%s', (_name, overrides, decision, reason) => {
    expectDecision(overrides, decision, reason);
  });
});

describe("default pipeline: preference 'all' names the most specific reason", () => {
  it.each<Case>([
    ['mention', { mentions: { toAll: true, userIds: [RECIPIENT_ID] }, isHighlighted: true }, 'notify', 'MENTIONED'],
    ['highlight', { mentions: atAll, isHighlighted: true }, 'notify', 'HIGHLIGHTED'],
    ['DM', { room: aDirectRoom() }, 'notify', 'DIRECT_MESSAGE'],
    ['DM with a mention', { room: aDirectRoom(), mentions: mentioned }, 'notify', 'MENTIONED'],
    ['@all', { mentions: atAll }, 'notify', 'GROUP_MENTION'],
    ['@here is not a reason of its own', { mentions: atHere }, 'notify', 'PREFERENCE_ALL'],
  ])('%s', (_name, overrides, decision, reason) => {
    expectDecision(overrides, decision, reason);
  });
});

describe('default pipeline: threads', () => {
  it.each<Case>([
    ['follower → sent', { message: threadReply, isThreadFollower: true }, 'notify', 'THREAD_FOLLOWER'],
    ['non-follower → not sent', { message: threadReply }, 'skip', 'THREAD_NOT_FOLLOWED'],
    ['mentioned non-follower → sent', { message: threadReply, mentions: mentioned }, 'notify', 'MENTIONED'],
    ['highlighted non-follower → sent', { message: threadReply, isHighlighted: true }, 'notify', 'HIGHLIGHTED'],
    ['@all in a thread does not reach non-followers', { message: threadReply, mentions: atAll }, 'skip', 'THREAD_NOT_FOLLOWED'],
    ['DM thread, not following → sent', { message: threadReply, room: aDirectRoom() }, 'notify', 'DIRECT_MESSAGE'],
    [
      'reply also sent to the room (tshow) reaches non-followers',
      { message: { tmid: 'parent-1', tshow: true } },
      'notify',
      'PREFERENCE_ALL',
    ],
    [
      'follower with preference nothing → not sent',
      { message: threadReply, isThreadFollower: true, preferences: { pushNotifications: 'nothing' } },
      'skip',
      'PREFERENCE_NOTHING',
    ],
  ])('%s', (_name, overrides, decision, reason) => {
    expectDecision(overrides, decision, reason);
  });
});

describe('default pipeline: interactions', () => {
  it('mentioned in a large room → sent, MENTIONED', () => {
    expectDecision({ room: largeRoom, mentions: mentioned }, 'notify', 'MENTIONED');
  });

  it('@all with muted group mentions → not sent', () => {
    expectDecision({ mentions: atAll, subscription: { muteGroupMentions: true } }, 'skip', 'GROUP_MENTIONS_MUTED');
  });

  it('@all with muted group mentions but personally mentioned → sent', () => {
    expectDecision(
      { mentions: { toAll: true, userIds: [RECIPIENT_ID] }, subscription: { muteGroupMentions: true } },
      'notify',
      'MENTIONED',
    );
  });

  it('busy but mentioned → not sent, USER_BUSY', () => {
    expectDecision({ user: { status: 'busy' }, mentions: mentioned }, 'skip', 'USER_BUSY');
  });

  it('online with always-notify on → sent', () => {
    expectDecision({ user: { statusConnection: 'online' }, preferences: { alwaysNotifyMobile: true } }, 'notify', 'PREFERENCE_ALL');
  });

  it('online with the delay strategy → notify with delaySeconds and the preference reason', () => {
    const result = expectDecision(
      {
        user: { statusConnection: 'online' },
        mentions: mentioned,
        settings: { Push_online_strategy: 'delay', Push_online_delay_seconds: 90 },
      },
      'notify',
      'MENTIONED',
    );
    expect(result.delaySeconds).toBe(90);
    expect(result.trace.find((e) => e.filter === 'onlineOnDesktop')).toMatchObject({ result: 'delay', reason: 'ONLINE_DELAYED' });
  });

  it('online with the delay strategy but a later rule says no → skip, no delay', () => {
    const result = expectDecision(
      {
        user: { statusConnection: 'online' },
        preferences: { pushNotifications: 'nothing' },
        settings: { Push_online_strategy: 'delay', Push_online_delay_seconds: 90 },
      },
      'skip',
      'PREFERENCE_NOTHING',
    );
    expect(result.delaySeconds).toBeUndefined();
  });

  it('online with the delay strategy and a delay of 0 → sent at once', () => {
    const result = expectDecision(
      { user: { statusConnection: 'online' }, settings: { Push_online_strategy: 'delay', Push_online_delay_seconds: 0 } },
      'notify',
      'PREFERENCE_ALL',
    );
    expect(result.delaySeconds).toBeUndefined();
  });

  it('offline users are never delayed', () => {
    const result = decide({ settings: { Push_online_strategy: 'delay', Push_online_delay_seconds: 90 } });
    expect(result.delaySeconds).toBeUndefined();
  });

  it('@here with preference mentions → not sent', () => {
    expectDecision({ mentions: atHere, subscription: { mobilePushNotifications: 'mentions' } }, 'skip', 'NOT_MENTIONED');
  });

  it('DM with the account preference mentions → sent', () => {
    expectDecision({ room: aDirectRoom(), preferences: { pushNotifications: 'mentions' } }, 'notify', 'DIRECT_MESSAGE');
  });

  it('a DM is never too large, even with an absurd limit of 1', () => {
    expectDecision({ room: aDirectRoom(), settings: { Notifications_Max_Room_Members: 1 } }, 'notify', 'DIRECT_MESSAGE');
  });
});

describe('default pipeline: the trace', () => {
  it('lists every default filter in order when the user is notified', () => {
    const result = decide({});
    expect(result.trace.map((e) => e.filter)).toEqual([
      'pushDisabled',
      'senderIsRecipient',
      'roomNotificationsDisabled',
      'senderIgnored',
      'groupMentionsMuted',
      'userInactiveOrBusy',
      'noMobileDevice',
      'onlineOnDesktop',
      'threadNotFollowed',
      'roomTooLarge',
      'mobilePreference',
    ]);
    expect(result.trace.slice(0, -1).every((e) => e.result === 'pass')).toBe(true);
    expect(result.trace[result.trace.length - 1]).toEqual({
      filter: 'mobilePreference',
      result: 'notify',
      reason: 'PREFERENCE_ALL',
      note: "server default 'all'",
    });
  });

  it('stops at the filter that skipped, with its note', () => {
    const result = decide({ user: { status: 'busy' } });
    expect(result.trace.map((e) => e.filter)).toEqual([
      'pushDisabled',
      'senderIsRecipient',
      'roomNotificationsDisabled',
      'senderIgnored',
      'groupMentionsMuted',
      'userInactiveOrBusy',
    ]);
    expect(result.trace[5]).toEqual({ filter: 'userInactiveOrBusy', result: 'skip', reason: 'USER_BUSY', note: "the user's status is busy" });
  });

  it('explains why a filter let a message through', () => {
    const result = decide({ room: largeRoom, subscription: { mobilePushNotifications: 'all' } });
    expect(result.trace.find((e) => e.filter === 'roomTooLarge')).toEqual({
      filter: 'roomTooLarge',
      result: 'pass',
      note: "large room, but the room preference is 'all'",
    });
  });

  it('says how large the room is when it is too large', () => {
    const result = decide({ room: largeRoom });
    expect(result.trace[result.trace.length - 1]).toEqual({
      filter: 'roomTooLarge',
      result: 'skip',
      reason: 'ROOM_TOO_LARGE',
      note: '500 members, over the limit of 100',
    });
  });
});
