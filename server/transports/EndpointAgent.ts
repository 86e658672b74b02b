import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';

export interface EndpointAgentOptions extends https.AgentOptions {
  /** Where every connection goes, whatever host the request names: `http://…` plain TCP, `https://…` TLS. */
  endpoint: string;
}

/**
 * An `https.Agent` that connects every request to one endpoint (`PUSH_FCM_ENDPOINT`), so firebase-admin's calls to
 * `fcm.googleapis.com` and our OAuth calls reach a proxy or the local FCM look-alike. firebase-admin's `send()`
 * uses `https.request` with the app's `httpAgent`, and the agent alone decides what the socket is: for an
 * `http://` endpoint it is plain TCP (the request's `https:` only picks the agent), for `https://` TLS verified
 * against the endpoint's name (and `ca`). Keep-alive pools are per requested host, as usual.
 */
export class EndpointAgent extends https.Agent {
  private readonly target: URL;

  constructor(options: EndpointAgentOptions) {
    const { endpoint, ...agentOptions } = options;
    super(agentOptions);
    this.target = new URL(endpoint);
  }

  override createConnection(options: tls.ConnectionOptions, callback?: (error: Error | null, socket: Duplex) => void): Duplex {
    const host = this.target.hostname.replace(/^\[|\]$/g, '');
    if (this.target.protocol === 'http:') {
      const port = Number(this.target.port || 80);
      const socket = net.connect({ host, port });
      if (callback) socket.once('connect', () => callback(null, socket));
      return socket;
    }
    const port = Number(this.target.port || 443);
    const servername = net.isIP(host) ? undefined : host;
    const socket = tls.connect({ ...options, host, port, servername, ALPNProtocols: ['http/1.1'] });
    if (callback) socket.once('secureConnect', () => callback(null, socket));
    return socket;
  }
}
