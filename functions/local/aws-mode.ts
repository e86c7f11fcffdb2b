import type { IncomingMessage, ServerResponse } from 'node:http';
import { QUEUE_URL_VARIABLES } from '../config/queues';
import { localRoot } from './local-root';

/**
 * What `CHECKOUT_BACKEND=aws npm start` tells a developer beyond the embedded runtime: the
 * settings the admin CLI and the redrive need (printed in the banner), and a sentence, not a bare
 * 404, for the development pages that only the embedded runtime has.
 */

/** The settings `npm run admin` and the redrive read, in the order the banner prints them. */
export const ADMIN_SETTINGS = ['CHECKOUT_TABLE', 'CHECKOUT_WEBHOOK_SECRET_ID', 'CHECKOUT_GATEWAY_SECRET_PREFIX', ...Object.values(QUEUE_URL_VARIABLES)] as const;

/** The banner's lines: an `export` a second terminal can paste before `npm run admin -- …`. */
export function adminBanner(env: Readonly<Record<string, string | undefined>>, endpoint: string | undefined): string[] {
  const known = ADMIN_SETTINGS.filter((name) => env[name]);
  if (!known.length) return [];
  const exports = [...(endpoint ? [`AWS_ENDPOINT_URL=${endpoint}`] : []), ...known.map((name) => `${name}=${env[name]}`)];
  return [
    '  Admin CLI       in another terminal (with the same AWS_* credentials and region):',
    ...exports.map((assignment, i) => `                    ${i === 0 ? 'export ' : '       '}${assignment}${i < exports.length - 1 ? ' \\' : ''}`),
    '                  npm run admin -- show-config   (redrive: npm run admin -- redrive --queue webhook)',
  ];
}

/** The Lambda environment of the stage's functions (any one that names the table: they all get the same names). */
export function stageSettings(environments: Iterable<Record<string, string>>): Record<string, string> {
  for (const env of environments) if (env.CHECKOUT_TABLE) return Object.fromEntries(ADMIN_SETTINGS.filter((name) => env[name]).map((name) => [name, env[name]!]));
  return {};
}

/**
 * GET / points to the reference; every /_local/ path not served in this mode answers 404 with a
 * sentence naming what works here instead. Returns false for other paths.
 */
export function embeddedOnlyPages(options: { outbox: boolean }) {
  const root = localRoot({ dashboard: false, outbox: options.outbox });
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (await root(req, res)) return true;
    const path = new URL(`http://localhost/${(req.url ?? '/').replace(/^\/+/, '')}`).pathname;
    if (!/^\/_local(\/|$)/.test(path)) return false;
    const instead = [
      'pay on the hosted page (the session\'s checkout_url) or with npm run trigger -- paid',
      ...(options.outbox ? ['see e-mail and SMS at /_local/outbox'] : []),
      'send webhook dead letters again with npm run admin -- redrive --queue webhook',
    ];
    const detail = `${path} is served by the embedded runtime only (npm start without CHECKOUT_BACKEND=aws): the dashboard, the pay helper, sessions.json and the dead letters read its in-memory stores. With CHECKOUT_BACKEND=aws, ${instead.join('; ')}.`;
    res.writeHead(404, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify({ detail }));
    return true;
  };
}
