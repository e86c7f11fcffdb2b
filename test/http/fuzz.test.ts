import fc from 'fast-check';
import { ROUTES } from '../../functions/config/routes';
import { randomBytes } from 'node:crypto';
import { dynamoSessions } from '../../functions/adapters/aws/dynamo-session-repository';
import { startLocalAws } from '../../functions/local/local-aws-runtime';
import { DEMO_ENV, requester, startTestApi, type ApiRequest } from '../fixtures/local-api';
import { awsTestEnv, describeAws, useMotoEnv } from '../fixtures/moto';
import { requestFor, type FuzzRequest } from '../fuzz/hostile-requests';

/**
 * Property-based fuzzing of every route in the route table through the real HTTP gateway
 * (issue 14): no 5xx, Ottu's error shapes, and after a 4xx nothing changed (the session reads
 * back identical, no event committed, so no webhook, e-mail or SMS). `npm test` runs a few dozen
 * cases per route; `npm run fuzz` runs FUZZ_RUNS (10 000) per route. FUZZ_SEED replays a run;
 * FUZZ_BACKEND=aws runs the same requests against the handlers' AWS adapters on moto (there a
 * refused request must leave the stored session, whose version every event bumps, identical).
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
// Generous: the machine may be shared, and a timeout is not a finding.
jest.setTimeout(Math.max(60_000, RUNS * 200));

const BACKEND = process.env.FUZZ_BACKEND === 'aws' ? 'aws' : 'embedded';

/** Where the requests go, and what a refused request must not change. */
interface Target {
  url: string;
  request: ApiRequest;
  session(id: string): Promise<unknown>;
  /** Events committed so far (embedded only: on AWS they are table items, and each bumps the session's version). */
  events(): number | undefined;
  close(): Promise<void>;
}

async function startTarget(): Promise<Target> {
  // No expiry sweep during the run: a session expiring by the clock is a change no request made.
  const env = { ...DEMO_ENV, CHECKOUT_EXPIRY_INTERVAL_MS: String(24 * 3600_000) };
  if (BACKEND === 'embedded') {
    const api = await startTestApi({ env });
    // Events are committed (and counted) but not routed: a delivery the fuzz set off (a PATCH to
    // a random webhook_url) would write its status onto the session in the background, during
    // a later request's "nothing changed" check. The deliveries have suites of their own.
    api.relay.stop();
    return { url: api.url, request: api.request, session: (id) => api.ports.sessions.get(id), events: () => api.ports.sessions.outbox.length, close: () => api.close() };
  }
  useMotoEnv();
  const suffix = `${process.pid}-${randomBytes(3).toString('hex')}`;
  const aws = await startLocalAws({ port: 0, env: { ...env, ...awsTestEnv(), CHECKOUT_STAGE: `fuzz-${suffix}`, CHECKOUT_TABLE: `fuzz-${suffix}` }, bootstrap: true });
  const sessions = dynamoSessions();
  return { url: aws.url, request: requester(aws.url), session: (id) => sessions.get(id), events: () => undefined, close: () => aws.close() };
}

let api: Target;
let sessionId: string;
let token = 'x';
let code = 'x';

beforeAll(async () => {
  process.stdout.write(`fuzz (${BACKEND}): ${RUNS} cases per route, seed ${SEED} (replay: FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS} FUZZ_BACKEND=${BACKEND} npm run fuzz)\n`);
  api = await startTarget();
  const form = new FormData();
  for (const [key, value] of Object.entries({ type: 'payment_request', amount: '14', currency_code: 'KWD', pg_codes: 'sandbox-kwd', shortify_checkout_url: 'true', shortify_attachment_url: 'true' })) form.append(key, value);
  form.append('attachment', new Blob(['%PDF-1.4\n%fuzz\n']), 'fuzz.pdf');
  const created = await api.request('POST', '/b/checkout/v1/pymt-txn/', { body: form });
  expect(created.status).toBe(201);
  sessionId = created.json.session_id;
  token = /attachments\/([^/?#]+)/.exec(created.json.attachment ?? '')?.[1] ?? 'x';
  code = /\/s\/([^/?#]+)/.exec(created.json.checkout_short_url ?? '')?.[1] ?? 'x';
});
afterAll(async () => {
  process.stdout.write(`fuzz (${BACKEND}) statuses: ${JSON.stringify(Object.fromEntries([...statuses].sort()))}\n`);
  await api?.close();
});

const statuses = new Map<number, number>();

/** Ottu's (DRF's) error shapes: {"detail": "..."} or field errors, lists of strings at the leaves. */
function isFieldErrors(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const entries = Object.entries(value);
  return entries.length > 0 && entries.every(([, v]) => (Array.isArray(v) ? v.length > 0 && v.every((m) => typeof m === 'string') : isFieldErrors(v)));
}

/** A body as text for a failure report (FormData and bytes do not print themselves). */
function describeBody(body: FuzzRequest['body']): string {
  if (body instanceof FormData) return JSON.stringify([...body.entries()].map(([key, value]) => [key, typeof value === 'string' ? value : `<file ${value.name}, ${value.size} bytes>`]));
  if (body instanceof Uint8Array) return `<bytes ${Buffer.from(body).toString('base64')}>`;
  return JSON.stringify(String(body ?? ''));
}

async function send(method: string, request: FuzzRequest) {
  // fetch refuses header values with control characters before sending; anything else goes.
  const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, value.replace(/[^\t\x20-\x7e]/g, '?')]));
  const response = await fetch(api.url + request.path, { method, headers, body: method === 'GET' ? undefined : (request.body as RequestInit['body']), redirect: 'manual' });
  statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
  return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
}

const suite = BACKEND === 'aws' ? describeAws : (name: string, body: () => void) => describe(name, body);
suite(`fuzz over the route table (${BACKEND})`, () => describe.each(ROUTES.map((route) => [route.id, route] as const))('%s', (_id, route) => {
  test(`${RUNS} hostile requests: no 5xx, Ottu's shapes, nothing changed after a 4xx`, async () => {
    const params = { session_id: sessionId, token, code };
    await fc.assert(
      fc.asyncProperty(requestFor(route.path, params), async (request) => {
        const before = await api.session(sessionId);
        const events = api.events();
        const { status, type, text } = await send(route.method, request);
        if (status >= 500) throw new Error(`${status} for ${route.method} ${request.path} ${JSON.stringify(request.headers)} body ${describeBody(request.body)}: ${text}`);
        if (status < 400) return;
        if (type.startsWith('application/json')) {
          const body = JSON.parse(text) as unknown;
          if (status === 400) expect(isFieldErrors(body) || (typeof body === 'object' && body !== null && Object.keys(body).length === 1 && typeof (body as { detail?: unknown }).detail === 'string')).toBe(true);
          else expect(Object.keys(body as object)).toEqual(['detail']);
        } else {
          expect(type).toMatch(/^text\/(html|plain)/); // the customer's pages and the static icon
        }
        expect(await api.session(sessionId)).toEqual(before);
        expect(api.events()).toBe(events);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
  });
}));
