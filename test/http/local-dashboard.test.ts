import { randomBytes } from 'node:crypto';
import { ActivityLog } from '../../functions/local/activity-log';
import { DEMO_ENV, seedBody, startTestApi, type TestApi } from '../fixtures/local-api';
import { startReceiver, waitFor, type WebhookReceiver } from '../fixtures/webhook-receiver';

// The local dashboard shows what the API says: deleted sessions as deleted, each operation with
// its child transaction, request and webhook, a search and a JSON list with paging, and the dead
// letters with a redrive button each.
let api: TestApi;
let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await startReceiver(200);
  api = await startTestApi({ env: { ...DEMO_ENV, CHECKOUT_ALLOW_LOOPBACK_WEBHOOKS: '1' }, delayScale: 0.00001, webhookTimeoutMs: 1000, activity: new ActivityLog() });
});

afterAll(async () => {
  await api?.close();
  await receiver?.close();
});

const tag = () => randomBytes(4).toString('hex');
const create = async (extra: Record<string, unknown> = {}) => {
  const created = await api.request('POST', '/b/checkout/v1/pymt-txn/', { body: { ...seedBody(), webhook_url: receiver.url, ...extra } });
  expect(created.status).toBe(201);
  return created.json.session_id as string;
};
const pay = (id: string) => api.request('POST', `/_local/sessions/${id}/pay`, { body: { card_number: '4111111111111111' }, auth: 'none' });
const operate = (body: Record<string, unknown>, headers: Record<string, string> = {}) => api.request('POST', '/b/pbl/v2/operation/', { body, headers });
const list = (query: string) => api.request('GET', `/_local/sessions.json${query}`, { auth: 'none' });

test('/_local/sessions.json: search by session id, order_no, e-mail and state, newest first, paged; a deleted session is deleted', async () => {
  const run = tag();
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push(await create({ order_no: `LIST-${run}-${i}`, customer_email: `buyer-${run}-${i}@example.com` }));
  await pay(ids[1]!);
  await pay(ids[2]!);
  expect((await operate({ session_id: ids[2], operation: 'delete' })).status).toBe(200);

  const byOrder = await list(`?q=LIST-${run}-3`);
  expect(byOrder.status).toBe(200);
  expect(byOrder.json).toMatchObject({ total: 1, offset: 0, limit: 50, next: null, sessions: [{ session_id: ids[3], order_no: `LIST-${run}-3`, deleted_at: null }] });
  expect((await list(`?q=buyer-${run}-4@EXAMPLE.com`)).json.sessions.map((s: any) => s.session_id)).toEqual([ids[4]]);
  expect((await list(`?q=${ids[0]!.slice(0, 16)}`)).json.sessions.map((s: any) => s.session_id)).toEqual([ids[0]]);

  // Every session of this run, newest first, two at a time; `next` leads through them all.
  const seen: string[] = [];
  let next: string | null = `/_local/sessions.json?q=LIST-${run}&limit=2`;
  while (next) {
    const page: { json: any } = await api.request('GET', next, { auth: 'none' });
    expect(page.json.total).toBe(5);
    seen.push(...page.json.sessions.map((s: any) => s.session_id));
    next = page.json.next;
  }
  expect(seen).toEqual([...ids].reverse());

  // The deleted one: GET answers 404, the dashboard says deleted (and no other state).
  expect((await api.request('GET', `/b/checkout/v1/pymt-txn/${ids[2]}/`)).status).toBe(404);
  const paid = await list(`?q=LIST-${run}&state=paid`);
  expect(paid.json.sessions.map((s: any) => s.session_id)).toEqual([ids[1]]);
  const deleted = await list(`?q=LIST-${run}&state=deleted`);
  expect(deleted.json.sessions).toEqual([expect.objectContaining({ session_id: ids[2], state: 'paid', deleted_at: expect.stringMatching(/^\d{4}-/) })]);
  const html = await api.request('GET', `/_local/?q=LIST-${run}`, { auth: 'none' });
  expect(html.text).toContain(`<span class="state deleted" title="was paid">deleted</span>`);
  expect(html.text).not.toContain(`href="/b/checkout/v1/pymt-txn/${ids[2]}/"`);
  expect(html.text).toContain(`href="/b/checkout/v1/pymt-txn/${ids[1]}/"`);
  const page = await api.request('GET', `/_local/sessions/${ids[2]}`, { auth: 'none' });
  expect(page.text).toMatch(/Deleted at .+ \(it was paid\): the API answers 404 for it\./);

  // Bad filters: Ottu's field-error shape, and the page says so.
  expect(await list('?limit=0&state=gone')).toMatchObject({ status: 400, json: { limit: ['Ensure this is a whole number from 1 to 200.'], state: [expect.stringContaining('"gone" is not a valid choice')] } });
  expect((await api.request('GET', '/_local/?offset=x', { auth: 'none' })).status).toBe(400);
  const filtered = await api.request('GET', `/_local/?q=LIST-${run}&state=created&limit=1`, { auth: 'none' });
  expect(filtered.text).toContain('1–1 of 3 matching');
  expect(filtered.text).toContain('rel="next"');
});

test("a session's page lists every operation with its child transaction, its request and its webhook, by session_id or order_no", async () => {
  const orderNo = `OPS-${tag()}`;
  const id = await create({ order_no: orderNo });
  await pay(id);
  const refund = await operate({ session_id: id, operation: 'refund', amount: '4' }, { 'tracking-key': `t-${orderNo}` });
  expect(refund.status).toBe(200);
  const other = await create({ order_no: `${orderNo}-c` });
  expect((await operate({ order_no: `${orderNo}-c`, operation: 'cancel' })).status).toBe(200);
  await waitFor(() => api.activity.forSession(id).some((a) => a.kind === 'webhook' && a.event === 'refunded' && a.outcome === 'delivered'), { what: 'the refund webhook' });
  await waitFor(() => api.activity.forSession(other).some((a) => a.kind === 'webhook' && a.event === 'canceled' && a.outcome === 'delivered'), { what: 'the cancel webhook' });

  const page = (await api.request('GET', `/_local/sessions/${id}`, { auth: 'none' })).text;
  const operations = page.slice(page.indexOf('<h2>Operations</h2>'), page.indexOf('<h2>Events</h2>'));
  expect(operations).toContain(`refund 4.000 KWD · <span class="state refunded">refunded</span> · ref <code>${refund.json.reference_number}</code>`);
  expect(operations).toMatch(/POST \/b\/pbl\/v2\/operation\/ 200 · <code>[0-9a-f-]{36}<\/code>/);
  expect(operations).toContain('delivered (HTTP 200), attempt 1');
  expect(operations).toContain('Refunded 4.000, captured 0.000, voided 0.000 KWD.');

  const canceled = (await api.request('GET', `/_local/sessions/${other}`, { auth: 'none' })).text;
  const canceledOps = canceled.slice(canceled.indexOf('<h2>Operations</h2>'), canceled.indexOf('<h2>Events</h2>'));
  expect(canceledOps).toMatch(/<td>canceled<\/td><td>—<\/td><td>POST \/b\/pbl\/v2\/operation\/ 200/);
  expect(canceled.slice(canceled.indexOf('<h2>Requests</h2>'))).toContain('POST /b/pbl/v2/operation/');
});

test('dead letters are listed with a redrive button each; redriving one sends that one again and leaves the others', async () => {
  const refusing = await startReceiver(404);
  try {
    const first = await create({ webhook_url: refusing.url });
    const second = await create({ webhook_url: refusing.url });
    await pay(first);
    await pay(second);
    const mine = () => api.ports.queue.deadLetters('webhook').filter((letter) => letter.body.includes(first) || letter.body.includes(second));
    const paidLetter = (id: string) => mine().find((letter) => letter.body.includes(id) && JSON.parse(letter.body).event.type === 'paid');
    await waitFor(() => !!paidLetter(first) && !!paidLetter(second), { what: 'the paid webhooks in the dead-letter queue' });
    const page = (await api.request('GET', '/_local/dead-letters', { auth: 'none' })).text;
    for (const letter of mine()) expect(page).toContain(`action="/_local/dead-letters/webhook/${letter.id}/redrive"`);
    expect(page).toContain('HTTP 404');
    expect((await api.request('GET', `/_local/sessions/${first}`, { auth: 'none' })).text).toContain('<h2>Dead letters</h2>');

    const target = paidLetter(first)!;
    const others = mine().filter((letter) => letter.id !== target.id).map((letter) => letter.id);
    const paidWebhooks = () => refusing.requests.filter((request) => request.body.session_id === first && request.body.event_type === 'paid').length;
    const before = paidWebhooks();
    refusing.fallback = 200;
    const redriven = await api.request('POST', `/_local/dead-letters/webhook/${target.id}/redrive`, { auth: 'none' });
    expect([redriven.status, redriven.headers.get('location')]).toEqual([303, '/_local/dead-letters']);
    await waitFor(() => paidWebhooks() > before, { what: 'the redriven webhook' });
    expect(mine().map((letter) => letter.id)).toEqual(others);
    expect((await api.request('POST', `/_local/dead-letters/webhook/${target.id}/redrive`, { auth: 'none' })).status).toBe(404);
  } finally {
    await refusing.close();
  }
});

test('GET / points to the reference and the local pages (JSON for a client, a page for a browser)', async () => {
  const json = await api.request('GET', '/', { auth: 'none' });
  expect(json.status).toBe(200);
  expect(json.json.detail).toBe('This is the Checkout API. Start at /docs, /openapi.json, /_local/, /_local/outbox.');
  expect(Object.keys(json.json.links)).toEqual(['/docs', '/openapi.json', '/_local/', '/_local/outbox']);
  const page = await api.request('GET', '/', { auth: 'none', headers: { accept: 'text/html,application/xhtml+xml' } });
  expect(page.headers.get('content-type')).toContain('text/html');
  expect(page.text).toContain('<a href="/docs">/docs</a>');
  // The API's own 404 elsewhere is unchanged.
  expect((await api.request('GET', '/nothing-here', { auth: 'none' })).status).toBe(404);
});

test('the sandbox pay helper answers field errors as sentences, like every other error', async () => {
  const id = await create();
  const bad = await api.request('POST', `/_local/sessions/${id}/pay`, { body: { card_number: '4111111111111112', expiry: '13/99' }, auth: 'none' });
  expect(bad.status).toBe(400);
  for (const messages of Object.values(bad.json) as string[][]) for (const message of messages) expect(message).toMatch(/^[A-Z].*\.$/);
  expect(bad.json.card_number).toEqual(['This card number is not valid. Check it and try again.']);
});
