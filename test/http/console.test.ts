import { gunzipSync } from 'node:zlib';
import { ActivityLog, formatLine } from '../../functions/local/activity-log';
import { rawRequest } from '../fixtures/raw-request';
import { DEMO_ENV, seedBody, startTestApi, type TestApi } from '../fixtures/local-api';
import { startReceiver, type WebhookReceiver } from '../fixtures/webhook-receiver';

// npm start's console (one line per request and delivery attempt), X-Request-Id, the API
// reference, the sandbox pay helper and the local dashboard.
const FAST = { delayScale: 0.00001, webhookTimeoutMs: 1000 };
let api: TestApi;
let receiver: WebhookReceiver;
let lines: string[];

beforeAll(async () => {
  receiver = await startReceiver(200);
  lines = [];
  api = await startTestApi({ env: { ...DEMO_ENV, CHECKOUT_ALLOW_LOOPBACK_WEBHOOKS: '1' }, ...FAST, activity: new ActivityLog({ print: (line) => lines.push(line) }) });
  // These lines follow the `created` webhook, which Ottu sends only when the merchant asks.
  api.ports.config.replace({ ...(await api.ports.config.load()), webhook_open_events: ['created'] });
});

afterAll(async () => {
  await api.close();
  await receiver.close();
});

async function waitFor(check: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const create = async (extra: Record<string, unknown> = {}) => {
  const created = await api.request('POST', '/b/checkout/v1/pymt-txn/', { body: { ...seedBody(), webhook_url: receiver.url, ...extra } });
  expect(created.status).toBe(201);
  return created.json.session_id as string;
};
const pay = (id: string, body: unknown) => api.request('POST', `/_local/sessions/${id}/pay`, { body, auth: 'none' });

test('every response carries X-Request-Id, and the console prints one line per request with it', async () => {
  const answers = await Promise.all([
    api.request('POST', '/b/checkout/v1/pymt-txn/', { body: seedBody() }),
    api.request('POST', '/b/checkout/v1/pymt-txn/', { body: seedBody(), auth: 'none' }),
    api.request('GET', '/b/checkout/v1/pymt-txn/' + 'f'.repeat(40)),
    api.request('GET', '/no/such/path'),
    api.request('GET', '/static/pg-icons/card.svg'),
    api.request('GET', '/docs'),
    api.request('GET', '/_local/outbox.json'),
  ]);
  expect(answers.map((a) => a.status)).toEqual([201, 401, 404, 404, 200, 200, 200]);
  const ids = answers.map((a) => a.headers.get('x-request-id'));
  for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
  expect(new Set(ids).size).toBe(ids.length);
  await waitFor(() => ids.every((id) => lines.some((line) => line.includes(id!))));
  const line = lines.find((l) => l.includes(ids[1]!))!;
  expect(line).toMatch(/^\d\d:\d\d:\d\d\.\d{3} POST \/b\/checkout\/v1\/pymt-txn\/ 401 \d+ ms {2}req [0-9a-f-]{36}$/);
});

test('one line per webhook attempt (URL, status, attempt, next retry) and per e-mail/SMS', async () => {
  receiver.script(503);
  const id = await create();
  await waitFor(() => lines.some((l) => l.includes('webhook created') && l.includes('delivered')));
  const webhook = lines.filter((l) => l.includes('webhook created'));
  expect(webhook[0]).toContain(`→ ${receiver.url} HTTP 503, attempt 1: retrying, next retry in`);
  expect(webhook[1]).toContain(`→ ${receiver.url} HTTP 200, attempt 2: delivered`);
  await waitFor(() => lines.some((l) => l.includes('e-mail created → customer@example.com')) && lines.some((l) => l.includes('SMS created → +96550000000')));
  expect(api.activity.forSession(id).map((a) => a.kind)).toEqual(expect.arrayContaining(['request', 'webhook', 'email', 'sms']));
});

test('LOG_FORMAT=json prints the same as one JSON object per line', () => {
  const printed: string[] = [];
  const log = new ActivityLog({ format: 'json', print: (line) => printed.push(line), now: () => new Date('2026-11-25T10:31:07.120Z') });
  log.request({ method: 'GET', path: '/x', status: 200, duration_ms: 3, request_id: 'r-1' });
  log.info('webhook attempt', { url: 'https://m.example/h', status_code: 503, attempt: 2, outcome: 'retrying', next_retry_seconds: 60 });
  expect(printed.map((line) => JSON.parse(line))).toEqual([
    { level: 'INFO', timestamp: '2026-11-25T10:31:07.120Z', service: 'checkout-api-local', kind: 'request', message: 'request', method: 'GET', path: '/x', status: 200, duration_ms: 3, request_id: 'r-1' },
    expect.objectContaining({ kind: 'webhook', url: 'https://m.example/h', status_code: 503, attempt: 2, next_retry_seconds: 60 }),
  ]);
  expect(formatLine(log.entries[1]!)).toBe('10:31:07.120   webhook  → https://m.example/h HTTP 503, attempt 2: retrying, next retry in 60 s');
});

test('GET /openapi.json and GET /docs: the document and its reference, nothing from another origin', async () => {
  const doc = await api.request('GET', '/openapi.json');
  expect(doc.status).toBe(200);
  expect(doc.json).toMatchObject({ openapi: '3.1.0', servers: [{ url: api.url }] });
  const page = await api.request('GET', '/docs/');
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toContain('text/html');
  expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'; style-src 'sha256-/);
  for (const op of ['CreateSession', 'RetrieveSession', 'PatchSession', 'PutSession', 'UploadAttachment', 'CheckoutPay']) expect(page.text).toContain(`id="${op}"`);
  expect(page.text).toContain('max 128 chars');
  expect(page.text).not.toMatch(/<script|<link|@import|src="http|href="https?:\/\/(?!localhost)/);
});

test('GET /openapi.json: gzipped for a client that takes gzip, the same document as text for one that does not', async () => {
  const plain = await rawRequest(api.url, 'GET', '/openapi.json', []);
  expect(plain.headers['content-encoding']).toBeUndefined();
  expect(plain.json).toMatchObject({ openapi: '3.1.0', servers: [{ url: api.url }] });
  const zipped = await rawRequest(api.url, 'GET', '/openapi.json', [['accept-encoding', 'gzip']]);
  expect(zipped.headers).toMatchObject({ 'content-encoding': 'gzip', vary: 'accept-encoding', 'content-type': 'application/json' });
  expect(gunzipSync(zipped.body).toString('utf8')).toBe(plain.text);
  expect(zipped.body.length).toBeLessThan(plain.body.length / 5);
});

test('GET /docs: a browser gets the stored gzip, a client that does not take gzip the text', async () => {
  const plain = await rawRequest(api.url, 'GET', '/docs', []);
  expect(plain.status).toBe(200);
  expect(plain.headers['content-encoding']).toBeUndefined();
  expect(plain.text).toContain('id="CreateSession"');
  const zipped = await rawRequest(api.url, 'GET', '/docs', [['accept-encoding', 'gzip, deflate, br']]);
  expect(zipped.status).toBe(200);
  expect(zipped.headers).toMatchObject({ 'content-encoding': 'gzip', vary: 'accept-encoding', 'content-type': 'text/html; charset=utf-8' });
  expect(gunzipSync(zipped.body).toString('utf8')).toBe(plain.text);
  expect(zipped.body.length).toBeLessThan(plain.body.length / 5);
  expect((await rawRequest(api.url, 'GET', '/docs', [['accept-encoding', 'gzip;q=0, br']])).headers['content-encoding']).toBeUndefined();
});

test('the sandbox pay helper runs the page\'s payment: a success, a decline, a gateway error, a bad card', async () => {
  const paid = await pay(await create(), { card_number: '4111111111111111' });
  expect(paid.status).toBe(200);
  expect(paid.json).toMatchObject({ state: 'paid', result: 'success', attempts: [{ card_last4: '1111', result: 'success' }] });
  expect(paid.json.checkout_url).toContain(api.url);
  expect((await pay(paid.json.session_id, { card_number: '4111111111111111' })).status).toBe(409);

  const id = await create();
  expect((await pay(id, { card_number: '4000 0000 0000 0002' })).json).toMatchObject({ state: 'attempted', result: 'failed' });
  expect((await pay(id, { card_number: '4000000000000119' })).json).toMatchObject({ state: 'attempted', result: 'error' });
  expect((await pay(id, { card_number: '1234' })).json).toEqual({ card_number: ['Enter the 12 to 19 digits of your card number.'] });
  expect((await pay(id, { card_number: '4111111111111111', pg_code: 'nope' })).json).toEqual({ pg_code: ['Choose a payment method.'] });
  expect((await pay(id, '[1]')).status).toBe(400);
  expect((await pay('0'.repeat(40), { card_number: '4111111111111111' })).status).toBe(404);
});

test('the dashboard lists sessions newest first and shows one with its events, attempts and a redeliver button', async () => {
  const first = await create({ order_no: 'DASH-1' });
  const second = await create({ order_no: 'DASH-2' });
  await pay(second, { card_number: '4111111111111111' });
  await waitFor(() => api.activity.forSession(second).some((a) => a.kind === 'webhook' && a.event === 'paid'));
  const list = await api.request('GET', '/_local/', { auth: 'none' });
  expect(list.status).toBe(200);
  expect(list.text.indexOf(second.slice(0, 12))).toBeLessThan(list.text.indexOf(first.slice(0, 12)));
  expect(list.text).toContain('DASH-2');

  const page = await api.request('GET', `/_local/sessions/${second}`, { auth: 'none' });
  expect(page.text).toMatch(/<td>created<\/td>.*<td>paid<\/td>/s);
  expect(page.text).toMatch(/<td>paid<\/td><td>1<\/td><td>200<\/td><td>delivered<\/td>/);
  expect(page.text).toContain('customer@example.com');
  expect(page.text).toContain(`action="/_local/sessions/${second}/redeliver-webhook"`);

  const before = receiver.requests.filter((r) => r.body.session_id === second && r.body.event_type === 'paid').length;
  const redeliver = await api.request('POST', `/_local/sessions/${second}/redeliver-webhook`, { auth: 'none' });
  expect(redeliver.status).toBe(303);
  await waitFor(() => receiver.requests.filter((r) => r.body.session_id === second && r.body.event_type === 'paid').length === before + 1);
});
