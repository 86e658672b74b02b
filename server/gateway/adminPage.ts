import type { IGatewayHealth } from './GatewayCore';
import type { IWorkspaceView } from './types';

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** The admin page: workspaces with quota and this month's usage, and what the gateway delivers to. No secrets. */
export function renderAdminPage(workspaces: IWorkspaceView[], health: IGatewayHealth, prefix: string): string {
  const rows = workspaces
    .map((w) => {
      const quota = w.monthlyQuota === null ? 'unlimited' : String(w.monthlyQuota);
      const share = w.monthlyQuota ? Math.min(100, Math.round((w.usage / w.monthlyQuota) * 100)) : 0;
      return `<tr class="${w.status}">
  <td>${escapeHtml(w.name)}</td><td><code>${escapeHtml(w.id)}</code></td>
  <td><code>${w.uniqueId ? escapeHtml(w.uniqueId) : '<em>bound by first push</em>'}</code></td>
  <td>${w.status}</td><td class="num">${w.usage}</td>
  <td class="num">${quota}${w.quotaSource === 'default' ? ' <small>(default)</small>' : ''}</td>
  <td>${w.monthlyQuota ? `<meter min="0" max="100" low="80" high="95" optimum="0" value="${share}">${share}%</meter> ${share}%` : ''}</td>
  <td>${w.topics ? escapeHtml(w.topics.join(', ')) : 'any'}</td>
</tr>`;
    })
    .join('\n');
  const provider = (name: string, p: { configured: boolean; description?: string }) =>
    `<li>${name}: ${p.configured ? `configured${p.description ? ` (${escapeHtml(p.description)})` : ''}` : '<strong>not configured</strong>'}</li>`;
  const routes = health.routes.map((r) => `<li><code>${escapeHtml(r.route)}</code>: circuit ${r.status}</li>`).join('');
  const month = workspaces[0]?.month ?? '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>chat-push gateway</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1d2330}
table{border-collapse:collapse;width:100%}th,td{padding:.4rem .6rem;border-bottom:1px solid #e2e5ea;text-align:left}
th{font-weight:600;background:#f6f7f9}.num{text-align:right;font-variant-numeric:tabular-nums}
tr.revoked{color:#8a8f98;text-decoration:line-through}.warn{background:#fff4e5;padding:.6rem 1rem;border-radius:6px}
code{font-size:.9em}
</style></head><body>
<h1>Push gateway</h1>
${health.providers.simulated ? '<p class="warn">Deliveries go to the <strong>local push simulators</strong>, not Apple and Google (no provider credentials were configured).</p>' : ''}
<p>Database: ${health.database.ok ? 'reachable' : `<strong>${escapeHtml(health.database.detail ?? 'unreachable')}</strong>`}.
Pending pushes: ${health.outbox ? Object.values(health.outbox.pending).reduce((a, b) => a + b, 0) : '?'}.</p>
<ul>${provider('APNs', health.providers.apn)}${provider('FCM', health.providers.gcm)}${routes}</ul>
<h2>Workspaces${month ? ` — usage in ${escapeHtml(month)} (UTC)` : ''}</h2>
<table><thead><tr><th>Name</th><th>Id</th><th>uniqueId</th><th>Status</th><th class="num">Used</th><th class="num">Quota</th><th></th><th>Topics</th></tr></thead>
<tbody>
${rows || '<tr><td colspan="8">No workspace yet: <code>node dist/server/gateway/cli.js workspace add --name NAME</code></td></tr>'}
</tbody></table>
<p><small>JSON: <code>GET ${escapeHtml(prefix)}/admin/workspaces</code> · metrics: <code>${escapeHtml(prefix)}/metrics</code> · health: <code>${escapeHtml(prefix)}/healthz</code></small></p>
</body></html>`;
}
