import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhookSignature } from '../../functions/domain/webhook-signature';
import { seededRandom } from '../../functions/local/cloud/chaos';

/**
 * `npm run load`'s engine: sessions created at a steady rate against a running stage, each then
 * retrieved, paid through the hosted page (open it, post the form as a browser would), left to
 * expire, or paid and refunded, as the mix says (drawn from a seeded sequence, so two runs do the
 * same things). Every request's latency and status is kept per route; a local receiver takes
 * the merchant's webhooks, checks each signature, and counts what arrives against what the
 * stage must send (paid, expired, refunded), with duplicates (the same event id twice).
 */

export type Route = 'create' | 'retrieve' | 'page' | 'pay' | 'refund';
export const ROUTE_NAMES: readonly Route[] = ['create', 'retrieve', 'page', 'pay', 'refund'];

export interface Mix {
  /** Share of sessions paid through the hosted page. */
  paid: number;
  /** Share of the paid ones refunded in part afterwards. */
  refund: number;
  /** Retrieves per session. */
  retrieves: number;
  /** Share of the unpaid sessions whose page is opened (and left). */
  pageOnly: number;
  /**
   * Share of the sessions created with an `order_no` (default all). Its claim makes the create,
   * an expiry and a failure a DynamoDB transaction; moto copies its whole table for each one,
   * so on the local cloud they slow down as the table grows.
   */
  orderNo?: number;
}

export interface LoadOptions {
  baseUrl: string;
  /** The merchant's API key (`Authorization: Api-Key …`). */
  apiKey: string;
  /** The merchant's webhook key: signatures are checked with it. */
  webhookKey?: string;
  /** A webhook URL the stage can reach; default: the local receiver this run starts. */
  webhookUrl?: string;
  /** Sessions created a second. */
  rate: number;
  durationS: number;
  mix: Mix;
  /** `expiration_time` of every session (HH:MM:SS). */
  expirationTime: string;
  seed: number;
  /** Give up waiting for webhooks this long after the last session's expiry. */
  drainTimeoutS: number;
  /** Sessions in flight at most (a slow stage lowers the achieved rate instead of piling up). */
  maxInFlight?: number;
  /**
   * Before the timed sessions, one paid-and-refunded and one left-to-expire session, one after
   * the other, so each function's first (cold) start is not taken under load. Counted with the rest.
   */
  warmUp?: boolean;
  onProgress?: (line: string) => void;
}

/** How many times a refund answered 503 is sent again. */
const REFUND_RETRIES = 3;

export interface RequestSample {
  route: Route;
  /** ms since the run started. */
  at: number;
  ms: number;
  status: number;
  /** A 5xx's body (its start): what the stage said, for whoever reads the figures. */
  detail?: string;
  /** A 503 the client sent again (a refund, with its Tracking-Key, as a merchant does). */
  retried?: boolean;
}

export interface Delivery {
  at: number;
  eventId: string;
  eventType: string;
  sessionId: string;
  signed: boolean;
}

export interface LoadResult {
  options: Omit<LoadOptions, 'onProgress' | 'apiKey' | 'webhookKey'>;
  startedAt: string;
  elapsedS: number;
  sessions: { planned: number; created: number; paid: number; leftToExpire: number; refunded: number; failedToCreate: number };
  requests: RequestSample[];
  deliveries: Delivery[];
  /** `<session>:<event type>` the stage must deliver, and when each was produced (ms since start). */
  expected: Array<{ key: string; at: number }>;
  /** expires_at (ms since start) of each session left to expire. */
  expiries: Array<{ sessionId: string; expiresAt: number }>;
}

/** The hosted page's payment form, as a browser posts it (test/fixtures/checkout-form.ts). */
const CARD = { card_number: '4111 1111 1111 1111', expiry: '12/30', cvv: '123', name_on_card: 'Load Test', pg_code: 'sandbox-kwd' };
const TXN = '/b/checkout/v1/pymt-txn';

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const started = Date.now();
  const now = () => Date.now() - started;
  const random = seededRandom(options.seed);
  const requests: RequestSample[] = [];
  const expected: LoadResult['expected'] = [];
  const expiries: LoadResult['expiries'] = [];
  const receiver = await startLoadReceiver(options.webhookKey, now);
  const webhookUrl = options.webhookUrl ?? receiver.url;
  const sessions = { planned: Math.round(options.rate * options.durationS), created: 0, paid: 0, leftToExpire: 0, refunded: 0, failedToCreate: 0 };

  const call = async (route: Route, method: string, path: string, init: { body?: string; headers?: Record<string, string> } = {}) => {
    const at = now();
    const t0 = performance.now();
    try {
      const response = await fetch(options.baseUrl + path, { method, headers: init.headers, body: init.body, redirect: 'manual' });
      const text = await response.text();
      const sample: RequestSample = { route, at, ms: performance.now() - t0, status: response.status, ...(response.status >= 500 ? { detail: text.slice(0, 200) } : {}) };
      requests.push(sample);
      return { status: response.status, text, headers: response.headers, sample };
    } catch {
      // The connection itself failed: recorded as status 0.
      const sample: RequestSample = { route, at, ms: performance.now() - t0, status: 0 };
      requests.push(sample);
      return { status: 0, text: '', headers: new Headers(), sample };
    }
  };
  const auth = { authorization: `Api-Key ${options.apiKey}`, 'content-type': 'application/json' };

  const lifecycle = async (index: number, forced?: 'refund' | 'expire') => {
    const pay = forced ? forced === 'refund' : random() < options.mix.paid;
    const refund = forced ? forced === 'refund' : pay && random() < options.mix.refund;
    const pageOnly = forced ? forced === 'expire' : !pay && random() < options.mix.pageOnly;
    const orderNo = random() < (options.mix.orderNo ?? 1) ? { order_no: `load-${started}-${index}` } : {};
    const body = JSON.stringify({ type: 'payment_request', pg_codes: ['sandbox-kwd'], amount: '14', currency_code: 'KWD', ...orderNo, webhook_url: webhookUrl, expiration_time: options.expirationTime });
    const created = await call('create', 'POST', `${TXN}/`, { body, headers: auth });
    if (created.status !== 201) {
      sessions.failedToCreate++;
      return;
    }
    sessions.created++;
    const session = JSON.parse(created.text) as { session_id: string; expires_at?: string };
    const id = session.session_id;
    for (let i = 0; i < options.mix.retrieves; i++) await call('retrieve', 'GET', `${TXN}/${id}`);
    if (pay || pageOnly) {
      const page = await call('page', 'GET', `/checkout/${id}`);
      if (pay && page.status === 200) {
        const token = /name="csrf_token" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
        const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
        const form = new URLSearchParams({ ...CARD, csrf_token: token }).toString();
        const paid = await call('pay', 'POST', `/checkout/${id}/pay`, { body: form, headers: { 'content-type': 'application/x-www-form-urlencoded', cookie } });
        if (paid.status === 303) {
          sessions.paid++;
          expected.push({ key: `${id}:paid`, at: now() });
          if (refund) {
            // With a Tracking-Key, so a 503 (the store busy, or the gateway's timeout) can be sent
            // again, as a merchant does: the second answers the first's result, never a second refund.
            const refundOnce = () => call('refund', 'POST', '/b/pbl/v2/operation/', { body: JSON.stringify({ session_id: id, operation: 'refund', amount: '1' }), headers: { ...auth, 'tracking-key': `${id}-refund` } });
            let refunded = await refundOnce();
            for (let retry = 1; refunded.status === 503 && retry <= REFUND_RETRIES; retry++) {
              refunded.sample.retried = true;
              await new Promise((resolve) => setTimeout(resolve, 1_000));
              refunded = await refundOnce();
            }
            if (refunded.status === 200) {
              sessions.refunded++;
              expected.push({ key: `${id}:refunded`, at: now() });
            }
          }
          return;
        }
      }
    }
    // Unpaid (or a payment the stage did not confirm): it must expire, with its webhook.
    sessions.leftToExpire++;
    const expiresAt = session.expires_at ? Date.parse(session.expires_at) - started : now() + seconds(options.expirationTime) * 1000;
    expiries.push({ sessionId: id, expiresAt });
    expected.push({ key: `${id}:expired`, at: expiresAt });
  };

  const progress = setInterval(() => options.onProgress?.(progressLine(now(), sessions, requests, expected, receiver.deliveries)), 1000);
  try {
    // Creates on schedule; a session waits for a slot when maxInFlight are running.
    if (options.warmUp) {
      sessions.planned += 2;
      await lifecycle(-1, 'refund');
      await lifecycle(-2, 'expire');
    }
    const inFlight = new Set<Promise<void>>();
    const max = options.maxInFlight ?? 50;
    const timed = performance.now();
    for (let i = 0; i < sessions.planned - (options.warmUp ? 2 : 0); i++) {
      const due = (i * 1000) / options.rate - (performance.now() - timed);
      if (due > 0) await sleep(due);
      while (inFlight.size >= max) await Promise.race(inFlight);
      const flow = lifecycle(i).finally(() => inFlight.delete(flow));
      inFlight.add(flow);
    }
    await Promise.all(inFlight);
    // Wait on the condition (every expected webhook in), bounded by the drain timeout.
    const lastExpiry = Math.max(now(), ...expiries.map((e) => e.expiresAt));
    const deadline = lastExpiry + options.drainTimeoutS * 1000;
    const delivered = () => new Set(receiver.deliveries.map((d) => `${d.sessionId}:${d.eventType}`));
    while (now() < deadline) {
      const got = delivered();
      if (expected.every((e) => got.has(e.key))) break;
      await sleep(250);
    }
  } finally {
    clearInterval(progress);
    options.onProgress?.(progressLine(now(), sessions, requests, expected, receiver.deliveries));
    await receiver.close();
  }
  const { onProgress: _p, apiKey: _k, webhookKey: _w, ...shown } = options;
  return { options: shown, startedAt: new Date(started).toISOString(), elapsedS: now() / 1000, sessions, requests, deliveries: receiver.deliveries, expected, expiries };
}

function progressLine(ms: number, sessions: LoadResult['sessions'], requests: RequestSample[], expected: LoadResult['expected'], deliveries: Delivery[]): string {
  const errors = (low: number) => requests.filter((r) => r.status >= low && r.status < low + 100).length;
  const unique = new Set(deliveries.map((d) => `${d.sessionId}:${d.eventType}`));
  const due = expected.filter((e) => e.at <= ms);
  const recent = requests.filter((r) => r.at > ms - 5000).map((r) => r.ms).sort((a, b) => a - b);
  const p50 = recent.length ? recent[Math.floor(recent.length / 2)]!.toFixed(0) : '–';
  return `t=${(ms / 1000).toFixed(0)}s sessions ${sessions.created}/${sessions.planned} · ${requests.length} requests (p50 ${p50} ms, 4xx ${errors(400)}, 5xx ${errors(500)}) · webhooks ${due.filter((e) => unique.has(e.key)).length}/${due.length} due (${deliveries.length - unique.size} dup)`;
}

export function seconds(hhmmss: string): number {
  const [h = 0, m = 0, s = 0] = hhmmss.split(':').map(Number);
  return h * 3600 + m * 60 + s;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface LoadReceiver {
  url: string;
  deliveries: Delivery[];
  close(): Promise<void>;
}

/** The merchant's endpoint: answers 200, keeps what arrived and whether its signature held. */
async function startLoadReceiver(webhookKey: string | undefined, now: () => number): Promise<LoadReceiver> {
  const deliveries: Delivery[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
        deliveries.push({
          at: now(),
          eventId: String(body.event_id ?? ''),
          eventType: String(body.event_type ?? body.state ?? ''),
          sessionId: String(body.session_id ?? ''),
          signed: webhookKey ? verifyWebhookSignature(body, webhookKey) : true,
        });
      } catch {
        deliveries.push({ at: now(), eventId: '', eventType: 'unreadable', sessionId: '', signed: false });
      }
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/payments`,
    deliveries,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
