import type { IMessage } from '../../../definitions/IMessage';
import type { IPushSettings } from '../../../definitions/IPushSettings';
import type { IRoom } from '../../../definitions/IRoom';
import type { IUserRef } from '../../../definitions/IUser';
import { buildPushNotification, IPushNotificationInput } from '../../../lib/payload/buildPushNotification';
import { hash31, notificationId } from '../../../lib/payload/notificationId';
import { ELLIPSIS } from '../../../lib/payload/truncate';
import { aDirectRoom, aMessage, aRoom, aSettings, aSubscription, aUser, SENDER } from '../filters/fixtures';

function build(o: {
  message?: Partial<IMessage>;
  room?: IRoom;
  sender?: IUserRef;
  settings?: Partial<IPushSettings>;
  badge?: number;
  recipientUsername?: string;
} = {}) {
  const room = o.room ?? aRoom();
  const input: IPushNotificationInput = {
    message: aMessage({ rid: room._id, ...o.message }),
    room,
    sender: o.sender ?? SENDER,
    recipient: { user: aUser(o.recipientUsername ? { username: o.recipientUsername } : {}), subscription: aSubscription() },
    badge: o.badge ?? 3,
    settings: aSettings(o.settings),
  };
  return buildPushNotification(input);
}

describe('buildPushNotification: title and body', () => {
  it.each<[string, Parameters<typeof build>[0], string, string]>([
    ['channel: #room, "sender: text"', {}, '#general', 'alice: hello world'],
    ['private group: #room too', { room: aRoom({ t: 'p', name: 'secret-team' }) }, '#secret-team', 'alice: hello world'],
    ['DM: the sender, the bare text', { room: aDirectRoom() }, 'alice', 'hello world'],
    ['real names in a channel', { settings: { UI_Use_Real_Name: true } }, '#general', 'Alice Liddell: hello world'],
    ['real names in a DM', { room: aDirectRoom(), settings: { UI_Use_Real_Name: true } }, 'Alice Liddell', 'hello world'],
    ['real names, sender without a name', { sender: { _id: 'x', username: 'xavier' }, settings: { UI_Use_Real_Name: true } }, '#general', 'xavier: hello world'],
    ['names hidden in a channel', { settings: { Push_show_username_room: false } }, '', 'hello world'],
    ['names hidden in a DM', { room: aDirectRoom(), settings: { Push_show_username_room: false } }, '', 'hello world'],
    ['message hidden in a channel', { settings: { Push_show_message: false } }, '#general', 'alice: You have a new message'],
    ['message hidden in a DM', { room: aDirectRoom(), settings: { Push_show_message: false } }, 'alice', 'You have a new message'],
    ['names and message hidden', { settings: { Push_show_message: false, Push_show_username_room: false } }, '', 'You have a new message'],
    ['an empty text reads as a new message', { message: { msg: '   ' } }, '#general', 'alice: You have a new message'],
    ['privacy mode', { settings: { Push_request_content_from_server: true } }, '', 'You have a new message'],
    ['privacy mode in a DM', { room: aDirectRoom(), settings: { Push_request_content_from_server: true } }, '', 'You have a new message'],
    ['the room display name when it has no name', { room: aRoom({ name: undefined, fname: 'Général' }) }, '#Général', 'alice: hello world'],
  ])('%s', (_name, overrides, title, body) => {
    const push = build(overrides);
    expect({ title: push.title, body: push.body }).toEqual({ title, body });
  });

  it('rewrites resolved @mentions as real names when UI_Use_Real_Name is on', () => {
    const message = {
      msg: '@bob and @carol., see @all and @dave; mail x@bob.com; @bob@elsewhere',
      mentions: [
        { _id: 'b', username: 'bob', name: 'Bob Builder' },
        { _id: 'c', username: 'carol', name: 'Carol' },
        { _id: 'd', username: 'dave' },
      ],
    };
    expect(build({ message, room: aDirectRoom(), settings: { UI_Use_Real_Name: true } }).body).toBe(
      'Bob Builder and Carol., see @all and @dave; mail x@bob.com; @bob@elsewhere',
    );
    expect(build({ message, room: aDirectRoom() }).body).toBe(message.msg);
  });
});

describe('buildPushNotification: payload', () => {
  it('carries the message, room and sender for the app', () => {
    const push = build({ message: { _id: 'm1' }, settings: { UI_Use_Real_Name: true } });
    expect(push.payload).toEqual({
      host: 'https://chat.example.com',
      rid: 'room-1',
      messageId: 'm1',
      sender: { _id: SENDER._id, username: 'alice' },
      senderName: 'Alice Liddell',
      type: 'c',
      name: 'general',
      notificationType: 'message',
    });
  });

  it('includes the system message type and the thread id when set', () => {
    const push = build({ message: { t: 'uj', tmid: 'parent-1' } });
    expect(push.payload).toMatchObject({ messageType: 'uj', tmid: 'parent-1', notificationType: 'message' });
  });

  it('has no room name in a DM (the app opens it by the sender)', () => {
    const push = build({ room: aDirectRoom() });
    expect(push.payload).toEqual({
      host: 'https://chat.example.com',
      rid: 'alice-idbob-id',
      messageId: 'msg-1',
      sender: { _id: SENDER._id, username: 'alice' },
      senderName: 'alice',
      type: 'd',
      notificationType: 'message',
    });
  });

  it('leaves out senderName when names are hidden', () => {
    const push = build({ settings: { Push_show_username_room: false } });
    expect(push.payload.senderName).toBeUndefined();
    expect(push.payload.rid).toBe('room-1');
  });

  it('sends only ids in privacy mode: no rid, sender, names or thread', () => {
    const push = build({ message: { _id: 'm9', tmid: 'parent-1', t: 'uj' }, settings: { Push_request_content_from_server: true } });
    expect(push.payload).toEqual({ host: 'https://chat.example.com', messageId: 'm9', notificationType: 'message-id-only' });
    expect(JSON.stringify(push)).not.toMatch(/alice|general|hello/);
  });
});

describe('buildPushNotification: delivery fields', () => {
  it('sets badge, sound, from and the per-room grouping', () => {
    const push = build({ badge: 7 });
    expect(push.badge).toBe(7);
    expect(push.sound).toBe('default');
    expect(push.from).toBe('push');
    expect(push.threadId).toBe('room-1');
    expect(push.notId).toBe(notificationId('workspace-1', 'room-1'));
  });

  it.each([
    [-2, 0],
    [Number.NaN, 0],
    [2.7, 2],
  ])('normalizes badge %p to %p', (badge, expected) => {
    expect(build({ badge }).badge).toBe(expected);
  });

  it.each<[string, Parameters<typeof build>[0], 'MESSAGE' | 'MESSAGE_NOREPLY']>([
    ['a normal room', {}, 'MESSAGE'],
    ['a read-only room', { room: aRoom({ ro: true }) }, 'MESSAGE_NOREPLY'],
    ['the recipient muted in the room', { room: aRoom({ muted: ['carol', 'bob'] }) }, 'MESSAGE_NOREPLY'],
    ['someone else muted in the room', { room: aRoom({ muted: ['carol'] }) }, 'MESSAGE'],
    ['a DM', { room: aDirectRoom() }, 'MESSAGE'],
    ['privacy mode in a read-only room', { room: aRoom({ ro: true }), settings: { Push_request_content_from_server: true } }, 'MESSAGE_NOREPLY'],
  ])('category for %s', (_name, overrides, category) => {
    expect(build(overrides).category).toBe(category);
  });
});

describe('notId', () => {
  it('is the same for every message of a room and differs between rooms and workspaces', () => {
    const a1 = build({ message: { _id: 'm1' } }).notId;
    const a2 = build({ message: { _id: 'm2', msg: 'other' } }).notId;
    const b = build({ room: aRoom({ _id: 'room-2' }) }).notId;
    const otherWorkspace = build({ settings: { uniqueID: 'workspace-2' } }).notId;
    expect(a1).toBe(a2);
    expect(b).not.toBe(a1);
    expect(otherWorkspace).not.toBe(a1);
  });

  it('is a positive 31-bit integer', () => {
    for (let i = 0; i < 2000; i++) {
      const id = notificationId('ws', `room-${i}`);
      expect(Number.isInteger(id)).toBe(true);
      expect(id).toBeGreaterThan(0);
      expect(id).toBeLessThanOrEqual(0x7fffffff);
    }
  });

  it('is FNV-1a over UTF-8 (known vectors, top bit dropped)', () => {
    // FNV-1a 32: "" → 0x811c9dc5, "a" → 0xe40c292c, "foobar" → 0xbf9cf968.
    expect(hash31('')).toBe(0x811c9dc5 & 0x7fffffff);
    expect(hash31('a')).toBe(0xe40c292c & 0x7fffffff);
    expect(hash31('foobar')).toBe(0xbf9cf968 & 0x7fffffff);
    expect(hash31('ws|room-1')).toBe(notificationId('ws', 'room-1'));
  });

  it('hashes non-ASCII by its UTF-8 bytes', () => {
    // "é" is C3 A9 in UTF-8; hashing those two bytes by hand must give the same number.
    let h = 0x811c9dc5;
    for (const byte of [0xc3, 0xa9]) h = Math.imul(h ^ byte, 0x01000193);
    expect(hash31('é')).toBe((h & 0x7fffffff) || 1);
    expect(hash31('😀')).not.toBe(hash31('\uFFFD'));
  });
});

describe('truncation', () => {
  it('cuts a long title to 65 characters with an ellipsis', () => {
    const push = build({ room: aRoom({ name: 'x'.repeat(100) }) });
    expect(push.title.length).toBe(65);
    expect(push.title.endsWith(ELLIPSIS)).toBe(true);
    expect(push.title.startsWith('#xxx')).toBe(true);
  });

  it('cuts a long body to 240 characters', () => {
    const push = build({ message: { msg: 'word '.repeat(100) } });
    expect(push.body.length).toBeLessThanOrEqual(240);
    expect(push.body.startsWith('alice: word word')).toBe(true);
    expect(push.body.endsWith(ELLIPSIS)).toBe(true);
  });

  it('never splits an emoji, a ZWJ sequence or a flag in a long body', () => {
    const family = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}';
    const text = `${family}🇯🇵😀`.repeat(40);
    const push = build({ room: aDirectRoom(), message: { msg: text } });
    expect(push.body.length).toBeLessThanOrEqual(240);
    const kept = push.body.slice(0, -1);
    expect(text.startsWith(kept)).toBe(true);
    const segments = [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)].map((s) => s.index);
    expect(segments).toContain(kept.length);
    expect(push.body).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  });

  it('cuts CJK text per character', () => {
    const push = build({ room: aDirectRoom(), message: { msg: '漢'.repeat(300) } });
    expect(push.body).toBe('漢'.repeat(239) + ELLIPSIS);
  });

  it('leaves short texts alone', () => {
    expect(build({ message: { msg: '短い' } }).body).toBe('alice: 短い');
  });
});

describe('thread messages', () => {
  it('keeps the room grouping and names the thread in the payload', () => {
    const push = build({ message: { tmid: 'parent-1', msg: 'reply' } });
    expect(push.threadId).toBe('room-1');
    expect(push.notId).toBe(build().notId);
    expect(push.payload.tmid).toBe('parent-1');
    expect(push.body).toBe('alice: reply');
  });

  it('a message outside a thread has no tmid', () => {
    expect('tmid' in build().payload).toBe(false);
  });
});
