import type { IPushSettings } from '../../definitions/IPushSettings';
import type { IPushTransportEnv } from '../../definitions/IPushTransportFactory';
import { configurationError as error, configurationWarning as warning, type IConfigurationProblem } from './configurationProblem';
import { diagnoseApnsCredentials } from './diagnoseApnsCredentials';
import { inspectPrivateKey } from './inspectCredentials';
import { parseGatewayList, parseHttpUrl } from './parseGatewayList';
import { parseServiceAccount } from './parseServiceAccount';

export type { IConfigurationProblem } from './configurationProblem';
export { CERT_EXPIRY_WARNING_DAYS } from './diagnoseApnsCredentials';

/**
 * Everything wrong with the push configuration, errors first: the answer to "why does nobody get pushes?" that
 * `push.test`, the admin page and `/healthz` show. Pure: the settings snapshot, the endpoint overrides and the
 * time come in; keys and certificates are parsed with `node:crypto`, nothing is contacted.
 */
export function diagnosePushConfiguration(settings: IPushSettings, env: IPushTransportEnv, now: Date): IConfigurationProblem[] {
  const problems: IConfigurationProblem[] = [];
  if (!settings.Push_enable) {
    problems.push(warning('PUSH_DISABLED', 'Push notifications are disabled.', 'Turn on Push_enable.'));
  }
  if (settings.Troubleshoot_Disable_Notifications) {
    problems.push(warning('NOTIFICATIONS_DISABLED', 'All notifications are disabled for troubleshooting.', 'Turn off Troubleshoot_Disable_Notifications.'));
  }
  problems.push(...(settings.Push_enable_gateway ? diagnoseGateway(settings) : diagnoseDirect(settings, env, now)));
  return problems.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
}

function diagnoseGateway(settings: IPushSettings): IConfigurationProblem[] {
  const problems: IConfigurationProblem[] = [];
  const { urls, invalidLines } = parseGatewayList(settings.Push_gateway);
  if (invalidLines.length > 0) {
    problems.push(error('GATEWAY_URL_INVALID', `Push_gateway line ${invalidLines.join(', ')} is not an http(s) URL.`, 'Put one gateway URL per line, e.g. https://gateway.rocket.chat (no credentials, query or fragment).'));
  }
  if (urls.length === 0) {
    problems.push(error('GATEWAY_URL_MISSING', 'Gateway mode is on but no gateway URL is set.', 'Set Push_gateway, or turn off Push_enable_gateway and configure APNs/FCM credentials.'));
  }
  for (const url of urls) {
    const parsed = new URL(url);
    if (parsed.protocol === 'http:' && !isLoopback(parsed.hostname)) {
      problems.push(warning('GATEWAY_URL_INSECURE', `The gateway ${url} is reached over plain HTTP: the workspace token travels unencrypted.`, 'Use an https:// gateway URL.'));
    }
  }
  if (settings.Push_gateway_token.trim() === '') {
    problems.push(error('GATEWAY_TOKEN_MISSING', 'The gateway token is missing: the gateway will refuse this workspace (401).', 'Set Push_gateway_token to the token the gateway issued to this workspace.'));
  }
  if (settings.uniqueID.trim() === '') {
    problems.push(error('WORKSPACE_ID_MISSING', 'The workspace id (uniqueID) is empty: the gateway cannot tell who is sending.', 'Restart the server once so it generates uniqueID, or set it.'));
  }
  return problems;
}

function diagnoseDirect(settings: IPushSettings, env: IPushTransportEnv, now: Date): IConfigurationProblem[] {
  const apns = diagnoseApnsCredentials(settings, now);
  const fcm = diagnoseFcm(settings);
  const problems = [...apns.problems, ...fcm.problems];
  const severity = apns.entered || fcm.entered ? 'warning' : 'error';
  if (!apns.entered) {
    problems.push({
      code: 'APN_CREDENTIALS_MISSING',
      severity,
      message: 'Direct mode without APNs credentials: iOS devices get no pushes (they wait in the outbox until they expire).',
      action: 'Set a .p8 key with its key id and team id (or a certificate and key), or turn on Push_enable_gateway.',
    });
  }
  if (!fcm.entered) {
    problems.push({
      code: 'FCM_CREDENTIALS_MISSING',
      severity,
      message: 'Direct mode without FCM credentials: Android devices get no pushes (they wait in the outbox until they expire).',
      action: 'Paste the Firebase service-account JSON into Push_google_api_credentials, or turn on Push_enable_gateway.',
    });
  }
  problems.push(...diagnoseEndpoint('APN', env.apnEndpoint, 'PUSH_APN_ENDPOINT', 'Apple'), ...diagnoseEndpoint('FCM', env.fcmEndpoint, 'PUSH_FCM_ENDPOINT', 'Google'));
  return problems;
}

function diagnoseFcm(settings: IPushSettings): { entered: boolean; problems: IConfigurationProblem[] } {
  const parsed = parseServiceAccount(settings.Push_google_api_credentials);
  if (parsed.ok) {
    const key = inspectPrivateKey(parsed.account.private_key);
    const problems =
      key.ok && key.key.asymmetricKeyType === 'rsa'
        ? []
        : [error('FCM_PRIVATE_KEY_INVALID', "The service account's private_key is not an RSA private key in PEM.", 'Download a new JSON key for the service account in the Google Cloud console.')];
    return { entered: true, problems };
  }
  switch (parsed.problem) {
    case 'empty':
      return { entered: false, problems: [] };
    case 'invalid-json':
    case 'not-an-object':
      return { entered: true, problems: [error('FCM_CREDENTIALS_INVALID_JSON', 'Push_google_api_credentials is not a JSON object.', 'Paste the whole service-account JSON file, braces included.')] };
    case 'missing-fields':
      return {
        entered: true,
        problems: [error('FCM_CREDENTIALS_MISSING_FIELDS', `The service-account JSON lacks ${(parsed.missing ?? []).join(', ')}.`, 'Paste the JSON key file of a service account (Firebase console → Project settings → Service accounts).')],
      };
    case 'wrong-type':
      return {
        entered: true,
        problems: [error('FCM_CREDENTIALS_WRONG_TYPE', 'Push_google_api_credentials is not a service-account key (type is not "service_account").', 'Use a service-account JSON key, not an OAuth client or google-services.json.')],
      };
  }
}

function diagnoseEndpoint(prefix: 'APN' | 'FCM', value: string | undefined, variable: string, owner: string): IConfigurationProblem[] {
  if (value === undefined || value.trim() === '') return [];
  const url = parseHttpUrl(value.trim());
  if (!url || (prefix === 'APN' && url.protocol !== 'https:')) {
    return [error(`${prefix}_ENDPOINT_INVALID`, `${variable} is not an ${prefix === 'APN' ? 'https' : 'http(s)'} URL.`, `Set ${variable} to e.g. ${prefix === 'APN' ? 'https://127.0.0.1:8443' : 'http://127.0.0.1:9090'}, or unset it.`)];
  }
  return [warning(`${prefix}_ENDPOINT_OVERRIDDEN`, `${prefix === 'APN' ? 'APNs' : 'FCM'} traffic goes to ${url.host} instead of ${owner} (${variable}).`, `Unset ${variable} to deliver to real devices.`)];
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\./.test(hostname);
}
