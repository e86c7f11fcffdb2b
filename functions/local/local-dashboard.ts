import type { IncomingMessage, ServerResponse } from 'node:http';
import { paySession } from '../app/pay-session';
import { forgetWebhookDelivery } from '../app/record-delivery-status';
import { deliveryKey, QUEUE_NAMES, type DeliveryMessage, type QueueName } from '../domain/deliveries';
import type { SessionEvent } from '../domain/events';
import { escapeHtml } from '../domain/notification-message';
import { operationAmounts } from '../domain/operations';
import { renderSession, type Session } from '../domain/session';
import { baseUrlOf } from '../handlers/http/base-url';
import { messagesFor } from '../views/messages';
import type { ActivityLog, Activity } from './activity-log';
import { parseSessionQuery, queryString, searchSessions, shownState, STATE_FILTERS, type SessionQuery } from './local-session-query';
import type { EmbeddedPorts } from './embedded-ports';

const SESSION_PATH = /^\/_local\/sessions\/([0-9a-f]{40})(?:\/(pay|redeliver-webhook))?$/;
const DEAD_LETTER_PATH = /^\/_local\/dead-letters\/(\w+)\/([0-9a-f-]{36})\/redrive$/;
/** The operation events a session page lists with their child transaction, request and webhook. */
const OPERATION_EVENTS = new Set(['refunded', 'captured', 'voided', 'canceled', 'expired']);
const OPERATION_ROUTE = '/b/pbl/v2/operation';
const MAX_BODY = 64 * 1024;

/**
 * The embedded runtime's console in a browser and its sandbox helpers (never deployed):
 * GET /_local/ lists the sessions, newest first, with a search (session id, order_no, e-mail)
 * and a state filter, paged; GET /_local/sessions.json answers the same as JSON;
 * GET /_local/sessions/{id} shows one with its operations (each with its child transaction,
 * request and webhook), events, webhook attempts, e-mails, SMS and requests, and a button that
 * redelivers its latest webhook; GET /_local/dead-letters lists the dead letters with a redrive
 * button each; POST /_local/sessions/{id}/pay runs the hosted page's pay use case with a JSON
 * card, as Stripe's test helpers do, and answers the session document. A deleted session is
 * shown as deleted: the API answers 404 for it.
 */
export function localDashboard(ports: EmbeddedPorts, activity: ActivityLog) {
  const events: SessionEvent[] = [];
  ports.sessions.onCommit((committed) => events.push(...committed));

  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(`http://localhost/${(req.url ?? '/').replace(/^\/+/, '')}`);
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (req.method === 'GET' && (path === '/_local' || path === '/_local/sessions.json')) {
      const parsed = parseSessionQuery(url.searchParams);
      if (!parsed.ok) {
        if (path === '/_local') send(res, 400, 'text/html; charset=utf-8', listPage(ports, { q: '', state: '', limit: 50, offset: 0 }, parsed.errors));
        else sendJson(res, 400, parsed.errors);
        return true;
      }
      if (path === '/_local') send(res, 200, 'text/html; charset=utf-8', listPage(ports, parsed.query));
      else sendJson(res, 200, sessionsJson(ports, parsed.query, baseUrlOfRequest(req)));
      return true;
    }
    if (req.method === 'GET' && path === '/_local/dead-letters') {
      send(res, 200, 'text/html; charset=utf-8', deadLettersPage(ports));
      return true;
    }
    const letter = DEAD_LETTER_PATH.exec(path);
    if (letter) {
      const [, queue, id] = letter as unknown as [string, string, string];
      if (req.method !== 'POST') sendJson(res, 405, { detail: `Method "${req.method}" not allowed.` });
      else if (!(QUEUE_NAMES as readonly string[]).includes(queue) || !ports.queue.redriveOne(queue as QueueName, id)) sendJson(res, 404, { detail: 'No such dead letter (already redriven?).' });
      else res.writeHead(303, { location: '/_local/dead-letters', 'cache-control': 'no-store' }).end();
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
      const requests = activity.entries.filter((entry) => entry.kind === 'request' && (entry.session_id === sessionId || (!!session.order_no && entry.order_no === session.order_no && entry.at >= session.created_at)));
      const deliveries = activity.forSession(sessionId).filter((entry) => entry.kind !== 'request');
      const letters = QUEUE_NAMES.flatMap((queue) => ports.queue.deadLetters(queue).filter((dead) => letterSession(dead.body) === sessionId).map((dead) => ({ queue, ...dead })));
      send(res, 200, 'text/html; charset=utf-8', sessionPage(session, mine, [...deliveries, ...requests], ports.outbox.entries.filter((entry) => mine.length > 0 && isFor(entry, session)), letters));
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
  const baseUrl = baseUrlOfRequest(req);
  const outcome = await paySession(ports, { sessionId: session.session_id, form, baseUrl });
  if (outcome.kind === 'invalid') {
    // The page's own sentences (English), as every other error of the API is one.
    const sentences = messagesFor('en').formProblem;
    sendJson(res, 400, Object.fromEntries(Object.entries(outcome.errors).map(([field, problem]) => [field, [problem ? sentences[problem] : 'This field is invalid.']])));
  } else if (outcome.kind === 'hosted' || outcome.kind === 'unavailable') {
    // A hosted gateway's card is typed on its own page: this helper only pays the sandbox.
    sendJson(res, 409, { detail: `${String(form.pg_code)} is paid on its gateway's page: open the session's checkout_url.` });
  } else if (outcome.kind === 'unchanged') {
    sendJson(res, 409, { detail: `The session is ${outcome.session.state}; it cannot be paid.` });
  } else sendJson(res, 200, renderSession(outcome.session, baseUrl));
}

function baseUrlOfRequest(req: IncomingMessage): string {
  return baseUrlOf({ headers: req.headers as Record<string, string>, requestContext: { domainName: req.headers.host ?? 'localhost' } as never });
}

/** The session a queued delivery message is about. */
function letterSession(body: string): string | undefined {
  try {
    return (JSON.parse(body) as DeliveryMessage).event?.session_id;
  } catch {
    return undefined;
  }
}

/** /_local/sessions.json: the page of sessions as the API renders them, with `deleted_at` (null unless deleted), and the next page's link. */
function sessionsJson(ports: EmbeddedPorts, query: SessionQuery, baseUrl: string) {
  const { total, page } = searchSessions(ports.sessions.list(), query);
  const next = query.offset + page.length < total ? `/_local/sessions.json${queryString(query, { offset: query.offset + query.limit })}` : null;
  return {
    total,
    offset: query.offset,
    limit: query.limit,
    next,
    sessions: page.map((session) => ({ ...renderSession(session, baseUrl), deleted_at: session.deleted_at ?? null })),
  };
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
.deleted{background:#52606d}tr.gone td{color:#7b8794}.refunded,.voided{background:#6b46c1}.error{color:#c53030}.search{margin:.5rem 0 1rem}.search input,.search select{font:inherit;padding:.25rem .4rem}
section{background:#fff;border:1px solid #d9e2ec;border-radius:8px;padding:.8rem 1.2rem;margin:1rem 0}button{font:inherit;padding:.3rem .8rem}pre{white-space:pre-wrap}`;

function shell(title: string, body: string, ports?: EmbeddedPorts): string {
  const dead = ports ? QUEUE_NAMES.reduce((total, queue) => total + ports.queue.deadLetters(queue).length, 0) : 0;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><header><strong>Checkout API · local dashboard</strong> &nbsp; <a href="/_local/">Sessions</a><a href="/_local/outbox">Outbox</a><a href="/_local/dead-letters">Dead letters${dead ? ` (${dead})` : ''}</a><a href="/docs">API reference</a></header><main>${body}</main></body></html>`;
}

const badge = (session: Session) => {
  const state = shownState(session);
  return `<span class="state ${state}"${session.deleted_at ? ` title="was ${session.state}"` : ''}>${state}</span>`;
};

/** The API's JSON of a session, or why there is none: GET answers 404 once it is deleted. */
const jsonLink = (session: Session) =>
  session.deleted_at
    ? `<a href="/_local/sessions.json?q=${session.session_id}">dashboard JSON</a> (the API answers 404: deleted)`
    : `<a href="/b/checkout/v1/pymt-txn/${session.session_id}/">JSON</a>`;

function listPage(ports: EmbeddedPorts, query: SessionQuery, errors?: Record<string, string[]>): string {
  const { total, page } = searchSessions(ports.sessions.list(), query);
  const rows = page
    .map(
      (s) =>
        `<tr${s.deleted_at ? ' class="gone"' : ''}><td><a href="/_local/sessions/${s.session_id}"><code>${s.session_id.slice(0, 12)}…</code></a></td><td>${escapeHtml(s.created_at.slice(0, 19).replace('T', ' '))}</td><td>${badge(s)}</td><td>${escapeHtml(s.amount)} ${escapeHtml(s.currency_code)}</td><td>${escapeHtml(s.order_no ?? '')}</td><td>${escapeHtml(s.customer_email)}</td><td>${escapeHtml(s.webhook_status?.state ?? (s.webhook_url ? 'pending' : '—'))}</td><td>${s.deleted_at ? '' : `<a href="/checkout/${s.session_id}">checkout page</a> · `}${jsonLink(s)}</td></tr>`,
    )
    .join('');
  const options = ['', ...STATE_FILTERS].map((state) => `<option value="${state}"${state === query.state ? ' selected' : ''}>${state || 'any state'}</option>`).join('');
  const form = `<form method="get" action="/_local/" class="search"><input type="search" name="q" value="${escapeHtml(query.q)}" placeholder="session id, order_no or e-mail" size="40" aria-label="search"> <select name="state" aria-label="state">${options}</select> <button type="submit">Search</button> <a href="/_local/sessions.json${queryString(query)}">as JSON</a></form>`;
  const problems = errors ? `<p class="error">${escapeHtml(Object.entries(errors).map(([field, messages]) => `${field}: ${messages.join(' ')}`).join(' '))}</p>` : '';
  const paging = [
    query.offset > 0 ? `<a href="/_local/${queryString(query, { offset: Math.max(0, query.offset - query.limit) })}" rel="prev">← newer</a>` : '',
    query.offset + page.length < total ? `<a href="/_local/${queryString(query, { offset: query.offset + query.limit })}" rel="next">older →</a>` : '',
  ].filter(Boolean).join(' · ');
  const filtered = query.q || query.state;
  const summary = total ? `Newest first: ${query.offset + 1}–${query.offset + page.length} of ${total}${filtered ? ' matching' : ''}.` : '';
  const empty = filtered ? '<p>No session matches.</p>' : '<p>No session yet: create one with POST /b/checkout/v1/pymt-txn/ (or npm run trigger -- paid).</p>';
  return shell(
    'Local dashboard',
    `<h1>Sessions</h1>${form}${problems}<p>${summary}</p>${page.length ? `<table><tr><th>session</th><th>created (UTC)</th><th>state</th><th>amount</th><th>order_no</th><th>e-mail</th><th>webhook</th><th>links</th></tr>${rows}</table>` : empty}${paging ? `<p>${paging}</p>` : ''}`,
    ports,
  );
}

function deadLettersPage(ports: EmbeddedPorts): string {
  const rows = QUEUE_NAMES.flatMap((queue) =>
    ports.queue.deadLetters(queue).map((letter) => {
      let message: Partial<DeliveryMessage> = {};
      try {
        message = JSON.parse(letter.body) as DeliveryMessage;
      } catch {
        // shown as it is
      }
      const sessionId = message.event?.session_id;
      return `<tr><td>${queue}</td><td>${escapeHtml(letter.at)}</td><td>${sessionId ? `<a href="/_local/sessions/${escapeHtml(sessionId)}"><code>${escapeHtml(sessionId.slice(0, 12))}…</code></a>` : '—'}</td><td>${escapeHtml(message.event?.type ?? '—')}</td><td>${escapeHtml(letter.reason)}</td><td><form method="post" action="/_local/dead-letters/${queue}/${letter.id}/redrive"><button type="submit">Redrive</button></form></td></tr>`;
    }),
  );
  return shell(
    'Dead letters',
    `<h1>Dead letters</h1><p>Messages every retry failed for, oldest first (${rows.length}). Redrive sends one again on a fresh schedule; <code>POST /_local/redrive-webhooks</code> sends every webhook one again.</p>${rows.length ? `<table><tr><th>queue</th><th>at</th><th>session</th><th>event</th><th>reason</th><th></th></tr>${rows.join('')}</table>` : '<p>None.</p>'}`,
    ports,
  );
}

interface SessionLetter {
  queue: QueueName;
  id: string;
  at: string;
  reason: string;
}

function sessionPage(session: Session, events: SessionEvent[], activity: Activity[], messages: { channel: string; to: string; at: string; subject?: string; text?: string }[], letters: SessionLetter[]): string {
  const table = (head: string, rows: string, empty: string) => (rows ? `<table><tr>${head}</tr>${rows}</table>` : `<p>${empty}</p>`);
  const attempts = activity.filter((a) => a.kind === 'webhook');
  const requests = activity.filter((a) => a.kind === 'request').sort((a, b) => a.at.localeCompare(b.at));
  const eventRows = events.map((e) => `<tr><td>${escapeHtml(e.occurred_at)}</td><td>${e.type}</td><td>${e.state}</td><td><code>${e.event_id}</code></td></tr>`).join('');
  const attemptRows = attempts
    .map((a) => `<tr><td>${escapeHtml(a.at)}</td><td>${escapeHtml(String(a.event))}</td><td>${a.attempt}</td><td>${a.status_code ?? '—'}</td><td>${escapeHtml(String(a.outcome))}</td><td>${escapeHtml(String(a.error ?? ''))}</td></tr>`)
    .join('');
  const notes = activity.filter((a) => a.kind === 'email' || a.kind === 'sms');
  const noteRows = notes.map((a) => `<tr><td>${escapeHtml(a.at)}</td><td>${a.kind}</td><td>${escapeHtml(String(a.event))}</td><td>${escapeHtml(String(a.to))}</td><td>${escapeHtml(String(a.outcome))}</td></tr>`).join('');
  const requestRows = requests.map((a) => `<tr><td>${escapeHtml(a.at)}</td><td>${escapeHtml(String(a.method))} ${escapeHtml(String(a.path))}</td><td>${a.status}</td><td>${a.duration_ms} ms</td><td><code>${escapeHtml(String(a.request_id))}</code></td></tr>`).join('');
  const operationRows = events
    .filter((event) => OPERATION_EVENTS.has(event.type))
    .map((event) => {
      const child = (session.transactions ?? []).find((candidate) => candidate.version === event.version);
      // The operation request that committed it: the one on the operation route whose span holds the event.
      const request = requests.find((a) => String(a.path).replace(/\/+$/, '') === OPERATION_ROUTE && a.status === 200 && Date.parse(a.at) - Number(a.duration_ms) - 1 <= Date.parse(event.occurred_at) && Date.parse(event.occurred_at) <= Date.parse(a.at));
      const hook = attempts.filter((a) => a.event_id === event.event_id).at(-1);
      return `<tr><td>${escapeHtml(event.occurred_at)}</td><td>${event.type}</td><td>${child ? `${escapeHtml(child.operation)} ${escapeHtml(child.amount)} ${escapeHtml(child.currency_code)} · <span class="state ${child.state}">${child.state}</span> · ref <code>${escapeHtml(child.reference_number)}</code>` : '—'}</td><td>${request ? `${escapeHtml(String(request.method))} ${escapeHtml(String(request.path))} ${request.status} · <code>${escapeHtml(String(request.request_id))}</code>` : '—'}</td><td>${hook ? `${escapeHtml(String(hook.outcome))}${hook.status_code ? ` (HTTP ${hook.status_code})` : ''}, attempt ${hook.attempt}` : session.webhook_url ? 'pending' : '— (no webhook_url)'}</td></tr>`;
    })
    .join('');
  const letterRows = letters
    .map((letter) => `<tr><td>${letter.queue}</td><td>${escapeHtml(letter.at)}</td><td>${escapeHtml(letter.reason)}</td><td><form method="post" action="/_local/dead-letters/${letter.queue}/${letter.id}/redrive"><button type="submit">Redrive</button></form></td></tr>`)
    .join('');
  const sums = operationAmounts(session);
  const deleted = session.deleted_at ? `<p class="error">Deleted at ${escapeHtml(session.deleted_at)} (it was ${session.state}): the API answers 404 for it.</p>` : '';
  return shell(
    `Session ${session.session_id}`,
    `<h1>${badge(session)} ${escapeHtml(session.amount)} ${escapeHtml(session.currency_code)}</h1>${deleted}
<p><code>${session.session_id}</code> · order_no ${escapeHtml(session.order_no ?? '—')} · ${session.deleted_at ? '' : `<a href="/checkout/${session.session_id}">checkout page</a> · `}${jsonLink(session)}</p>
<section><h2>Operations</h2>${table('<th>at</th><th>event</th><th>child transaction</th><th>request</th><th>webhook</th>', operationRows, 'None.')}<p><small>Refunded ${sums.refunded_amount}, captured ${sums.captured_amount}, voided ${sums.voided_amount} ${escapeHtml(session.currency_code)}.</small></p></section>
<section><h2>Events</h2>${table('<th>at</th><th>event</th><th>state</th><th>event_id</th>', eventRows, 'None yet.')}</section>
<section><h2>Webhook attempts</h2><p>webhook_url: <code>${escapeHtml(session.webhook_url || '(none)')}</code></p>${table('<th>at</th><th>event</th><th>attempt</th><th>HTTP status</th><th>outcome</th><th>error</th>', attemptRows, 'None yet.')}
${session.webhook_url && events.length ? `<form method="post" action="/_local/sessions/${session.session_id}/redeliver-webhook"><button type="submit">Redeliver the latest webhook (${events.at(-1)!.type})</button></form>` : ''}</section>
${letters.length ? `<section><h2>Dead letters</h2>${table('<th>queue</th><th>at</th><th>reason</th><th></th>', letterRows, '')}</section>` : ''}
<section><h2>E-mail and SMS</h2>${table('<th>at</th><th>channel</th><th>event</th><th>to</th><th>outcome</th>', noteRows, 'None sent.')}<p><small>${messages.length} message(s) in the <a href="/_local/outbox">outbox</a> link this session.</small></p></section>
<section><h2>Requests</h2>${table('<th>at</th><th>request</th><th>status</th><th>duration</th><th>request id</th>', requestRows, 'None.')}</section>`,
  );
}
