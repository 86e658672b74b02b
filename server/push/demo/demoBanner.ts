import type { IDemoWorkspace } from './demoWorkspace';

export interface IDemoBannerInput {
  workspace: IDemoWorkspace;
  /** http://HOST:PORT of this server. */
  url: string;
  simulators: { apns: string; fcm: string };
  /** Shown when it was generated; undefined when the operator chose it (DEMO_PASSWORD). */
  generatedPassword?: string;
}

const PLATFORM_NAMES = { apn: 'iPhone (APNs)', gcm: 'Android (FCM)' } as const;

/**
 * What a newcomer reads right after `npm start`: who can sign in, what is simulated, where the admin page is, and
 * three curl commands that send a message and show it arriving on the simulated phones. Pure.
 */
export function demoBanner({ workspace, url, simulators, generatedPassword }: IDemoBannerInput): string {
  const names = workspace.users.map((u) => u.username);
  const people = `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  const password = generatedPassword ?? '<DEMO_PASSWORD>';
  const phones = workspace.users.map((u) => `${u.username}: ${u.devices.map((d) => PLATFORM_NAMES[d.platform]).join(' + ')}`).join(', ');
  const [sender, recipient] = workspace.direct.usernames;
  const rule = '─'.repeat(78);
  return [
    rule,
    ' chat-push DEMO WORKSPACE — SIMULATED phones: pushes go to local APNs/FCM simulators, never to real phones',
    rule,
    generatedPassword
      ? ` Users ${people}, password: ${generatedPassword}   (shown only this once)`
      : ` Users ${people}, with the password from DEMO_PASSWORD`,
    ` Rooms: #${workspace.channel.name} (everyone) rid ${workspace.channel.rid}; direct message ${sender} ↔ ${recipient} rid ${workspace.direct.rid}`,
    ` Simulated phones: ${phones}`,
    ` Admin page: ${url}/admin  (sign in as the admin: status, test push, live deliveries, the phones' inboxes)`,
    ` Try it: sign in as ${sender}, send to #${workspace.channel.name}, look at the simulated phones:`,
    `   curl -s ${url}/api/v1/login -H 'content-type: application/json' -d '{"user":"${sender}","password":"${password}"}'`,
    `   curl -s ${url}/api/v1/chat.sendMessage -H 'content-type: application/json' \\`,
    `     -H 'X-User-Id: <data.userId from above>' -H 'X-Auth-Token: <data.authToken from above>' \\`,
    `     -d '{"message":{"rid":"${workspace.channel.rid}","msg":"Hello @${recipient}"}}'`,
    `   curl -s '${simulators.fcm}/_sim/inbox?limit=5'     # the Android phones (FCM simulator)`,
    `   curl -sk '${simulators.apns}/_sim/inbox?limit=5'   # the iPhones (APNs simulator)`,
    ` Why was someone (not) notified? GET ${url}/api/v1/push.explain?mid=<message id>&uid=<user id>, or the admin page.`,
    rule,
    '',
  ].join('\n');
}
