import type { IMessage } from '../../definitions/IMessage';

/**
 * Whether `userId` follows the thread started by `parent`: they are in its `replies` (followers, kept by the
 * host), or they wrote the parent (a thread's author follows it even before anyone replied).
 */
export function isThreadFollower(
  parent: Pick<IMessage, 'u' | 'replies'> | null | undefined,
  userId: string,
): boolean {
  if (!parent) return false;
  return parent.u._id === userId || (parent.replies?.includes(userId) ?? false);
}
