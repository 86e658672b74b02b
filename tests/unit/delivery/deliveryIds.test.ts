import { apnsIdFor, collapseIdFor } from '../../../lib/delivery/deliveryIds';

const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('apnsIdFor', () => {
  it('is a version-5 RFC 4122 UUID', () => {
    expect(apnsIdFor('msg-1:user-1:token-1')).toMatch(UUID_V5);
  });

  it('is the same for the same key (every retry, every instance)', () => {
    expect(apnsIdFor('msg-1:user-1:token-1')).toBe(apnsIdFor('msg-1:user-1:token-1'));
  });

  it('is stable across releases (changing it would break deduplication of in-flight pushes)', () => {
    // A pinned vector: ids of pushes queued before an upgrade must not change after it.
    expect(apnsIdFor('msg-1:user-1:token-1')).toBe('6d9d0745-c964-5994-987c-2443d68d7056');
    expect(apnsIdFor('')).toMatch(UUID_V5);
  });

  it('differs for different keys', () => {
    const ids = new Set(Array.from({ length: 1000 }, (_, i) => apnsIdFor(`msg-${i}:user:token`)));
    expect(ids.size).toBe(1000);
  });

  it('handles non-ASCII keys', () => {
    expect(apnsIdFor('msg-ü:😀:t')).not.toBe(apnsIdFor('msg-u:😀:t'));
  });
});

describe('collapseIdFor', () => {
  it('is the same for the same message and user, on every device and across releases', () => {
    expect(collapseIdFor('msg-1', 'user-1')).toBe(collapseIdFor('msg-1', 'user-1'));
    expect(collapseIdFor('msg-1', 'user-1')).toBe('cObS5E32TyuoGfaB191Vq6');
  });

  it('differs by message and by user, and cannot be confused by separators', () => {
    const ids = [collapseIdFor('msg-1', 'user-1'), collapseIdFor('msg-2', 'user-1'), collapseIdFor('msg-1', 'user-2'), collapseIdFor('msg-1u', 'ser-1')];
    expect(new Set(ids).size).toBe(4);
  });

  it('fits the 64-byte apns-collapse-id limit and is URL-safe', () => {
    const id = collapseIdFor('x'.repeat(500), 'y'.repeat(500));
    expect(Buffer.byteLength(id)).toBeLessThanOrEqual(64);
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});
