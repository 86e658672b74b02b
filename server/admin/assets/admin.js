/*
 * The chat-push admin page: plain script, no framework, no build step, nothing loaded from elsewhere.
 * It talks only to this server's REST API (Rocket.Chat envelope, X-User-Id / X-Auth-Token headers). The login token
 * lives in sessionStorage (gone when the tab closes) and never goes into a URL: the live delivery log is read with
 * fetch streaming, not EventSource, precisely so the token can travel in a header.
 * Everything shown comes from the API and is inserted as text (textContent), never as HTML.
 */
'use strict';

(function () {
  const API = '/api/v1/';
  const SESSION_KEY = 'chat-push-admin-session';
  const MAX_LOG_ROWS = 100;

  const $ = (id) => document.getElementById(id);

  /** el('td', {className: 'x'}, 'text', child): a DOM element with properties and text/element children. */
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null) continue;
      if (key === 'dataset') Object.assign(node.dataset, value);
      else if (key in node) node[key] = value;
      else node.setAttribute(key, value);
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  const time = (value) => (value ? new Date(value).toLocaleTimeString() : '');
  const dateOnly = (value) => (value ? new Date(value).toISOString().slice(0, 10) : '');
  const platformName = (platform) => (platform === 'apn' ? 'iOS (APNs)' : 'Android (FCM)');

  // ------------------------------------------------------------------------------------------------------------
  // Session and API

  let session = readSession();

  function readSession() {
    try {
      const value = JSON.parse(sessionStorage.getItem(SESSION_KEY) || 'null');
      return value && value.userId && value.authToken ? value : null;
    } catch {
      return null;
    }
  }

  function saveSession(value) {
    session = value;
    if (value) sessionStorage.setItem(SESSION_KEY, JSON.stringify(value));
    else sessionStorage.removeItem(SESSION_KEY);
  }

  class ApiFailure extends Error {
    constructor(status, body) {
      super((body && (body.error || body.message)) || `The server answered ${status}`);
      this.status = status;
      this.errorType = body && body.errorType;
    }
  }

  function authHeaders() {
    return session ? { 'x-user-id': session.userId, 'x-auth-token': session.authToken } : {};
  }

  async function api(method, path, body) {
    const headers = authHeaders();
    const init = { method, headers, cache: 'no-store' };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(API + path, init);
    } catch {
      throw new ApiFailure(0, { error: 'The server cannot be reached. Is it still running?' });
    }
    const data = await response.json().catch(() => null);
    if (response.status === 401 && session) {
      signedOut('Your session has ended: sign in again.');
    }
    if (!response.ok || !data || data.success === false) throw new ApiFailure(response.status, data);
    return data;
  }

  /** Shows a result line: text, and whether it is good news or bad. */
  function say(node, text, kind) {
    node.className = `result ${kind || ''}`.trim();
    node.replaceChildren(...(Array.isArray(text) ? text : [text]));
  }

  /** Runs a form's action with its submit button disabled and errors shown in its result region. */
  function handleSubmit(form, resultNode, action) {
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const button = form.querySelector('button[type="submit"]');
      if (button) button.disabled = true;
      say(resultNode, 'Working…');
      try {
        await action();
      } catch (error) {
        say(resultNode, error instanceof ApiFailure ? error.message : `Something went wrong: ${error.message}`, 'error');
      } finally {
        if (button) button.disabled = false;
      }
    });
  }

  // ------------------------------------------------------------------------------------------------------------
  // Sign in / out

  handleSubmit($('sign-in-form'), $('sign-in-result'), async () => {
    let data;
    try {
      data = await api('POST', 'login', { user: $('username').value.trim(), password: $('password').value });
    } catch (error) {
      if (error.status === 401) throw new ApiFailure(401, { error: 'Wrong username or password (or the account is deactivated).' });
      throw error;
    }
    saveSession({ userId: data.data.userId, authToken: data.data.authToken, username: data.data.me.username });
    $('password').value = '';
    await enterConsole();
  });

  $('sign-out').addEventListener('click', async () => {
    try {
      await api('POST', 'logout');
    } catch {
      /* the session may already be gone */
    }
    signedOut('Signed out.');
  });

  function signedOut(message) {
    saveSession(null);
    stopStream();
    $('console').hidden = true;
    $('who').hidden = true;
    $('sign-in').hidden = false;
    say($('sign-in-result'), message || '');
  }

  async function enterConsole() {
    let status;
    try {
      status = await api('GET', 'push.admin.status');
    } catch (error) {
      if (error.status === 403) {
        signedOut('This account is not a workspace admin: sign in as an admin to manage push notifications.');
        return;
      }
      if (error.status === 401) return;
      throw error;
    }
    $('sign-in').hidden = true;
    $('console').hidden = false;
    $('who').hidden = false;
    $('who-name').textContent = session.username || session.userId;
    renderStatus(status);
    fillForms(status);
    await Promise.all([loadDeliveries(), loadSimulators()]);
    startStream();
  }

  // ------------------------------------------------------------------------------------------------------------
  // Status and problems

  async function refreshStatus() {
    const status = await api('GET', 'push.admin.status');
    renderStatus(status);
    return status;
  }

  function renderStatus(status) {
    const errors = status.problems.filter((p) => p.severity === 'error');
    const banner = $('status-banner');
    banner.className = `banner ${errors.length > 0 || !status.pushEnabled ? 'error' : status.healthy && status.problems.length === 0 ? 'ok' : status.healthy ? 'warning' : 'error'}`;
    banner.replaceChildren(`${status.modeLabel}: ${status.summary}`);
    $('problems').replaceChildren(
      ...status.problems.map((problem) =>
        el('li', { className: problem.severity, dataset: { code: problem.code } },
          el('span', { className: 'what' }, problem.message),
          el('span', { className: 'todo' }, problem.action),
          ' ', el('code', {}, problem.code)),
      ),
    );
    $('simulated-banner').hidden = !status.simulators;
    $('status-details').replaceChildren(statusDetails(status));
    renderCredentialState(status);
  }

  function statusDetails(status) {
    const routes = status.routes.length === 0
      ? el('p', { className: 'hint' }, 'No push has been sent since the server started.')
      : el('table', {},
          el('caption', { className: 'visually-hidden' }, 'Delivery routes'),
          el('thead', {}, el('tr', {}, ['Route', 'Circuit', 'Failures in a row', 'Last answer'].map((h) => el('th', { scope: 'col' }, h)))),
          el('tbody', {}, status.routes.map((r) => el('tr', {},
            el('td', {}, r.label),
            el('td', { className: `outcome ${r.status === 'closed' ? 'delivered' : 'rejected'}` }, r.status === 'closed' ? 'closed (working)' : r.status),
            el('td', {}, String(r.consecutiveFailures)),
            el('td', {}, r.lastAnswerAt ? `${time(r.lastAnswerAt)} (${r.lastHealth})` : '—')))));
    const pending = status.outbox.total;
    const cron = status.cron.length === 0 ? 'not run yet' : status.cron.map((j) => `${j.name} ${time(j.at)} ${j.ok ? 'ok' : `failed: ${j.error}`}`).join('; ');
    return el('div', {},
      routes,
      el('dl', { className: 'facts' },
        el('dt', {}, 'Outbox'), el('dd', {}, pending === 0 ? 'empty: nothing waiting' : `${pending} waiting (oldest ${status.outbox.oldestPendingAgeSeconds} s)`),
        el('dt', {}, 'Recent answers'), el('dd', {}, Object.entries(status.recent.byOutcome).map(([k, v]) => `${k}: ${v}`).join(', ') || 'none'),
        el('dt', {}, 'Scheduled jobs'), el('dd', {}, cron),
        el('dt', {}, 'Workspace id'), el('dd', { className: 'mono' }, status.workspaceId),
        status.forcedByEnvironment.length > 0 && el('dt', {}, 'Forced by the environment'),
        status.forcedByEnvironment.length > 0 && el('dd', {}, status.forcedByEnvironment.join(', ')),
        status.simulators && el('dt', {}, 'Simulators'),
        status.simulators && el('dd', { className: 'mono' }, `APNs ${status.simulators.apns} · FCM ${status.simulators.fcm}`)));
  }

  $('refresh-status').addEventListener('click', () => refreshStatus().catch(() => undefined));

  let statusTimer;
  /** Outcomes arrive in bursts: look at the status once the burst is over. */
  function refreshStatusSoon() {
    clearTimeout(statusTimer);
    statusTimer = setTimeout(() => refreshStatus().catch(() => undefined), 1500);
  }

  // ------------------------------------------------------------------------------------------------------------
  // Delivery mode

  function fillForms(status) {
    $(status.mode === 'gateway' ? 'mode-gateway' : 'mode-direct').checked = true;
    $('gateways').value = status.credentials.gateway.urls.join('\n');
    showGatewayFields();
    $('test-username').placeholder = 'your own devices';
  }

  function renderCredentialState(status) {
    const { gateway, apns, fcm } = status.credentials;
    $('gateway-token-state').textContent = gateway.tokenConfigured ? '(set)' : '(not set)';
    const apnsState = $('apns-state');
    if (!apns.configured) apnsState.replaceChildren(el('strong', {}, 'Not set.'), ' Upload a .p8 auth key (or a certificate) to deliver to iPhones yourself.');
    else if (apns.mode === 'token') apnsState.replaceChildren(el('strong', {}, 'Set'), `: auth key ${apns.keyId}, team ${apns.teamId}, ${apns.environment}, fingerprint `, el('code', {}, apns.fingerprint || '?'));
    else apnsState.replaceChildren(el('strong', {}, 'Set'), `: certificate for ${apns.topic || apns.subject}, ${apns.environment}, expires ${dateOnly(apns.expiresAt)} (${apns.daysLeft} days), fingerprint `, el('code', {}, apns.fingerprint || '?'));
    $('fcm-state').replaceChildren(...(fcm.configured
      ? [el('strong', {}, 'Set'), `: project ${fcm.projectId}, ${fcm.clientEmail}, key `, el('code', {}, (fcm.privateKeyId || '').slice(0, 12))]
      : [el('strong', {}, 'Not set.'), ' Upload the Firebase service-account JSON to deliver to Android phones yourself.']));
  }

  function showGatewayFields() {
    $('gateway-fields').hidden = !$('mode-gateway').checked;
  }
  $('mode-gateway').addEventListener('change', showGatewayFields);
  $('mode-direct').addEventListener('change', showGatewayFields);

  handleSubmit($('mode-form'), $('mode-result'), async () => {
    const mode = $('mode-gateway').checked ? 'gateway' : 'direct';
    const body = { mode };
    if (mode === 'gateway') {
      body.gateways = $('gateways').value.split('\n').map((line) => line.trim()).filter(Boolean);
      const token = $('gateway-token').value.trim();
      if (token) body.gatewayToken = token;
    }
    const data = await api('POST', 'push.admin.mode', body);
    $('gateway-token').value = '';
    renderStatus(data.status);
    say($('mode-result'), `Saved: ${data.status.modeLabel}. It applies to the next push, no restart needed.`, 'ok');
  });

  // ------------------------------------------------------------------------------------------------------------
  // Credentials

  function showApnsFields() {
    const token = $('apns-type-token').checked;
    $('apns-token-fields').hidden = !token;
    $('apns-certificate-fields').hidden = token;
  }
  $('apns-type-token').addEventListener('change', showApnsFields);
  $('apns-type-certificate').addEventListener('change', showApnsFields);

  // Apple names the file after the key: AuthKey_ABC123DEFG.p8.
  $('apns-p8').addEventListener('change', () => {
    const file = $('apns-p8').files[0];
    const match = file && /AuthKey_([A-Z0-9]{10})\b/.exec(file.name);
    if (match && !$('apns-key-id').value) $('apns-key-id').value = match[1];
  });

  async function fileText(input, what) {
    const file = input.files[0];
    if (!file) throw new ApiFailure(400, { error: `Choose ${what} first.` });
    if (file.size > 64 * 1024) throw new ApiFailure(400, { error: `${file.name} is ${Math.round(file.size / 1024)} KB: ${what} is a small text file (a few KB).` });
    return file.text();
  }

  function uploadDone(resultNode, data, what) {
    renderStatus(data.status);
    const note = data.simulated ? ' The local simulators accept them too until the next restart (pushes still go to the simulators, not to real phones).' : '';
    say(resultNode, `${what} checked and saved. They apply to the next push, no restart needed.${note}`, 'ok');
  }

  handleSubmit($('apns-form'), $('apns-result'), async () => {
    const production = $('apns-production').checked;
    const apns = $('apns-type-token').checked
      ? { type: 'token', p8: await fileText($('apns-p8'), 'the .p8 key file'), keyId: $('apns-key-id').value.trim(), teamId: $('apns-team-id').value.trim(), production }
      : { type: 'certificate', cert: await fileText($('apns-cert'), 'the certificate file'), key: await fileText($('apns-key'), 'the private key file'), passphrase: $('apns-passphrase').value, production };
    const data = await api('POST', 'push.admin.credentials', { apns });
    $('apns-passphrase').value = '';
    uploadDone($('apns-result'), data, 'APNs credentials');
  });

  handleSubmit($('fcm-form'), $('fcm-result'), async () => {
    const serviceAccount = await fileText($('fcm-file'), 'the service-account JSON file');
    const data = await api('POST', 'push.admin.credentials', { fcm: { serviceAccount } });
    uploadDone($('fcm-result'), data, 'FCM service account');
  });

  // ------------------------------------------------------------------------------------------------------------
  // Test push

  const TEST_OUTCOMES = {
    delivered: 'Delivered',
    'token-removed': 'Token removed — the provider says the app is gone from this device',
    rejected: 'Rejected',
    retrying: 'Retrying',
    expired: 'Expired — no provider accepted it in time',
    pending: 'No answer yet — still queued',
  };

  handleSubmit($('test-form'), $('test-result'), async () => {
    const username = $('test-username').value.trim();
    const data = await api('POST', 'push.admin.test', username ? { username } : {});
    const rows = data.results.map((r) => el('tr', { dataset: { outcome: r.outcome } },
      el('td', {}, platformName(r.platform)),
      el('td', {}, r.appName),
      el('td', {}, el('code', {}, r.token)),
      el('td', { className: `outcome ${r.outcome}` }, TEST_OUTCOMES[r.outcome] || r.outcome),
      el('td', {}, [r.reason, r.status && `HTTP ${r.status}`, r.detail, r.nextAttemptAt && `next try ${time(r.nextAttemptAt)}`].filter(Boolean).join(' · '))));
    const delivered = data.results.filter((r) => r.outcome === 'delivered').length;
    say($('test-result'), [
      el('p', { className: delivered === data.results.length ? 'ok' : 'error' }, `Test push to ${data.username}: ${delivered} of ${data.tokensCount} device${data.tokensCount === 1 ? '' : 's'} delivered.`),
      el('table', { id: 'test-table' },
        el('caption', { className: 'visually-hidden' }, 'Test push results per device'),
        el('thead', {}, el('tr', {}, ['Platform', 'App', 'Device', 'Outcome', 'Details'].map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, rows)),
    ]);
    refreshSimulatorsSoon();
  });

  // ------------------------------------------------------------------------------------------------------------
  // Delivery log (recent list, then live over fetch streaming)

  const OUTCOME_WORDS = {
    delivered: 'delivered', retry: 'retrying', 'invalid-token': 'token removed', rejected: 'rejected', expired: 'expired',
    cancelled: 'cancelled', queued: 'queued', sending: 'sending', error: 'not sent',
  };

  function deliveryRow(d) {
    const outcome = d.state === 'retry' ? 'retry' : d.state;
    return el('tr', { dataset: { id: d.id, state: d.state } },
      el('td', {}, time(d.at)),
      el('td', {}, d.username || d.uid),
      el('td', {}, `${platformName(d.platform)} `, el('code', {}, d.token)),
      el('td', { className: `outcome ${outcome}` }, OUTCOME_WORDS[d.state] || d.state),
      el('td', {}, [d.reason && d.reason !== 'OK' ? d.reason : '', d.status && d.status !== 200 ? `HTTP ${d.status}` : '', d.detail, d.nextAttemptAt ? `next try ${time(d.nextAttemptAt)}` : ''].filter(Boolean).join(' · ')),
      el('td', {}, d.test ? 'test push' : el('button', {
        type: 'button', className: 'link small', textContent: 'Explain',
        title: `Explain message ${d.mid} for ${d.username || d.uid}`,
        onclick: () => explainFrom(d),
      })));
  }

  function addDeliveries(list, atTop) {
    const body = $('delivery-rows');
    for (const d of list) {
      const row = deliveryRow(d);
      const existing = body.querySelector(`tr[data-id="${CSS.escape(d.id)}"]`);
      if (existing) existing.remove();
      if (atTop) body.prepend(row);
      else body.append(row);
    }
    while (body.rows.length > MAX_LOG_ROWS) body.lastElementChild.remove();
    if (body.rows.length === 0) body.append(el('tr', { className: 'empty' }, el('td', { colSpan: 6, className: 'hint' }, 'No push yet. Send a message in a room, or a test push.')));
    else body.querySelectorAll('tr.empty').forEach((row) => row.remove());
  }

  async function loadDeliveries() {
    const data = await api('GET', 'push.admin.deliveries?limit=50');
    $('delivery-rows').replaceChildren();
    addDeliveries(data.deliveries, false);
  }

  let stream = null;

  function stopStream() {
    if (stream) stream.abort();
    stream = null;
  }

  async function startStream() {
    stopStream();
    const controller = new AbortController();
    stream = controller;
    let delay = 1000;
    while (stream === controller && session) {
      try {
        const response = await fetch(API + 'push.admin.deliveries.stream', { headers: authHeaders(), signal: controller.signal, cache: 'no-store' });
        if (response.status === 401 || response.status === 403) {
          signedOut('Your session has ended: sign in again.');
          return;
        }
        if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}`);
        $('stream-state').textContent = 'Live: new deliveries appear as they happen.';
        delay = 1000;
        await readEvents(response.body, (event, data) => {
          if (event !== 'delivery') return;
          addDeliveries([JSON.parse(data)], true);
          refreshSimulatorsSoon();
          refreshStatusSoon();
        });
      } catch (error) {
        if (controller.signal.aborted) return;
      }
      if (stream !== controller) return;
      $('stream-state').textContent = 'Live log disconnected; reconnecting…';
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 15000);
      // Whatever happened while disconnected: reload the recent list.
      await loadDeliveries().catch(() => undefined);
    }
  }

  /** Server-Sent Events over a fetch body: frames end with a blank line; `event:` and `data:` lines matter here. */
  async function readEvents(body, onEvent) {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = 'message';
        const data = [];
        for (const line of frame.split('\n')) {
          if (line.startsWith('event:')) event = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
        }
        if (data.length > 0) onEvent(event, data.join('\n'));
      }
    }
  }

  // ------------------------------------------------------------------------------------------------------------
  // Explain

  function explainFrom(delivery) {
    $('explain-mid').value = delivery.mid;
    $('explain-username').value = delivery.username || '';
    $('explain').scrollIntoView({ behavior: 'smooth', block: 'start' });
    $('explain-form').requestSubmit();
  }

  handleSubmit($('explain-form'), $('explain-result'), async () => {
    const mid = $('explain-mid').value.trim();
    const username = $('explain-username').value.trim();
    const user = await api('GET', `users.info?username=${encodeURIComponent(username)}`);
    const data = await api('GET', `push.explain?mid=${encodeURIComponent(mid)}&uid=${encodeURIComponent(user.user._id)}`);
    const verdict = data.decision === 'notify' ? `${username} is notified` : `${username} is not notified`;
    const recorded = data.recorded
      ? `When the message was sent: ${data.recorded.decision === 'notify' ? 'notified' : 'not notified'} (${data.recorded.reason}${data.recorded.delayed ? ', delayed' : ''}).`
      : 'No decision was recorded when the message was sent (the record expired, or the message predates it).';
    const trace = el('table', { id: 'explain-trace' },
      el('caption', {}, 'Every filter, in order'),
      el('thead', {}, el('tr', {}, ['Filter', 'Result', 'Reason', 'Note'].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, data.trace.map((t) => el('tr', {},
        el('td', {}, el('code', {}, t.filter)),
        el('td', { className: `outcome ${t.result}` }, t.result),
        el('td', {}, t.reason || ''),
        el('td', {}, t.note || '')))));
    const devices = data.devices.length === 0
      ? el('p', { className: 'hint' }, `${username} has no registered device.`)
      : el('table', { id: 'explain-devices' },
          el('caption', {}, 'What happened on each device'),
          el('thead', {}, el('tr', {}, ['Device', 'App', 'Status', 'Attempts', 'Last answer'].map((h) => el('th', { scope: 'col' }, h)))),
          el('tbody', {}, data.devices.map((d) => {
            const last = d.history && d.history[d.history.length - 1];
            return el('tr', {},
              el('td', {}, `${platformName(d.platform)} `, el('code', {}, d.token), d.registered ? '' : ' (removed)'),
              el('td', {}, d.appName),
              el('td', { className: `outcome ${d.status}` }, d.status),
              el('td', {}, String(d.attempts)),
              el('td', {}, last ? `${time(last.at)} ${last.outcome}${last.reason ? ` · ${last.reason}` : ''}${last.detail ? ` · ${last.detail}` : ''}` : '—'));
          })));
    say($('explain-result'), [
      el('p', { className: `banner ${data.decision === 'notify' ? 'ok' : 'warning'}`, id: 'explain-decision' }, `${verdict}: ${data.reason}`),
      el('p', {}, recorded),
      trace,
      devices,
    ]);
  });

  // ------------------------------------------------------------------------------------------------------------
  // Simulated phones

  async function loadSimulators() {
    const data = await api('GET', 'push.admin.simulators?limit=8');
    $('simulators').hidden = !data.running;
    if (!data.running) return;
    $('simulator-endpoints').textContent = `APNs simulator ${data.apns.endpoint} · FCM simulator ${data.fcm.endpoint}`;
    $('devices').replaceChildren(...(data.devices.length === 0
      ? [el('p', { className: 'hint' }, 'No device is registered yet.')]
      : data.devices.map(phoneCard)));
    const tester = $('test-username');
    const firstUser = data.devices.find((d) => d.username && d.username !== (session && session.username));
    if (firstUser && !tester.value) tester.placeholder = `e.g. ${firstUser.username}`;
  }

  function phoneCard(device) {
    const owner = device.username ? `${device.username}'s ` : '';
    return el('article', { className: 'phone', dataset: { token: device.token, platform: device.platform, username: device.username || '' } },
      el('h3', {}, `${owner}${device.platform === 'apn' ? 'iPhone' : 'Android phone'}`),
      el('p', { className: 'meta' }, `SIMULATED · ${platformName(device.platform)} · ${device.appName || 'unknown app'} · `, el('code', {}, device.token),
        device.registered ? '' : ' · no longer registered', ` · ${device.total} push${device.total === 1 ? '' : 'es'}`),
      device.inbox.length === 0
        ? el('p', { className: 'empty' }, 'No push received yet.')
        : el('ol', { 'aria-label': `Inbox of ${owner}${device.platform === 'apn' ? 'iPhone' : 'Android phone'}, newest first` },
            device.inbox.map((push) => el('li', {},
              el('span', { className: 'title' }, push.title || '(no title)'),
              push.body || '',
              ' ', el('time', { dateTime: push.receivedAt }, time(push.receivedAt)),
              push.badge !== undefined ? el('span', { className: 'hint' }, ` · badge ${push.badge}`) : ''))));
  }

  let simulatorTimer;
  function refreshSimulatorsSoon() {
    if ($('simulators').hidden) return;
    clearTimeout(simulatorTimer);
    simulatorTimer = setTimeout(() => loadSimulators().catch(() => undefined), 300);
  }
  $('refresh-devices').addEventListener('click', () => loadSimulators().catch(() => undefined));

  // ------------------------------------------------------------------------------------------------------------

  showApnsFields();
  if (session) {
    enterConsole().catch((error) => signedOut(error.message));
  }
})();
