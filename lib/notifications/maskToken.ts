/**
 * A device token as admins may see it: enough to tell devices apart, never enough to push to them (a token is a
 * credential to reach that phone). Keeps the last 6 characters.
 */
export function maskToken(token: string): string {
  if (token.length <= 6) return '…';
  return `…${token.slice(-6)}`;
}
