import type { IHost } from '../../definitions/IHost';

/**
 * `http://HOST:PORT` of the running server, from the socket itself: usable in an `onListen` hook, before the host
 * has recorded its URL in `Site_Url`.
 */
export function listeningUrl(host: IHost): string {
  const address = host.http.server.address();
  if (address && typeof address === 'object') {
    const name = address.address.includes(':') ? `[${address.address}]` : address.address;
    return `http://${name}:${address.port}`;
  }
  return String(host.settings.get('Site_Url') ?? '');
}
