import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * GET / under npm start: no route of the API lives there, so a developer who opens the base URL
 * gets a pointer to the API reference and the local pages instead of a 404. JSON for a client
 * that asks for it, a short page otherwise. Never deployed: a stage's root stays a 404.
 */
export function localRoot(options: { dashboard: boolean; outbox: boolean }) {
  const links = [
    { path: '/docs', what: 'API reference (with an example for every operation, and the webhooks)' },
    { path: '/openapi.json', what: 'OpenAPI 3.1 document' },
    ...(options.dashboard ? [{ path: '/_local/', what: 'local dashboard (sessions, operations, webhooks, dead letters)' }] : []),
    ...(options.outbox ? [{ path: '/_local/outbox', what: 'e-mail and SMS the runtime sent' }] : []),
  ];
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/' || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
    const detail = `This is the Checkout API. Start at ${links.map((link) => link.path).join(', ')}.`;
    if (/application\/json/.test(req.headers.accept ?? '') || !/text\/html/.test(req.headers.accept ?? '')) {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ detail, links: Object.fromEntries(links.map((link) => [link.path, link.what])) }));
      return true;
    }
    const items = links.map((link) => `<li><a href="${link.path}">${link.path}</a>: ${link.what}</li>`).join('');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Checkout API</title></head><body><h1>Checkout API</h1><ul>${items}</ul></body></html>`);
    return true;
  };
}
