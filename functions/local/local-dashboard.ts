import type { IncomingMessage, ServerResponse } from 'node:http';
import { paySession } from '../app/pay-session';
import { forgetWebhookDelivery } from '../app/record-delivery-status';
import { deliveryKey, type DeliveryMessage } from '../domain/deliveries';
import type { SessionEvent } from '../domain/events';
import { escapeHtml } from '../domain/notification-message';
import { renderSession, type Session } from '../domain/session';
import { baseUrlOf } from '../handlers/http/base-url';
import type { ActivityLog, Activity } from './activity-log';
import type { EmbeddedPorts } from './embedded-ports';

const SESSION_PATH = /^\/_local\/sessions\/([0-9a-f]{40})(?:\/(pay|redeliver-webhook))?$/;
const MAX_BODY = 64 * 1024;

/**
 * The embedded runtime's console in a browser and its sandbox helpers (never deployed):
 * GET /_local/ lists the sessions, newest first; GET /_local/sessions/{id} shows one with its
 * events, webhook attempts, e-mails and SMS and a button that redelivers its latest webhook;
 * POST /_local/sessions/{id}/pay runs the hosted page's pay use case with a JSON card, as
 * Stripe's test helpers do, and answers the session document.
 */
export function localDashboard(ports: EmbeddedPorts, activity: ActivityLog) {
  const events: SessionEvent[] = [];
  ports.sessions.onCommit((committed) => events.push(...committed));

  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = new URL(`http://localhost/${(req.url ?? '/').replace(/^\/+/, '')}`).pathname.replace(/\/+$/, '') || '/';
    if (req.method === 'GET' && path === '/_local') {
      send(res, 200, 'text/html; charset=utf-8', listPage(ports.sessions.list()));
      return true;
    }
    const match = SESSION_PATH.exec(path);
    if (!match) return false;
    const [, sessionId, action] = match as unknown as [string, string, string | undefined];
    const session = await ports.sessions.get(sessionId);
    if (!session) {
      sendJson(res, 404, { detail: 'Not found.' });
      return true;
    }
    if (req.method === 'GET' && !action) {
      const mine = events.filter((event) => event.session_id === sessionId);
      send(res, 200, 'text/html; charset=utf-8', sessionPage(session, mine, activity.forSession(sessionId), ports.outbox.entries.filter((entry) => mine.length > 0 && isFor(entry, session))));
      return true;
    }
    if (req.method === 'POST' && action === 'pay') {
      await pay(req, res, ports, session);
      return true;
    }
    if (req.method === 'POST' && action === 'redeliver-webhook') {
      const latest = events.filter((event) => event.session_id === sessionId).at(-1);
      if (!session.webhook_url || !latest) sendJson(res, 409, { detail: 'This session has no webhook_url or no event yet.' });
      else {
        const message: DeliveryMessage = { channel: 'webhook', event: latest };
        // A delivered message is remembered (at most once): on the session (its event's version)
        // or by its claim. Forget both so this one is sent.
        await forgetWebhookDelivery(ports, sessionId, latest.version);
        await ports.idempotency.release(deliveryKey(message));
        await ports.queue.publish('webhook', message);
        res.writeHead(303, { location: `/_local/sessions/${sessionId}`, 'cache-control': 'no-store' }).end();
      }
      return true;
    }
    sendJson(res, 405, { detail: `Method "${req.method}" not allowed.` });
    return true;
  };
}

/** The sandbox pay helper: the page's use case, a JSON card instead of the form and its CSRF token. */
async function pay(req: IncomingMessage, res: ServerResponse, ports: EmbeddedPorts, session: Session): Promise<void> {
  let body: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse((await readBody(req)) || '{}');
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    body = parsed as Record<string, unknown>;
  } catch {
    sendJson(res, 400, { detail: 'Send a JSON object: {"card_number": "4111111111111111"} (optional pg_code, expiry, cvv, name_on_card).' });
    return;
  }
  const nextYear = String((ports.clock.now().getUTCFullYear() + 2) % 100).padStart(2, '0');
  const form = { pg_code: session.pg_codes[0], expiry: `12/${nextYear}`, cvv: '123', name_on_card: 'Sandbox Tester', ...body };
  const baseUrl = baseUrlOf({ headers: req.headers as Record<string, string>, requestContext: { domainName: req.headers.host ?? 'localhost' } as never });
  const outcome = await paySession(ports, { sessionId: session.session_id, form, baseUrl });
  if (outcome.kind === 'invalid') {
    sendJson(res, 400, Object.fromEntries(Object.entries(outcome.errors).map(([field, problem]) => [field, [String(problem)]])));
  } else if (outcome.kind === 'hosted' || outcome.kind === 'unavailable') {
    // A hosted gateway's card is typed on its own page: this helper only pays the sandbox.
    sendJson(res, 409, { detail: `${String(form.pg_code)} is paid on its gateway's page: open the session's checkout_url.` });
  } else if (outcome.kind === 'unchanged') {
    sendJson(res, 409, { detail: `The session is ${outcome.session.state}; it cannot be paid.` });
  } else sendJson(res, 200, renderSession(outcome.session, baseUrl));
}

function isFor(entry: { to: string; text?: string; html?: string }, session: Session): boolean {
  const text = `${entry.text ?? ''}${entry.html ?? ''}`;
  return text.includes(session.session_id);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => (size > MAX_BODY ? reject(new Error('too large')) : resolve(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json', JSON.stringify(body));
}

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;margin:0;background:#f7f8fa;color:#1f2933}header{background:#102a43;color:#fff;padding:1rem 2rem}
header a{color:#9fd3ff;margin-right:1rem}main{padding:1rem 2rem}table{border-collapse:collapse;width:100%;background:#fff}th,td{text-align:left;padding:.35rem .6rem;border-bottom:1px solid #e4e7eb;font-size:.9rem}
th{color:#627d98}code{font-family:ui-monospace,Menlo,monospace;font-size:.85em}.state{border-radius:4px;padding:0 .4rem;color:#fff;background:#627d98}
.paid,.authorized,.captured{background:#2f855a}.attempted,.pending{background:#b7791f}.failed,.expired,.canceled{background:#c53030}
section{background:#fff;border:1px solid #d9e2ec;border-radius:8px;padding:.8rem 1.2rem;margin:1rem 0}button{font:inherit;padding:.3rem .8rem}pre{white-space:pre-wrap}`;

function shell(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><header><strong>Checkout API · local dashboard</strong> &nbsp; <a href="/_local/">Sessions</a><a href="/_local/outbox">Outbox</a><a href="/docs">API reference</a></header><main>${body}</main></body></html>`;
}

function listPage(sessions: Session[]): string {
  const rows = sessions
    .sort((a, b) => b.created_at.localeCompare(a.created_at))
    .map(
      (s) =>
        `<tr><td><a href="/_local/sessions/${s.session_id}"><code>${s.session_id.slice(0, 12)}…</code></a></td><td>${escapeHtml(s.created_at.slice(0, 19).replace('T', ' '))}</td><td><span class="state ${s.state}">${s.state}</span></td><td>${escapeHtml(s.amount)} ${escapeHtml(s.currency_code)}</td><td>${escapeHtml(s.order_no ?? '')}</td><td>${escapeHtml(s.webhook_status?.state ?? (s.webhook_url ? 'pending' : '—'))}</td><td><a href="/checkout/${s.session_id}">checkout page</a> · <a href="/b/checkout/v1/pymt-txn/${s.session_id}/">JSON</a></td></tr>`,
    )
    .join('');
  return shell(
    'Local dashboard',
    `<h1>Sessions</h1><p>Newest first (${sessions.length}).</p>${sessions.length ? `<table><tr><th>session</th><th>created (UTC)</th><th>state</th><th>amount</th><th>order_no</th><th>webhook</th><th>links</th></tr>${rows}</table>` : '<p>No session yet: create one with POST /b/checkout/v1/pymt-txn/.</p>'}`,
  );
}

function sessionPage(session: Session, events: SessionEvent[], activity: Activity[], messages: { channel: string; to: string; at: string; subject?: string; text?: string }[]): string {
  const eventRows = events.map((e) => `<tr><td>${escapeHtml(e.occurred_at)}</td><td>${e.type}</td><td>${e.state}</td><td><code>${e.event_id}</code></td></tr>`).join('');
  const attempts = activity.filter((a) => a.kind === 'webhook');
  const attemptRows = attempts
    .map((a) => `<tr><td>${escapeHtml(a.at)}</td><td>${escapeHtml(String(a.event))}</td><td>${a.attempt}</td><td>${a.status_code ?? '—'}</td><td>${escapeHtml(String(a.outcome))}</td><td>${escapeHtml(String(a.error ?? ''))}</td></tr>`)
    .join('');
  const notes = activity.filter((a) => a.kind === 'email' || a.kind === 'sms');
  const noteRows = notes.map((a) => `<tr><td>${escapeHtml(a.at)}</td><td>${a.kind}</td><td>${escapeHtml(String(a.event))}</td><td>${escapeHtml(String(a.to))}</td><td>${escapeHtml(String(a.outcome))}</td></tr>`).join('');
  const requests = activity.filter((a) => a.kind === 'request');
  const requestRows = requests.map((a) => `<tr><td>${escapeHtml(a.at)}</td><td>${escapeHtml(String(a.method))} ${escapeHtml(String(a.path))}</td><td>${a.status}</td><td>${a.duration_ms} ms</td><td><code>${escapeHtml(String(a.request_id))}</code></td></tr>`).join('');
  const table = (head: string, rows: string, empty: string) => (rows ? `<table><tr>${head}</tr>${rows}</table>` : `<p>${empty}</p>`);
  return shell(
    `Session ${session.session_id}`,
    `<h1><span class="state ${session.state}">${session.state}</span> ${escapeHtml(session.amount)} ${escapeHtml(session.currency_code)}</h1>
<p><code>${session.session_id}</code> · order_no ${escapeHtml(session.order_no ?? '—')} · <a href="/checkout/${session.session_id}">checkout page</a> · <a href="/b/checkout/v1/pymt-txn/${session.session_id}/">JSON</a></p>
<section><h2>Events</h2>${table('<th>at</th><th>event</th><th>state</th><th>event_id</th>', eventRows, 'None yet.')}</section>
<section><h2>Webhook attempts</h2><p>webhook_url: <code>${escapeHtml(session.webhook_url || '(none)')}</code></p>${table('<th>at</th><th>event</th><th>attempt</th><th>HTTP status</th><th>outcome</th><th>error</th>', attemptRows, 'None yet.')}
${session.webhook_url && events.length ? `<form method="post" action="/_local/sessions/${session.session_id}/redeliver-webhook"><button type="submit">Redeliver the latest webhook (${events.at(-1)!.type})</button></form>` : ''}</section>
<section><h2>E-mail and SMS</h2>${table('<th>at</th><th>channel</th><th>event</th><th>to</th><th>outcome</th></tr>', noteRows, 'None sent.')}<p><small>${messages.length} message(s) in the <a href="/_local/outbox">outbox</a> link this session.</small></p></section>
<section><h2>Requests</h2>${table('<th>at</th><th>request</th><th>status</th><th>duration</th><th>request id</th>', requestRows, 'None.')}</section>`,
  );
}
