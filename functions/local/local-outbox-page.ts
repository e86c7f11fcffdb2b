import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MemoryEventQueue } from '../adapters/embedded/memory-event-queue';
import type { MemoryOutbox, OutboxEntry } from '../adapters/embedded/memory-outbox';
import { QUEUE_NAMES } from '../domain/deliveries';
import { escapeHtml } from '../domain/notification-message';

/**
 * Local-only pages of the embedded runtime: what the e-mail and SMS twins "sent"
 * (GET /_local/outbox, newest first, and /_local/outbox.json), and a button's worth of DLQ
 * redrive (POST /_local/redrive-webhooks). Served before the route table by createGateway().
 */
export function localPages(outbox: MemoryOutbox, queue: MemoryEventQueue) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    // Joined, not resolved: a path starting with `//` would otherwise read as a host (Invalid URL).
    const path = new URL(`http://localhost/${(req.url ?? '/').replace(/^\/+/, '')}`).pathname.replace(/\/+$/, '');
    if (req.method === 'GET' && path === '/_local/outbox.json') {
      send(res, 200, 'application/json', JSON.stringify({ messages: outbox.entries, dead_letters: deadLetters(queue) }));
      return true;
    }
    if (req.method === 'GET' && path === '/_local/outbox') {
      send(res, 200, 'text/html; charset=utf-8', page(outbox.entries, queue));
      return true;
    }
    if (req.method === 'POST' && path === '/_local/redrive-webhooks') {
      send(res, 200, 'application/json', JSON.stringify({ redriven: await queue.redrive('webhook') }));
      return true;
    }
    return false;
  };
}

function deadLetters(queue: MemoryEventQueue) {
  return Object.fromEntries(QUEUE_NAMES.map((name) => [name, queue.deadLetters(name)]));
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

function page(entries: readonly OutboxEntry[], queue: MemoryEventQueue): string {
  const items = entries.map(entryHtml).join('\n') || '<p>Nothing sent yet.</p>';
  const dlq = QUEUE_NAMES.map((name) => `${name}: ${queue.deadLetters(name).length}`).join(' · ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Local outbox</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem}article{border:1px solid #ccc;border-radius:6px;padding:1rem;margin:1rem 0}
iframe{width:100%;height:22rem;border:1px solid #eee}pre{white-space:pre-wrap}small{color:#666}</style></head>
<body><h1>Local outbox</h1><p><small>E-mail and SMS the embedded runtime sent, newest first (${entries.length}). Dead letters: ${dlq}.</small></p>
${items}
</body></html>`;
}

function entryHtml(entry: OutboxEntry): string {
  const head = `<small>${escapeHtml(entry.at)} · ${entry.channel.toUpperCase()} to ${escapeHtml(entry.to)}</small>`;
  if (entry.channel === 'sms') return `<article>${head}<pre>${escapeHtml(entry.text)}</pre></article>`;
  // The rendered e-mail in a sandboxed frame: its HTML cannot script or style this page.
  return `<article>${head}<h2>${escapeHtml(entry.subject)}</h2><iframe sandbox srcdoc="${escapeHtml(entry.html)}"></iframe></article>`;
}
