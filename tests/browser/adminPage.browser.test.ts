import type { Browser, Page } from './playwright';
import { generateApnsSigningKey, generateServiceAccount } from '../../server/simulators';
import { demoPasswordFrom, startServer, ADMIN_PASSWORD, type StartedServer } from '../e2e/start/startedServer';
import { artifact, launchChromium } from './chromium';

// The admin page driven in headless Chromium against the real server (`start()`, embedded database, simulators,
// demo workspace). Settings are checked through the API, not only on the page.

let env: StartedServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  [env, browser] = await Promise.all([startServer(), launchChromium()]);
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(8000);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    // Chromium logs every 4xx answer as a failed resource; the refusals this test provokes are expected.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) pageErrors.push(message.text());
  });
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await env?.stop();
});

const settings = () => env.server.host.settings.pushSettings();

describe('the admin page', () => {
  it('signs in: a wrong password and a non-admin account are told why, an admin gets the console', async () => {
    await page.goto(`${env.url}/admin`);
    await expectVisible('#sign-in-form');
    expect(await page.title()).toContain('Push notifications');

    await page.getByLabel('Username or e-mail').fill('admin');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectText('#sign-in-result', 'Wrong username or password');

    await page.getByLabel('Username or e-mail').fill('alice');
    await page.getByLabel('Password').fill(demoPasswordFrom(env.stdout()));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectText('#sign-in-result', 'not a workspace admin');
    expect(await page.locator('#console').isHidden()).toBe(true);

    await page.getByLabel('Username or e-mail').fill('admin');
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectVisible('#console');
    await expectText('#status-banner', 'Self-configured');
    await expectText('#simulated-banner', 'SIMULATED — pushes do not reach real phones');
    await expectText('#problems', 'simulators');
    await expectText('#apns-state', 'fingerprint');
    await expectVisible('#simulators article.phone');
    // The login token stays in this tab's session storage, never in the address.
    expect(page.url()).toBe(`${env.url}/admin`);
    await page.screenshot({ path: artifact('admin-signed-in.png'), fullPage: true });
  });

  it('switches to the push gateway and back, applied at once', async () => {
    await page.locator('#mode-gateway').check();
    await expectVisible('#gateway-fields');
    await page.getByLabel('Gateway URLs').fill('https://gateway.example.org\nhttps://backup.example.org');
    await page.getByLabel('Gateway token').fill('browser-gateway-token');
    await page.getByRole('button', { name: 'Save delivery mode' }).click();
    await expectText('#mode-result', 'Saved: Push gateway');
    expect(settings()).toEqual(expect.objectContaining({
      Push_enable_gateway: true,
      Push_gateway: 'https://gateway.example.org\nhttps://backup.example.org',
      Push_gateway_token: 'browser-gateway-token',
    }));
    expect(await page.getByLabel('Gateway token').inputValue()).toBe('');
    await expectText('#gateway-token-state', '(set)');
    await expectText('#status-banner', 'Push gateway');

    await page.locator('#mode-direct').check();
    expect(await page.locator('#gateway-fields').isHidden()).toBe(true);
    await page.getByRole('button', { name: 'Save delivery mode' }).click();
    await expectText('#mode-result', 'Saved: Self-configured');
    expect(settings().Push_enable_gateway).toBe(false);
    expect(settings().Push_gateway_token).toBe('browser-gateway-token');
  });

  it('refuses a bad service account and a non-key .p8 with a clear error, changing nothing', async () => {
    const before = settings();
    await page.locator('#fcm-file').setInputFiles({ name: 'service-account.json', mimeType: 'application/json', buffer: Buffer.from('{"type": "service_account", "project_id": ') });
    await page.getByRole('button', { name: 'Upload FCM service account' }).click();
    await expectText('#fcm-result', 'not a JSON object');
    expect(await page.locator('#fcm-result').getAttribute('class')).toContain('error');

    await page.locator('#apns-p8').setInputFiles({ name: 'AuthKey_ABCDE12345.p8', mimeType: 'application/octet-stream', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]) });
    expect(await page.getByLabel('Key ID').inputValue()).toBe('ABCDE12345'); // read from Apple's file name
    await page.getByLabel('Team ID').fill('TEAM123456');
    await page.getByRole('button', { name: 'Upload APNs credentials' }).click();
    await expectText('#apns-result', 'not an APNs auth key');
    expect(settings()).toEqual(before);
    await page.screenshot({ path: artifact('admin-upload-refused.png'), fullPage: true });
  });

  it('uploads a valid .p8 key and service account: saved, described without the secret, no restart', async () => {
    const key = generateApnsSigningKey();
    const account = generateServiceAccount({ projectId: 'browser-project' });
    await page.getByLabel('Key ID').fill('');
    await page.locator('#apns-p8').setInputFiles({ name: `AuthKey_${key.keyId}.p8`, mimeType: 'application/octet-stream', buffer: Buffer.from(key.p8) });
    await page.getByLabel('Team ID').fill(key.teamId);
    await page.getByRole('button', { name: 'Upload APNs credentials' }).click();
    await expectText('#apns-result', 'checked and saved');
    await expectText('#apns-state', `auth key ${key.keyId}, team ${key.teamId}`);
    expect(settings()).toEqual(expect.objectContaining({ Push_apn_p8_key: key.p8, Push_apn_key_id: key.keyId, Push_apn_team_id: key.teamId, Push_apn_auth_type: 'token' }));

    await page.locator('#fcm-file').setInputFiles({ name: 'browser-project-firebase-adminsdk.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(account, null, 2)) });
    await page.getByRole('button', { name: 'Upload FCM service account' }).click();
    await expectText('#fcm-result', 'checked and saved');
    await expectText('#fcm-state', 'project browser-project');
    expect(JSON.parse(settings().Push_google_api_credentials).private_key_id).toBe(account.private_key_id);

    const html = await page.content();
    for (const secret of [key.p8.split('\n')[1], account.private_key.split('\n')[1]]) expect(html).not.toContain(secret);
  });

  it('sends a test push and shows it in the simulated phones', async () => {
    await page.getByLabel('To the devices of').fill('carol');
    await page.getByRole('button', { name: 'Send a test push' }).click();
    await expectText('#test-result', 'Test push to carol: 2 of 2 devices delivered');
    expect(await page.locator('#test-table tbody tr[data-outcome="delivered"]').count()).toBe(2);
    await page.locator('#test').screenshot({ path: artifact('admin-test-push.png') });

    const carolsIphone = page.locator('#simulators article.phone[data-username="carol"][data-platform="apn"]');
    await carolsIphone.getByText('This is a push test message').first().waitFor();
    // It really went out with the key uploaded a moment ago.
    const iphone = env.demo!.workspace!.users.find((u) => u.username === 'carol')!.devices.find((d) => d.platform === 'apn')!;
    const pushes = env.simulators().apns.inbox(iphone.token);
    expect(pushes.at(-1)!.auth).toEqual(expect.objectContaining({ keyId: settings().Push_apn_key_id }));
  });

  it('shows a chat message in the live log, then explains who was notified and why', async () => {
    const alice = await env.api.login('alice', demoPasswordFrom(env.stdout()));
    const text = `Lunch at noon, @bob? ${Date.now()}`;
    const sent = await env.api.post('chat.sendMessage', { message: { rid: env.demo!.workspace!.channel.rid, msg: text } }, alice);
    expect(sent.status).toBe(200);
    const mid = sent.body.message._id as string;

    const row = page.locator(`#delivery-rows tr[data-id^="${mid}:"]`).filter({ hasText: 'bob' });
    await row.filter({ hasText: 'delivered' }).waitFor();
    await page.locator('#simulators article.phone[data-username="bob"]').getByText(text).waitFor();

    await row.getByRole('button', { name: 'Explain' }).click();
    await expectText('#explain-decision', 'bob is notified');
    await expectText('#explain-trace', 'mobilePreference');
    expect(await page.locator('#explain-trace tbody tr').count()).toBeGreaterThanOrEqual(8);
    await expectText('#explain-devices', 'delivered');
    await page.screenshot({ path: artifact('admin-explain.png'), fullPage: true });
    await page.locator('#explain').screenshot({ path: artifact('admin-explain-section.png') });
    await page.locator('#simulators').screenshot({ path: artifact('admin-simulated-phones.png') });

    await page.getByLabel('Username', { exact: true }).fill('alice');
    await page.getByRole('button', { name: 'Explain', exact: true }).last().click();
    await expectText('#explain-decision', 'alice is not notified: SENDER_IS_RECIPIENT');
  });

  it('raised no script error', () => {
    expect(pageErrors).toEqual([]);
  });
});

async function expectVisible(selector: string): Promise<void> {
  await page.locator(selector).first().waitFor({ state: 'visible' });
}

/** Waits until the element's text contains `text` (the page updates asynchronously). */
async function expectText(selector: string, text: string): Promise<void> {
  const locator = page.locator(selector);
  try {
    await locator.filter({ hasText: text }).first().waitFor({ state: 'attached' });
  } catch {
    throw new Error(`${selector} never contained "${text}"; it shows: "${(await locator.first().textContent().catch(() => '?'))?.trim()}"`);
  }
}
