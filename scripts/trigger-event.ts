import { parseArgs } from 'node:util';

/**
 * npm run trigger -- <event>: Stripe CLI's `trigger` for this API. Creates a payment transaction
 * on a running API (npm start, or a stage with sandbox gateways) with the merchant's webhook_url,
 * and takes it through the event the way a customer and a merchant would: the hosted page's
 * payment form (its CSRF token and cookie, as a browser), then the operation route. The API sends
 * the webhook; this waits until the session's webhook_status says it was delivered (or not).
 */

export const EVENTS = ['paid', 'failed', 'authorized', 'refunded', 'captured', 'voided', 'canceled', 'expired'] as const;
export type TriggerEvent = (typeof EVENTS)[number];

export const USAGE = `Usage: npm run trigger -- <event> [--webhook-url <url>] [--api-url <url>] [--json]

  <event>          ${EVENTS.join(', ')}
  --webhook-url    where the API sends the webhook (default http://127.0.0.1:4000/, the example receiver;
                   npm start needs CHECKOUT_ALLOW_LOOPBACK_WEBHOOKS=1 to call a loopback URL)
  --api-url        the running API (default http://localhost:3000)
  --pg-code        the sandbox gateway to pay with (default sandbox-kwd; sandbox-authorize for
                   authorized, captured and voided)
  --json           print one JSON object (the session's state, its webhook status, the steps)

The API key comes from CHECKOUT_API_KEY (or CHECKOUT_DEMO_API_KEY), never from the command line.
`;

export interface TriggerIo {
  out(line: string): void;
  err(line: string): void;
  env: NodeJS.ProcessEnv;
  /** How long to wait for the webhook's delivery (default 30 s). */
  waitMs?: number;
}

interface Call {
  status: number;
  text: string;
  json: any;
  headers: Headers;
}

/** A step's failure, said as a sentence (the API's own `detail` when it gave one). */
class TriggerError extends Error {}

const GOOD_CARD = '4111 1111 1111 1111';
const DECLINED_CARD = '4000 0000 0000 0002';
const DEFAULT_API_URL = 'http://localhost:3000';
const DEFAULT_WEBHOOK_URL = 'http://127.0.0.1:4000/';

/** What each event needs: the gateway's operation, the card, and the merchant's operation after it. */
const PLANS: Record<TriggerEvent, { authorize: boolean; card: string; operation?: 'refund' | 'capture' | 'void' | 'cancel' | 'expire' }> = {
  paid: { authorize: false, card: GOOD_CARD },
  failed: { authorize: false, card: DECLINED_CARD },
  authorized: { authorize: true, card: GOOD_CARD },
  refunded: { authorize: false, card: GOOD_CARD, operation: 'refund' },
  captured: { authorize: true, card: GOOD_CARD, operation: 'capture' },
  voided: { authorize: true, card: GOOD_CARD, operation: 'void' },
  canceled: { authorize: false, card: '', operation: 'cancel' },
  expired: { authorize: false, card: '', operation: 'expire' },
};

/** Runs the trigger; returns the exit code (0 done, 1 failed, 2 bad usage). */
export async function runTrigger(argv: string[], io: TriggerIo): Promise<number> {
  let values: { 'webhook-url'?: string; 'api-url'?: string; 'pg-code'?: string; json?: boolean; help?: boolean };
  let event: string | undefined;
  try {
    const parsed = parseArgs({
      args: argv,
      options: { 'webhook-url': { type: 'string' }, 'api-url': { type: 'string' }, 'pg-code': { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    values = parsed.values;
    if (parsed.positionals.length > 1) throw new Error('Give one event.');
    event = parsed.positionals[0];
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help || event === 'help') {
    io.out(USAGE);
    return 0;
  }
  if (!event || !(EVENTS as readonly string[]).includes(event)) {
    io.err(`${event ? `Unknown event "${event}".` : 'No event given.'} Events: ${EVENTS.join(', ')}.\n\n${USAGE}`);
    return 2;
  }
  const apiKey = io.env.CHECKOUT_API_KEY || io.env.CHECKOUT_DEMO_API_KEY;
  if (!apiKey) {
    io.err('Set CHECKOUT_API_KEY (or CHECKOUT_DEMO_API_KEY) to the API key npm start printed.');
    return 2;
  }
  const apiUrl = (values['api-url'] ?? DEFAULT_API_URL).replace(/\/+$/, '');
  const webhookUrl = values['webhook-url'] ?? DEFAULT_WEBHOOK_URL;
  const steps: string[] = [];
  const say = (line: string) => {
    steps.push(line);
    if (!values.json) io.out(line);
  };
  try {
    const outcome = await trigger(event as TriggerEvent, { apiUrl, apiKey, webhookUrl, pgCode: values['pg-code'], waitMs: io.waitMs ?? 30_000 }, say);
    if (values.json) io.out(JSON.stringify({ event, ...outcome, steps }));
    return outcome.webhook_delivered ? 0 : 1;
  } catch (error) {
    const message = error instanceof TriggerError ? error.message : `Could not reach the API at ${apiUrl}: ${(error as Error).message}. Is it running (npm start)?`;
    if (values.json) io.out(JSON.stringify({ event, error: message, steps }));
    else io.err(message);
    return 1;
  }
}

interface Target {
  apiUrl: string;
  apiKey: string;
  webhookUrl: string;
  pgCode?: string;
  waitMs: number;
}

async function trigger(event: TriggerEvent, target: Target, say: (line: string) => void) {
  const plan = PLANS[event];
  const call = caller(target);
  const pgCode = target.pgCode ?? (plan.authorize ? 'sandbox-authorize' : 'sandbox-kwd');
  const created = expect(
    await call('POST', '/b/checkout/v1/pymt-txn/', {
      type: 'payment_request',
      pg_codes: [pgCode],
      amount: '14',
      currency_code: 'KWD',
      order_no: `trigger-${event}-${Date.now().toString(36)}`,
      customer_first_name: 'Trigger',
      customer_email: 'trigger@example.com',
      webhook_url: target.webhookUrl,
    }),
    201,
    'create the payment transaction',
  );
  const sessionId: string = created.json.session_id;
  say(`created ${sessionId} (${created.json.amount} ${created.json.currency_code}, ${pgCode}), webhook_url ${target.webhookUrl}`);
  if (plan.card) await pay(call, sessionId, pgCode, plan.card, event === 'failed', say);
  if (plan.operation) {
    const done = expect(await call('POST', '/b/pbl/v2/operation/', { session_id: sessionId, operation: plan.operation }), 200, plan.operation);
    say(`${plan.operation}: ${done.json.detail}`);
  }
  const session = await awaitWebhook(call, sessionId, event, target.waitMs);
  const status = session.webhook_status;
  const delivered = status?.event === event && status.state === 'delivered';
  if (delivered) say(`${event} webhook delivered to ${target.webhookUrl} (HTTP ${status.last_status_code})`);
  else if (status?.event === event) say(`${event} webhook not delivered: ${status.state} after ${status.attempts} attempt(s), ${status.last_error ?? `HTTP ${status.last_status_code}`}`);
  else say(`${event} webhook not delivered within ${Math.round(target.waitMs / 1000)} s (latest: ${status ? `${status.event ?? 'none'} ${status.state}` : 'none'})`);
  return { session_id: sessionId, state: session.state as string, webhook_status: status ?? null, webhook_delivered: delivered };
}

type Caller = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<Call>;

function caller(target: Target): Caller {
  return async (method, path, body, headers = {}) => {
    const all: Record<string, string> = { ...headers };
    if (!path.startsWith('/checkout/')) all.authorization = `Api-Key ${target.apiKey}`;
    let payload: string | undefined;
    if (typeof body === 'string') payload = body;
    else if (body !== undefined) {
      payload = JSON.stringify(body);
      all['content-type'] = 'application/json';
    }
    const response = await fetch(target.apiUrl + path, { method, headers: all, body: payload, redirect: 'manual' });
    const text = await response.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, text, json, headers: response.headers };
  };
}

function expect(response: Call, status: number, what: string): Call {
  if (response.status === status) return response;
  const detail = response.json?.detail ?? (response.json ? JSON.stringify(response.json) : `HTTP ${response.status}`);
  throw new TriggerError(`Could not ${what}: ${detail}${response.status === 401 ? ' (is CHECKOUT_API_KEY the key npm start printed?)' : ''}`);
}

/** Pays as the customer does: opens the hosted page (token and cookie), posts its form; a decline is repeated until the session fails. */
async function pay(call: Caller, sessionId: string, pgCode: string, card: string, untilFailed: boolean, say: (line: string) => void) {
  for (let attempt = 1; attempt <= 10; attempt++) {
    const page = await call('GET', `/checkout/${sessionId}`);
    const token = /name="csrf_token" value="([^"]+)"/.exec(page.text)?.[1];
    if (page.status !== 200 || !token) throw new TriggerError(`Could not open the hosted page of ${sessionId} (HTTP ${page.status}).`);
    const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const form = new URLSearchParams({ csrf_token: token, pg_code: pgCode, card_number: card, expiry: '12/30', cvv: '123', name_on_card: 'Trigger Customer' });
    const posted = await call('POST', `/checkout/${sessionId}/pay`, form.toString(), { 'content-type': 'application/x-www-form-urlencoded', cookie });
    if (posted.status !== 303) throw new TriggerError(`The hosted page refused the payment (HTTP ${posted.status}).`);
    const state = expect(await call('GET', `/b/checkout/v1/pymt-txn/${sessionId}/`), 200, 'read the session').json.state as string;
    say(`paid with ${card} on the hosted page: ${state}`);
    if (!untilFailed || state === 'failed') return;
  }
  throw new TriggerError(`The session ${sessionId} did not fail after 10 declined attempts.`);
}

/** Reads the session until its webhook_status reports the event's delivery, delivered or given up. */
async function awaitWebhook(call: Caller, sessionId: string, event: TriggerEvent, waitMs: number): Promise<any> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const session = expect(await call('GET', `/b/checkout/v1/pymt-txn/${sessionId}/`), 200, 'read the session').json;
    const status = session.webhook_status;
    const settled = status?.event === event && (status.state === 'delivered' || status.state === 'failed');
    if (settled || Date.now() >= deadline) return session;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
