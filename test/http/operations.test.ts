import { verifyWebhookSignature } from '../../functions/domain/webhook-signature';
import { SANDBOX_CARDS } from '../../functions/adapters/sandbox/sandbox-cards';
import { GOOD_CARD, openPage, postPayment } from '../fixtures/checkout-form';
import { expiryIndexKeys, isDueToExpire } from '../../functions/domain/expiry';
import { DEMO_ENV, seedBody, startTestApi, type TestApi } from '../fixtures/local-api';
import { startReceiver, waitFor, type WebhookReceiver } from '../fixtures/webhook-receiver';

const KEY = DEMO_ENV.CHECKOUT_DEMO_WEBHOOK_KEY;
let api: TestApi;
let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startReceiver();
  api = await startTestApi({ env: { ...DEMO_ENV, CHECKOUT_ALLOW_LOOPBACK_WEBHOOKS: '1' }, delayScale: 0.00001, webhookTimeoutMs: 1000 });
});
afterAll(async () => {
  await api.close();
  await receiver.close();
});

const ALL = ['created', 'paid', 'canceled', 'failed', 'expired', 'authorized', 'voided', 'refunded', 'captured'];

async function create(body: Record<string, unknown> = {}) {
  const created = await api.request('POST', '/b/checkout/v1/pymt-txn/', { body: { ...seedBody(), webhook_url: receiver.url, ...body } });
  expect(created.status).toBe(201);
  return created.json.session_id as string;
}

/** A session paid (sandbox-kwd, KWD) or authorized (sandbox-authorize) on the hosted page. */
async function settled(pgCode = 'sandbox-kwd', body: Record<string, unknown> = {}, card = GOOD_CARD.card_number) {
  const id = await create({ pg_codes: [pgCode], ...body });
  const visit = await openPage(api, id);
  const paid = await postPayment(api, id, { ...GOOD_CARD, card_number: card, pg_code: pgCode }, visit);
  expect(paid.status).toBeLessThan(400);
  return id;
}

const operate = (body: Record<string, unknown>, headers: Record<string, string> = {}, auth = 'key') => api.request('POST', '/b/pbl/v2/operation/', { body, headers, auth });
const doc = async (id: string) => (await api.request('GET', `/b/checkout/v1/pymt-txn/${id}`)).json;

test('partial and repeated refunds of a paid KWD session, each a child; the parent stays paid; more than is left is refused', async () => {
  const id = await settled();
  const first = await operate({ session_id: id, operation: 'refund', amount: '4' });
  expect(first.status).toBe(200);
  expect(first.json).toMatchObject({
    amount: '4.000',
    session_id: id,
    operation: 'refund',
    pg_code: 'sandbox-kwd',
    is_sandbox: true,
    result: 'success',
    success: true,
    txn: { amount: '4.000', currency_code: 'KWD', state: 'refunded' },
  });
  // The child is a payment transaction of its own (Ottu's example): its own id, not the parent's.
  expect(first.json.txn.session_id).toMatch(/^[0-9a-f]{40}$/);
  expect(first.json.txn.session_id).not.toBe(id);
  expect(first.json.reference_number).toMatch(/^[A-Z0-9]{12}$/);
  expect(verifyWebhookSignature(first.json, KEY)).toBe(true);

  const tooMuch = await operate({ session_id: id, operation: 'refund', amount: '10.001' });
  expect(tooMuch.status).toBe(400);
  expect(tooMuch.json).toEqual({ detail: expect.stringContaining('10.000 KWD'), operation: 'refund', result: 'failed' });
  const decimals = await operate({ session_id: id, operation: 'refund', amount: '1.0001' });
  // A malformed amount is a field error, in DRF's shape, as Ottu answers it.
  expect(decimals).toMatchObject({ status: 400, json: { amount: ['Ensure that there are no more than 3 decimal places.'] } });
  const zero = await operate({ session_id: id, operation: 'refund', amount: '0' });
  expect(zero.status).toBe(400);

  const rest = await operate({ session_id: id, operation: 'refund' });
  expect(rest.json).toMatchObject({ amount: '10.000', result: 'success' });
  const none = await operate({ session_id: id, operation: 'refund', amount: '0.001' });
  expect(none.json).toMatchObject({ result: 'failed', detail: 'Nothing is left to refund.' });

  const session = await doc(id);
  expect(session.state).toBe('paid');
  expect(session.refunded_amount).toBe('14.000');
  expect(session.transactions.map((child: { amount: string; state: string }) => [child.amount, child.state])).toEqual([
    ['4.000', 'refunded'],
    ['10.000', 'refunded'],
  ]);
});

test('capture in part (USD, 2 decimals), refund what was captured, void refused after a capture', async () => {
  const id = await settled('sandbox-authorize', { currency_code: 'USD', amount: '20' });
  expect((await doc(id)).state).toBe('authorized');
  expect((await operate({ session_id: id, operation: 'refund' })).json).toMatchObject({ result: 'failed', detail: expect.stringContaining('capture') });
  expect(await operate({ session_id: id, operation: 'capture', amount: '5.001' })).toMatchObject({ status: 400, json: { amount: ['Ensure that there are no more than 2 decimal places.'] } });
  const captured = await operate({ session_id: id, operation: 'capture', amount: '7.5' });
  expect(captured.json).toMatchObject({ amount: '7.50', operation: 'capture', txn: { state: 'paid', currency_code: 'USD' } });
  expect((await operate({ session_id: id, operation: 'void' })).json).toMatchObject({ result: 'failed', operation: 'void' });
  expect((await operate({ session_id: id, operation: 'refund', amount: '8' })).json).toMatchObject({ result: 'failed' });
  expect((await operate({ session_id: id, operation: 'refund', amount: '2.25' })).json).toMatchObject({ amount: '2.25', result: 'success' });
  expect((await operate({ session_id: id, operation: 'capture' })).json).toMatchObject({ amount: '12.50', result: 'success' });
  const session = await doc(id);
  expect(session).toMatchObject({ state: 'authorized', captured_amount: '20.00', refunded_amount: '2.25', voided_amount: '0.00' });
});

test('void an authorization: the parent stays authorized with a voided child and nothing left to capture; its webhook is Ottu\'s signed operation payload; e-mail and SMS go out', async () => {
  const id = await settled('sandbox-authorize', { notifications: { email: ALL, sms: ALL } });
  const voided = await operate({ session_id: id, operation: 'void', amount: '1' });
  expect(voided.json).toMatchObject({ amount: '14.000', operation: 'void', txn: { state: 'voided' } });
  expect(await doc(id)).toMatchObject({ state: 'authorized', voided_amount: '14.000', transactions: [{ operation: 'void', state: 'voided', amount: '14.000' }] });
  expect((await operate({ session_id: id, operation: 'capture' })).json).toMatchObject({ result: 'failed', detail: 'The authorization was voided: nothing is left to capture.' });
  expect((await operate({ session_id: id, operation: 'void' })).json).toMatchObject({ result: 'failed', detail: 'The authorization was already voided.' });
  const hook = await waitFor(() => receiver.requests.find((request) => request.body.session_id === id && request.body.event_type === 'voided'), { what: 'the voided webhook' });
  expect(hook!.body).toMatchObject({ operation: 'void', amount: '14.000', reference_number: voided.json.reference_number, txn: { state: 'voided' }, source: 'input' });
  expect(verifyWebhookSignature(hook!.body, KEY)).toBe(true);
  await waitFor(() => api.outbox.entries.filter((entry) => entry.channel === 'email' && entry.to === 'customer@example.com').length >= 3, { what: 'created, authorized and voided e-mails' });
  await waitFor(() => api.outbox.entries.some((entry) => entry.channel === 'sms' && /void/i.test(JSON.stringify(entry))), { what: 'the voided SMS' });
});

test('refund and capture events send their webhooks, e-mails and SMS', async () => {
  const id = await settled('sandbox-kwd', { notifications: { email: ['refunded'], sms: ['refunded'] }, customer_email: 'refund-me@example.com' });
  const refunded = await operate({ session_id: id, operation: 'refund', amount: '1.5' });
  const hook = await waitFor(() => receiver.requests.find((request) => request.body.session_id === id && request.body.event_type === 'refunded'), { what: 'the refund webhook' });
  expect(hook!.body).toMatchObject({ amount: '1.500', operation: 'refund', reference_number: refunded.json.reference_number, signature: refunded.json.signature });
  const mail = await waitFor(() => api.outbox.entries.find((entry) => entry.channel === 'email' && entry.to === 'refund-me@example.com'), { what: 'the refunded e-mail' });
  // The partial refund's own amount, not the payment's.
  expect(mail!.channel === 'email' && mail!.text).toContain('1.500 KWD of your payment');
  await waitFor(() => api.outbox.entries.some((entry) => entry.channel === 'sms' && /refund/i.test(JSON.stringify(entry))), { what: 'the refunded SMS' });

  const auth = await settled('sandbox-authorize', { notifications: { email: ['captured'], sms: [] }, customer_email: 'capture-me@example.com' });
  await operate({ session_id: auth, operation: 'capture' });
  await waitFor(() => receiver.requests.find((request) => request.body.session_id === auth && request.body.event_type === 'captured' && request.body.txn?.state === 'paid'), { what: 'the capture webhook' });
  await waitFor(() => api.outbox.entries.some((entry) => entry.channel === 'email' && entry.to === 'capture-me@example.com'), { what: 'the captured e-mail' });
});

test('cancel and expire open sessions (by session_id or order_no); the canceled notifications go out', async () => {
  const id = await create({ notifications: { email: ['canceled'], sms: ['canceled'] }, customer_email: 'cancel-me@example.com' });
  const canceled = await operate({ session_id: id, operation: 'cancel' });
  expect(canceled.status).toBe(200);
  expect(canceled.json).toEqual({ detail: expect.any(String), operation: 'cancel', result: 'success' });
  expect((await doc(id)).state).toBe('canceled');
  await waitFor(() => api.outbox.entries.some((entry) => entry.channel === 'email' && entry.to === 'cancel-me@example.com'), { what: 'the canceled e-mail' });
  await waitFor(() => receiver.requests.some((request) => request.body.session_id === id && request.body.state === 'canceled' && request.body.result === 'canceled'));

  const again = await operate({ session_id: id, operation: 'cancel' });
  expect(again.status).toBe(400);
  expect(again.json).toEqual({ detail: 'Cannot cancel a payment transaction in state "canceled".', operation: 'cancel', result: 'failed' });

  const pending = await create({ order_no: 'ops-expire-1' });
  await openPage(api, pending);
  const expired = await operate({ order_no: 'ops-expire-1', operation: 'expire' });
  expect(expired.json).toMatchObject({ operation: 'expire', result: 'success' });
  expect((await doc(pending)).state).toBe('expired');
  expect((await operate({ session_id: pending, operation: 'expire' })).json.result).toBe('failed');
  // The expired session gave its order_no back: operations by it find nothing, the status query
  // still reports it, until a new session takes the order_no.
  expect((await operate({ order_no: 'ops-expire-1', operation: 'cancel' })).status).toBe(404);
  const status = await api.request('POST', '/b/pbl/v2/inquiry/', { body: { order_no: 'ops-expire-1' } });
  expect(status.json).toMatchObject({ session_id: pending, order_no: 'ops-expire-1', state: 'expired' });
  const next = await create({ order_no: 'ops-expire-1' });
  expect((await api.request('POST', '/b/pbl/v2/inquiry/', { body: { order_no: 'ops-expire-1' } })).json).toMatchObject({ session_id: next, state: 'created' });
});

test('refused states: refund of an open session, capture/void of a paid one, cancel of a paid one', async () => {
  const open = await create();
  for (const operation of ['refund', 'capture', 'void']) {
    const response = await operate({ session_id: open, operation });
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ operation, result: 'failed' });
  }
  const paid = await settled();
  for (const operation of ['capture', 'void', 'cancel', 'expire']) {
    expect((await operate({ session_id: paid, operation })).json).toMatchObject({ operation, result: 'failed' });
  }
  expect((await doc(paid)).state).toBe('paid');
});

test('delete: soft for a paid session, for good for an open one, and retrieve answers 404 afterwards either way', async () => {
  const paid = await settled('sandbox-kwd', { order_no: 'ops-delete-paid' });
  const open = await create({ order_no: 'ops-delete-1' });
  expect((await operate({ session_id: paid, operation: 'delete' })).json).toMatchObject({ operation: 'delete', result: 'success' });
  expect((await operate({ order_no: 'ops-delete-1', operation: 'delete' })).json).toMatchObject({ operation: 'delete', result: 'success' });
  for (const id of [paid, open]) {
    expect((await api.request('GET', `/b/checkout/v1/pymt-txn/${id}`, { auth: 'none' })).status).toBe(404);
    expect((await operate({ session_id: id, operation: 'refund' })).status).toBe(404);
  }
  // The paid record (the money trail) stays, with its order_no; the open one's order_no is free again.
  expect((await api.ports.sessions.get(paid))?.deleted_at).toEqual(expect.any(String));
  expect((await api.request('POST', '/b/checkout/v1/pymt-txn/', { body: { ...seedBody(), order_no: 'ops-delete-paid' } })).status).toBe(400);
  expect((await api.request('POST', '/b/checkout/v1/pymt-txn/', { body: { ...seedBody(), order_no: 'ops-delete-1' } })).status).toBe(201);
  // A deleted open session keeps its expiry index entry (the delete wrote none) but is never due,
  // so the sweep reads it and leaves it: no event can follow its delete.
  const deleted = (await api.ports.sessions.get(open))!;
  const { deleted_at: _, ...undeleted } = deleted;
  const pastExpiry = new Date(Date.parse(deleted.expires_at) + 1);
  expect(expiryIndexKeys(deleted)).toEqual(expiryIndexKeys(undeleted));
  expect(isDueToExpire(deleted, pastExpiry)).toBe(false);
  expect(isDueToExpire(undeleted, pastExpiry)).toBe(true);
});

test('the sandbox rejects every operation on a session paid with the rejecting card', async () => {
  const id = await settled('sandbox-kwd', {}, SANDBOX_CARDS.operationsRejected);
  const response = await operate({ session_id: id, operation: 'refund' });
  expect(response.status).toBe(400);
  expect(response.json).toEqual({ detail: 'The payment gateway rejected the refund.', operation: 'refund', result: 'failed' });
  expect((await doc(id)).transactions).toEqual([]);
});

test('authentication, permissions, validation, unknown sessions, form bodies and the optional slash', async () => {
  const id = await settled();
  expect((await operate({ session_id: id, operation: 'refund' }, {}, 'none')).status).toBe(401);
  const denied = await operate({ session_id: id, operation: 'delete' }, {}, 'basic');
  expect(denied.status).toBe(403);
  expect(denied.json).toEqual({ detail: 'You do not have permission to perform this action.' });
  expect((await operate({ session_id: 'f'.repeat(40), operation: 'refund' })).status).toBe(404);
  expect((await operate({ order_no: 'no-such-order', operation: 'refund' })).status).toBe(404);
  const invalid = await operate({ operation: 'launder' });
  expect(invalid.status).toBe(400);
  expect(invalid.json.operation).toEqual(['"launder" is not a valid choice.']);
  expect((await operate({ operation: 'refund' })).json).toEqual({ non_field_errors: ['Either session_id or order_no must be provided.'] });

  const form = new URLSearchParams({ session_id: id, operation: 'refund', amount: '1' }).toString();
  const viaForm = await api.request('POST', '/b/pbl/v2/operation', { body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' }, auth: 'basic' });
  expect(viaForm.status).toBe(200);
  expect(viaForm.json).toMatchObject({ amount: '1.000', operation: 'refund' });
});

test('Tracking-Key: the same key returns the first result and refunds once, also when the requests arrive together', async () => {
  const id = await settled();
  const headers = { 'tracking-key': 'refund-order-42' };
  const answers = await Promise.all(Array.from({ length: 5 }, () => operate({ session_id: id, operation: 'refund', amount: '2' }, headers)));
  expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
  expect(new Set(answers.map((answer) => answer.json.reference_number)).size).toBe(1);
  const later = await operate({ session_id: id, operation: 'refund', amount: '2' }, headers);
  expect(later.json.reference_number).toBe(answers[0]!.json.reference_number);
  expect(later.headers.get('idempotent-replayed')).toBe('true');
  expect((await doc(id)).refunded_amount).toBe('2.000');
});

test('one idempotency rule: a Tracking-Key or an Idempotency-Key reused with another body is a 409 and refunds nothing', async () => {
  const id = await settled();
  for (const header of ['tracking-key', 'idempotency-key']) {
    const headers = { [header]: `${header}-reuse-${id}` };
    const first = await operate({ session_id: id, operation: 'refund', amount: '1' }, headers);
    expect(first.status).toBe(200);
    const other = await operate({ session_id: id, operation: 'refund', amount: '2' }, headers);
    expect(other.status).toBe(409);
    const name = header === 'tracking-key' ? 'Tracking-Key' : 'Idempotency-Key';
    expect(other.json).toEqual({ detail: `This ${name} was already used with a different request body.` });
    const again = await operate({ session_id: id, operation: 'refund', amount: '1' }, headers);
    expect([again.status, again.json.reference_number, again.headers.get('idempotent-replayed')]).toEqual([200, first.json.reference_number, 'true']);
  }
  const session = await doc(id);
  expect([session.refunded_amount, session.transactions.length]).toEqual(['2.000', 2]);
});

test('concurrent partial refunds never refund more than was paid', async () => {
  const id = await settled();
  // 14.000 KWD paid; ten refunds of 3.000 at once: at most four can succeed.
  const answers = await Promise.all(Array.from({ length: 10 }, () => operate({ session_id: id, operation: 'refund', amount: '3' })));
  const succeeded = answers.filter((answer) => answer.status === 200).length;
  expect(succeeded).toBe(4);
  for (const answer of answers.filter((a) => a.status !== 200)) expect([400, 409]).toContain(answer.status);
  const session = await doc(id);
  expect(session.refunded_amount).toBe('12.000');
  expect(session.transactions).toHaveLength(4);
});

/** A status document without its wall-clock field (Ottu's "YYYY-MM-DD hh:mm:ss"), which must be present. */
function withoutTimestamp(document: Record<string, unknown>): Record<string, unknown> {
  const { timestamp_utc, ...rest } = document;
  expect(timestamp_utc).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  return rest;
}

test('inquiry: the signed status by session_id or order_no, with its child transactions; optionally sent to the webhook URL', async () => {
  const id = await settled('sandbox-kwd', { order_no: 'ops-inquiry-1' });
  await operate({ session_id: id, operation: 'refund', amount: '1' });
  const status = await api.request('POST', '/b/pbl/v2/inquiry/', { body: { order_no: 'ops-inquiry-1' } });
  expect(status.status).toBe(200);
  expect(status.json).toMatchObject({ session_id: id, order_no: 'ops-inquiry-1', state: 'paid', result: 'success', amount: '14.000', transactions: [{ amount: '1.000', state: 'refunded' }] });
  expect(verifyWebhookSignature(status.json, KEY)).toBe(true);
  // notify_webhook_url goes through the webhook queue: the merchant's first answer fails, the
  // worker retries, and the inquiry's own answer never waited on it.
  await waitFor(() => receiver.requests.some((request) => request.body.session_id === id && request.body.event_type === 'refunded'), { what: 'the refund webhook' });
  const before = receiver.requests.length;
  receiver.script(500);
  const notified = await api.request('POST', '/b/pbl/v2/inquiry', { body: { session_id: id, notify_webhook_url: true } });
  // timestamp_utc is the session's updated_at, which delivery bookkeeping (the refund webhook's
  // status, recorded between the two inquiries) moves on, in whole seconds: it is compared as a
  // time that never goes back, the rest of the document exactly.
  expect(withoutTimestamp(notified.json)).toEqual(withoutTimestamp(status.json));
  expect(notified.json.timestamp_utc >= status.json.timestamp_utc).toBe(true);
  const sent = () => receiver.requests.slice(before).filter((request) => request.body.session_id === id);
  await waitFor(() => sent().length >= 2, { what: 'the inquiry webhook and its retry' });
  for (const request of sent()) {
    expect(withoutTimestamp(request.body)).toEqual(withoutTimestamp(status.json));
    expect(verifyWebhookSignature(request.body, KEY)).toBe(true);
  }
  await waitFor(async () => (await doc(id)).webhook_status?.state === 'delivered', { what: 'the delivered webhook status' });
  // A webhook_url of the inquiry's own: the status goes there (naming it asks for it), not to the session's.
  const other = await startReceiver();
  try {
    const sessionHooks = receiver.requests.length;
    await api.request('POST', '/b/pbl/v2/inquiry/', { body: { session_id: id, webhook_url: `${other.url}?inquiry=1` } });
    await waitFor(() => other.requests.length === 1, { what: 'the status at the inquiry\'s webhook_url' });
    expect(other.requests[0]!.path).toBe('/hooks/payments?inquiry=1');
    expect(withoutTimestamp(other.requests[0]!.body)).toEqual(withoutTimestamp(status.json));
    expect(receiver.requests.slice(sessionHooks).filter((request) => request.body.session_id === id)).toEqual([]);
    // The session's webhook status still describes its own webhook_url.
    expect((await doc(id)).webhook_status).toMatchObject({ state: 'delivered', attempts: 2 });
  } finally {
    await other.close();
  }
  expect((await api.request('POST', '/b/pbl/v2/inquiry/', { body: { session_id: id, webhook_url: 'ftp://merchant.example/' } })).json).toEqual({ webhook_url: ['Enter a valid URL.'] });
  expect((await api.request('POST', '/b/pbl/v2/inquiry/', { body: {} })).status).toBe(400);
  expect((await api.request('POST', '/b/pbl/v2/inquiry/', { body: { session_id: id }, auth: 'none' })).status).toBe(401);
});

test('payment methods: filtered by currency and operation; a Basic user sees only its codes', async () => {
  const all = await api.request('POST', '/b/pbl/v2/payment-methods/', { body: { plugin: 'payment_request' } });
  expect(all.status).toBe(200);
  expect(all.json.customer_payment_methods).toEqual([]);
  expect(all.json.payment_methods.map((method: { code: string }) => method.code)).toEqual(['sandbox-kwd', 'sandbox-authorize']);
  expect(all.json.payment_methods[0]).toMatchObject({ code: 'sandbox-kwd', is_sandbox: true, operation: 'purchase', accepted_currencies: ['KWD'], default_currency: 'KWD' });
  const usd = await api.request('POST', '/b/pbl/v2/payment-methods', { body: { plugin: 'payment_request', currencies: ['usd'] } });
  expect(usd.json.payment_methods.map((method: { code: string }) => method.code)).toEqual(['sandbox-authorize']);
  const purchase = await api.request('POST', '/b/pbl/v2/payment-methods/', { body: { plugin: 'payment_request', operation: 'purchase' } });
  expect(purchase.json.payment_methods.map((method: { code: string }) => method.code)).toEqual(['sandbox-kwd']);
  const production = await api.request('POST', '/b/pbl/v2/payment-methods/', { body: { plugin: 'payment_request', type: 'production' } });
  expect(production.json.payment_methods).toEqual([]);
  const basic = await api.request('POST', '/b/pbl/v2/payment-methods/', { body: { plugin: 'payment_request' }, auth: 'basic' });
  expect(basic.json.payment_methods.map((method: { code: string }) => method.code)).toEqual(['sandbox-kwd']);
  expect((await api.request('POST', '/b/pbl/v2/payment-methods/', { body: {} })).json).toEqual({ plugin: ['This field is required.'] });
});

test("payment methods: Ottu's narrowing filters (tokenizable, auto_debit, tags, payment_services) narrow, never widen", async () => {
  const codes = async (body: Record<string, unknown>) => {
    const answer = await api.request('POST', '/b/pbl/v2/payment-methods/', { body: { plugin: 'payment_request', ...body } });
    expect(answer.status).toBe(200);
    return answer.json.payment_methods.map((method: { code: string }) => method.code);
  };
  // ottu-py sends tokenizable only when true; false (or empty lists) filters nothing.
  expect(await codes({ tokenizable: false, auto_debit: false, tags: [], payment_services: [] })).toEqual(['sandbox-kwd', 'sandbox-authorize']);
  // No gateway of this merchant tokenizes or auto-debits (the sandbox's; MPGS does: test/http/saved-cards.test.ts), and none carries tags or payment services.
  for (const filter of [{ tokenizable: true }, { auto_debit: true }, { tags: ['e_commerce'] }, { payment_services: ['apple_pay'] }]) expect(await codes(filter)).toEqual([]);
  expect((await api.request('POST', '/b/pbl/v2/payment-methods/', { body: { plugin: 'payment_request', payment_services: ['fax'] } })).json).toEqual({ payment_services: { 0: ['"fax" is not a valid choice.'] } });
});

test('the hosted page\'s receipt shows the refunds', async () => {
  const id = await settled();
  const refund = await operate({ session_id: id, operation: 'refund', amount: '2.5' });
  const page = await api.request('GET', `/checkout/${id}`, { auth: 'none' });
  expect(page.text).toContain('Refunded');
  expect(page.text).toContain('2.500');
  expect(page.text).toContain(refund.json.reference_number);
});
