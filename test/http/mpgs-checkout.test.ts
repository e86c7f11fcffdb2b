import { randomBytes } from 'node:crypto';
import { DEMO_MERCHANT } from '../../functions/local/mpgs/demo-merchant';
import { openPage, postPayment } from '../fixtures/checkout-form';
import { startTestApi, type TestApi } from '../fixtures/local-api';
import { payOnHostedForm } from '../fixtures/mpgs';
import { waitFor } from '../fixtures/webhook-receiver';

/**
 * An MPGS session paid through the API (embedded) and the local MPGS, both over real HTTP: the
 * pay post hands the customer to the gateway's page, the return and the notification only
 * trigger a sync, and Retrieve Order decides.
 */
let api: TestApi;

beforeAll(async () => {
  // Notifications from the fake are left to each test (the switch), so a test decides what races.
  api = await startTestApi({ localMpgs: { notificationTimeScale: 0.001 }, gatewayTimeoutMs: 1_000 });
});
afterAll(() => api.close());
afterEach(() => api.mpgs!.control.reset());

const eventTypes = (id: string) => api.ports.sessions.outbox.filter((event) => event.session_id === id).map((event) => event.type);

async function mpgsSession(body: Record<string, unknown> = {}) {
  const created = await api.request('POST', '/b/checkout/v1/pymt-txn/', { body: { type: 'payment_request', pg_codes: ['mpgs-kwd'], amount: '14.125', currency_code: 'KWD', ...body } });
  expect(created.status).toBe(201);
  return created.json.session_id as string;
}

/** Opens our page, posts its MPGS form (pg_code only) and returns the gateway session our page hands over. */
async function startMpgs(id: string, pgCode = 'mpgs-kwd') {
  const visit = await openPage(api, id);
  expect(visit.text).toContain(`name="pg_code" value="${pgCode}"`);
  const posted = await postPayment(api, id, { pg_code: pgCode }, visit);
  expect(posted.status).toBe(200);
  const sessionId = /Checkout\.configure\(\{"session":\{"id":"([^"]+)"\}\}\)/.exec(posted.text)?.[1];
  expect(sessionId).toBeDefined();
  const attempt = (await api.ports.sessions.get(id))!.attempts.at(-1)!;
  return { posted, sessionId: sessionId!, attempt };
}

/** What the browser does after the gateway: follows MPGS's 303 to our return URL. */
async function comeBack(location: URL) {
  expect(location.origin).toBe(api.url);
  return api.request('GET', location.pathname + location.search, { auth: 'none' });
}

test('the page offers MPGS without card fields; the post answers the hand-over page with checkout.min.js under a CSP for that one host', async () => {
  api.mpgs!.control.notifications('never');
  const id = await mpgsSession();
  const visit = await openPage(api, id);
  expect(visit.text).not.toContain('name="card_number"');
  const { posted, attempt } = await startMpgs(id);
  const origin = api.mpgs!.url;
  expect(posted.text).toContain(`<script src="${origin}/static/checkout/checkout.min.js"></script>`);
  expect(posted.text).toContain('Checkout.showPaymentPage();');
  const csp = posted.headers.get('content-security-policy')!;
  expect(csp).toMatch(new RegExp(`script-src ${origin} 'sha256-[^']+'`));
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain(`form-action ${origin}`);
  // The attempt waits for the gateway; the proof of success stays ours.
  expect(attempt).toMatchObject({ pg_code: 'mpgs-kwd', result: 'pending', gateway: { session_id: expect.any(String), success_indicator: expect.any(String) } });
  const document = (await api.request('GET', `/b/checkout/v1/pymt-txn/${id}`)).json;
  expect(document.attempts[0].gateway).toBeUndefined();
  expect(JSON.stringify(document)).not.toContain(attempt.gateway!.success_indicator!);
  const sent = api.mpgs!.requests().find((entry) => entry.path.endsWith('/session') && (entry.body as { order?: { id?: string } }).order?.id === attempt.reference_number)!;
  expect(sent.body).toMatchObject({ order: { amount: '14.125', currency: 'KWD', notificationUrl: `${api.url}/checkout/notify/mpgs-kwd/${id}` }, interaction: { operation: 'PURCHASE', returnUrl: `${api.url}/checkout/${id}/return?attempt=${attempt.reference_number}` } });
});

test('approved: the return syncs, the session is paid with pg_params, one paid event, and the customer goes on to redirect_url', async () => {
  api.mpgs!.control.notifications('never');
  const id = await mpgsSession({ redirect_url: 'https://shop.example.com/done', order_no: `MP-${randomBytes(3).toString('hex')}` });
  const { sessionId, attempt } = await startMpgs(id);
  const back = await comeBack(await payOnHostedForm(api.mpgs!, sessionId, { expiry: '01/39' }));
  expect(back.status).toBe(303);
  expect(back.headers.get('location')).toMatch(/^https:\/\/shop\.example\.com\/done\?session_id=/);
  const session = (await api.ports.sessions.get(id))!;
  expect(session).toMatchObject({ state: 'paid', settled_pg_code: 'mpgs-kwd', result: 'success', reference_number: attempt.reference_number });
  expect(session.attempts.at(-1)).toMatchObject({ result: 'success', card_brand: 'mastercard', card_last4: '0008', pg_params: { card_number: expect.stringMatching(/^512345x+0008$/), result: 'APPROVED', auth_code: expect.any(String), rrn: expect.any(String) } });
  expect(eventTypes(id)).toEqual(['created', 'pending', 'paid']);
  // Neither the full number nor the security code reached anything of ours.
  expect(JSON.stringify(session)).not.toMatch(/5123450000000008|"securityCode"/);
});

test('declined then approved on a second attempt; expired card; a cancel leaves the session payable', async () => {
  api.mpgs!.control.notifications('never');
  const id = await mpgsSession();
  const first = await startMpgs(id);
  await comeBack(await payOnHostedForm(api.mpgs!, first.sessionId, { expiry: '05/39' }));
  expect((await api.ports.sessions.get(id))!).toMatchObject({ state: 'attempted', result: 'failed' });
  const page = await openPage(api, id);
  expect(page.text).toContain('Your card was declined.');
  const second = await startMpgs(id);
  await comeBack(await payOnHostedForm(api.mpgs!, second.sessionId, { expiry: '01/39' }));
  expect((await api.ports.sessions.get(id))!).toMatchObject({ state: 'paid', reference_number: second.attempt.reference_number });
  expect(eventTypes(id)).toEqual(['created', 'pending', 'attempted', 'paid']);

  const expired = await mpgsSession();
  const attempt = await startMpgs(expired);
  await comeBack(await payOnHostedForm(api.mpgs!, attempt.sessionId, { expiry: '04/27' }));
  expect((await api.ports.sessions.get(expired))!.attempts.at(-1)).toMatchObject({ result: 'failed', pg_params: { result: 'EXPIRED_CARD' } });

  const canceled = await mpgsSession();
  const left = await startMpgs(canceled);
  const cancel = await fetch(`${api.mpgs!.url}/checkout/cancel/${left.sessionId}`, { redirect: 'manual' });
  expect(cancel.status).toBeGreaterThanOrEqual(300);
  await comeBack(new URL(cancel.headers.get('location')!));
  expect((await api.ports.sessions.get(canceled))!).toMatchObject({ state: 'pending', result: 'pending' });
});

// The notification route's own tests (200 at once, its sync queued; 401s): mpgs-notification.test.ts.
test("the gateway's own notification (the browser never returns) pays the session", async () => {
  const id = await mpgsSession();
  const { sessionId } = await startMpgs(id);
  api.mpgs!.control.browserNeverReturns();
  await fetch(`${api.mpgs!.url}/checkout/pay/${sessionId}`, { method: 'POST', body: new URLSearchParams({ cardNumber: '5123450000000008', expiryMonth: '01', expiryYear: '39', securityCode: '100', nameOnCard: 'A' }), redirect: 'manual' });
  await waitFor(async () => (await api.ports.sessions.get(id))!.state === 'paid', { what: 'paid by the notification' });
  expect(eventTypes(id)).toEqual(['created', 'pending', 'paid']);
});

test('races: the return, duplicate notifications and the merchant inquiry at once give one paid and one event', async () => {
  api.mpgs!.control.notifications('never');
  const id = await mpgsSession();
  const { sessionId, attempt } = await startMpgs(id);
  const back = await payOnHostedForm(api.mpgs!, sessionId, { expiry: '01/39' });
  const notify = () =>
    api.request('POST', `/checkout/notify/mpgs-kwd/${id}`, { auth: 'none', body: JSON.stringify({ order: { id: attempt.reference_number } }), headers: { 'content-type': 'application/json', 'x-notification-secret': DEMO_MERCHANT.notificationSecret } });
  const answers = await Promise.all([comeBack(back), notify(), notify(), api.request('POST', '/b/pbl/v2/inquiry/', { body: { session_id: id } }), comeBack(back)]);
  expect(answers.map((answer) => answer.status)).toEqual([303, 200, 200, 200, 303]);
  expect((await api.ports.sessions.get(id))!.state).toBe('paid');
  expect(eventTypes(id)).toEqual(['created', 'pending', 'paid']);
});

test('refund, capture and void reach the local MPGS with our child reference; a refusal is Ottu\'s 400 with MPGS\'s explanation', async () => {
  api.mpgs!.control.notifications('never');
  const id = await mpgsSession({ pg_codes: ['mpgs-authorize'] });
  const { sessionId, attempt } = await startMpgs(id, 'mpgs-authorize');
  await comeBack(await payOnHostedForm(api.mpgs!, sessionId, { expiry: '01/39' }));
  expect((await api.ports.sessions.get(id))!.state).toBe('authorized');
  const operate = (body: Record<string, unknown>) => api.request('POST', '/b/pbl/v2/operation/', { body: { session_id: id, ...body } });
  const capture = await operate({ operation: 'capture', amount: '10' });
  expect(capture.status).toBe(200);
  expect(capture.json).toMatchObject({ operation: 'capture', result: 'success', amount: '10.000' });
  const put = api.mpgs!.requests().filter((entry) => entry.method === 'PUT').at(-1)!;
  expect(put.path).toBe(`/api/rest/version/100/merchant/${DEMO_MERCHANT.id}/order/${attempt.reference_number}/transaction/${capture.json.reference_number}`);
  expect(put.body).toEqual({ apiOperation: 'CAPTURE', transaction: { amount: '10.000', currency: 'KWD' } });
  expect((await operate({ operation: 'refund', amount: '4' })).status).toBe(200);
  // Our own rule first: never more than what is left (6.000 captured and not refunded).
  const tooMuch = await operate({ operation: 'refund', amount: '6.001' });
  expect(tooMuch.status).toBe(400);
  const puts = api.mpgs!.requests().filter((entry) => entry.method === 'PUT').length;
  // A void after a capture: our rule refuses it before MPGS is asked.
  expect((await operate({ operation: 'void' })).status).toBe(400);
  expect(api.mpgs!.requests().filter((entry) => entry.method === 'PUT').length).toBe(puts);
  const session = (await api.ports.sessions.get(id))!;
  expect(session.transactions!.map((child) => [child.operation, child.amount])).toEqual([['capture', '10.000'], ['refund', '4.000']]);
  expect(session.transactions![0]!.pg_response).toMatchObject({ result: 'SUCCESS', transaction: { type: 'CAPTURE' } });

  // MPGS refuses (SERVER_BUSY twice: unknown, nothing committed, 503; then a refusal of its own).
  api.mpgs!.control.failNext(2, 'server-busy', { method: 'PUT' });
  const unknown = await operate({ operation: 'refund', amount: '1' });
  expect(unknown.status).toBe(503);
  expect((await api.ports.sessions.get(id))!.transactions).toHaveLength(2);

  const voidable = await mpgsSession({ pg_codes: ['mpgs-authorize'] });
  const other = await startMpgs(voidable, 'mpgs-authorize');
  await comeBack(await payOnHostedForm(api.mpgs!, other.sessionId, { expiry: '01/39' }));
  const voided = await api.request('POST', '/b/pbl/v2/operation/', { body: { session_id: voidable, operation: 'void' } });
  expect(voided.status).toBe(200);
  // As Ottu's transaction states: the parent stays authorized, with a voided child.
  const afterVoid = (await api.ports.sessions.get(voidable))!;
  expect(afterVoid.state).toBe('authorized');
  expect((afterVoid.transactions ?? []).map((t) => t.state)).toEqual(['voided']);
});

test("the merchant's inquiry asks MPGS about a pending attempt: paid though neither the browser nor a notification came back; unknown stays pending", async () => {
  api.mpgs!.control.notifications('never');
  const id = await mpgsSession();
  const { sessionId } = await startMpgs(id);
  api.mpgs!.control.browserNeverReturns();
  await fetch(`${api.mpgs!.url}/checkout/pay/${sessionId}`, { method: 'POST', body: new URLSearchParams({ cardNumber: '5123450000000008', expiryMonth: '01', expiryYear: '39', securityCode: '100', nameOnCard: 'A' }), redirect: 'manual' });
  api.mpgs!.control.failNext(1, 'server-busy');
  const busy = await api.request('POST', '/b/pbl/v2/inquiry/', { body: { session_id: id } });
  expect(busy.json).toMatchObject({ state: 'pending', result: 'pending' });
  const inquiry = await api.request('POST', '/b/pbl/v2/inquiry/', { body: { session_id: id } });
  expect(inquiry.status).toBe(200);
  expect(inquiry.json).toMatchObject({ state: 'paid', result: 'success', gateway_name: 'mpgs', gateway_account: 'mpgs-kwd' });
  expect(eventTypes(id)).toEqual(['created', 'pending', 'paid']);
});
