import fc from 'fast-check';
import { ROUTES } from '../../functions/config/routes';
import { DEMO_ENV, startTestApi, type TestApi } from '../fixtures/local-api';
import { requestFor, type FuzzRequest } from '../fuzz/hostile-requests';

/**
 * Property-based fuzzing of every route in the route table through the real HTTP gateway
 * (issue 14): no 5xx, Ottu's error shapes, and after a 4xx nothing changed (the session reads
 * back identical, no event committed, so no webhook, e-mail or SMS). `npm test` runs a few dozen
 * cases per route; `npm run fuzz` runs FUZZ_RUNS (10 000) per route. FUZZ_SEED replays a run.
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
jest.setTimeout(Math.max(60_000, RUNS * 40));

let api: TestApi;
let sessionId: string;
let token = 'x';
let code = 'x';

beforeAll(async () => {
  process.stdout.write(`fuzz: ${RUNS} cases per route, seed ${SEED} (replay: FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS} npm run fuzz)\n`);
  // No expiry sweep during the run: a session expiring by the clock is a change no request made.
  api = await startTestApi({ env: { ...DEMO_ENV, CHECKOUT_EXPIRY_INTERVAL_MS: String(24 * 3600_000) } });
  const form = new FormData();
  for (const [key, value] of Object.entries({ type: 'payment_request', amount: '14', currency_code: 'KWD', pg_codes: 'sandbox-kwd', shortify_checkout_url: 'true', shortify_attachment_url: 'true' })) form.append(key, value);
  form.append('attachment', new Blob(['%PDF-1.4\n%fuzz\n']), 'fuzz.pdf');
  const created = await api.request('POST', '/b/checkout/v1/pymt-txn/', { body: form });
  expect(created.status).toBe(201);
  sessionId = created.json.session_id;
  token = /attachments\/([^/?#]+)/.exec(created.json.attachment ?? '')?.[1] ?? 'x';
  code = /\/s\/([^/?#]+)/.exec(created.json.checkout_short_url ?? '')?.[1] ?? 'x';
});
afterAll(() => api.close());

/** Ottu's (DRF's) error shapes: {"detail": "..."} or field errors, lists of strings at the leaves. */
function isFieldErrors(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const entries = Object.entries(value);
  return entries.length > 0 && entries.every(([, v]) => (Array.isArray(v) ? v.length > 0 && v.every((m) => typeof m === 'string') : isFieldErrors(v)));
}

async function send(method: string, request: FuzzRequest) {
  // fetch refuses header values with control characters before sending; anything else goes.
  const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, value.replace(/[^\t\x20-\x7e]/g, '?')]));
  const response = await fetch(api.url + request.path, { method, headers, body: method === 'GET' ? undefined : (request.body as RequestInit['body']), redirect: 'manual' });
  return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
}

describe.each(ROUTES.map((route) => [route.id, route] as const))('%s', (_id, route) => {
  test(`${RUNS} hostile requests: no 5xx, Ottu's shapes, nothing changed after a 4xx`, async () => {
    const params = { session_id: sessionId, token, code };
    await fc.assert(
      fc.asyncProperty(requestFor(route.path, params), async (request) => {
        const before = await api.ports.sessions.get(sessionId);
        const events = api.ports.sessions.outbox.length;
        const { status, type, text } = await send(route.method, request);
        expect(status).toBeLessThan(500);
        if (status < 400) return;
        if (type.startsWith('application/json')) {
          const body = JSON.parse(text) as unknown;
          if (status === 400) expect(isFieldErrors(body) || (typeof body === 'object' && body !== null && Object.keys(body).length === 1 && typeof (body as { detail?: unknown }).detail === 'string')).toBe(true);
          else expect(Object.keys(body as object)).toEqual(['detail']);
        } else {
          expect(type).toMatch(/^text\/(html|plain)/); // the customer's pages and the static icon
        }
        expect(await api.ports.sessions.get(sessionId)).toEqual(before);
        expect(api.ports.sessions.outbox.length).toBe(events);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
  });
});
