import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DEMO_MERCHANT } from '../../functions/local/mpgs/demo-merchant';
import { startLocalMpgs, type LocalMpgs, type RecordedRequest } from '../../functions/local/mpgs/local-mpgs';
import { EXPIRY_OUTCOMES } from '../../functions/local/mpgs/test-cards';
import { startReceiver, waitFor, type WebhookReceiver } from '../fixtures/webhook-receiver';

/** The local MPGS over real HTTP, as a connector sees it. */

const MERCHANT = { id: 'TESTKWD01', password: 'api-password-1', notificationSecret: 'notification-secret-1' };
const OTHER = { id: 'TESTUSD02', password: 'api-password-2', notificationSecret: 'notification-secret-2', currencies: ['USD'] };
const BASE = `/api/rest/version/100/merchant/${MERCHANT.id}`;

let mpgs: LocalMpgs;
let receiver: WebhookReceiver;
let orderCount = 0;

beforeAll(async () => {
  [mpgs, receiver] = await Promise.all([startLocalMpgs({ merchants: [MERCHANT, OTHER], notificationTimeScale: 0.0005 }), startReceiver(200)]);
});
afterAll(async () => {
  await mpgs?.stop();
  await receiver?.close();
});
afterEach(() => mpgs.control.reset());

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

async function call(method: string, path: string, body?: unknown, authorization = basic(`merchant.${MERCHANT.id}`, MERCHANT.password)) {
  const response = await fetch(`${mpgs.url}${path}`, {
    method,
    headers: { authorization, 'content-type': 'application/json' },
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  const json = response.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(text) : undefined;
  return { status: response.status, text, json };
}

function checkoutBody(overrides: { operation?: string; amount?: string; currency?: string; id?: string; notificationUrl?: string } = {}) {
  orderCount += 1;
  return {
    apiOperation: 'INITIATE_CHECKOUT',
    interaction: { operation: overrides.operation ?? 'PURCHASE', returnUrl: 'https://shop.example/return?attempt=a1', cancelUrl: 'https://shop.example/cancelled', merchant: { name: 'Gulf Books' } },
    order: {
      id: overrides.id ?? `order-${orderCount}-${Date.now()}`,
      amount: overrides.amount ?? '14.125',
      currency: overrides.currency ?? 'KWD',
      description: 'Two books',
      ...(overrides.notificationUrl && { notificationUrl: overrides.notificationUrl }),
    },
  };
}

async function initiate(overrides: Parameters<typeof checkoutBody>[0] = {}) {
  const body = checkoutBody(overrides);
  const created = await call('POST', `${BASE}/session`, body);
  expect(created.status).toBe(201);
  return { orderId: body.order.id, session: created.json.session.id as string, successIndicator: created.json.successIndicator as string };
}

/** The payer submits the hosted form (no browser: the same POST a browser makes). */
async function submitCard(session: string, expiry = '01/39', securityCode = '100', number = '5123450000000008') {
  const [expiryMonth, expiryYear] = expiry.split('/') as [string, string];
  const response = await fetch(`${mpgs.url}/checkout/pay/${session}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ cardNumber: number, expiryMonth, expiryYear, securityCode, nameOnCard: 'Sara Al-Ahmad' }).toString(),
    redirect: 'manual',
  });
  return { status: response.status, location: response.headers.get('location'), html: await response.text() };
}

describe('INITIATE_CHECKOUT', () => {
  test('answers the session and the success indicator', async () => {
    const created = await call('POST', `${BASE}/session`, checkoutBody());
    expect(created.status).toBe(201);
    expect(created.json).toEqual({
      checkoutMode: 'WEBSITE',
      merchant: MERCHANT.id,
      result: 'SUCCESS',
      session: { id: expect.stringMatching(/^SESSION0002[0-9A-Z]{20}$/), updateStatus: 'SUCCESS', version: expect.stringMatching(/^[0-9a-f]{10}$/) },
      successIndicator: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
  });

  test.each([
    [{ amount: '14.1255' }, 'order.amount', 'INVALID'],
    [{ amount: '10.5', currency: 'JPY' }, 'order.amount', 'INVALID'],
    [{ currency: 'KWX' }, 'order.currency', 'INVALID'],
    [{ id: 'x'.repeat(41) }, 'order.id', 'INVALID'],
    [{ operation: 'NONE' }, 'interaction.operation', 'UNSUPPORTED'],
    [{ operation: 'VERIFY' }, 'order.amount', 'INVALID'],
    [{ operation: 'SELL' }, 'interaction.operation', 'INVALID'],
  ])('%j is refused on %s in the error envelope', async (overrides, field, validationType) => {
    const refused = await call('POST', `${BASE}/session`, checkoutBody(overrides));
    expect(refused.status).toBe(400);
    expect(refused.json).toEqual({ error: { cause: 'INVALID_REQUEST', explanation: expect.any(String), field, validationType }, result: 'ERROR' });
  });

  test('a missing field says which', async () => {
    const body = checkoutBody();
    delete (body.interaction as Partial<typeof body.interaction>).merchant;
    expect((await call('POST', `${BASE}/session`, body)).json.error).toMatchObject({ field: 'interaction.merchant.name', validationType: 'MISSING' });
  });

  test('amounts take the currency exponent: KWD, BHD, OMR, JOD 3, USD 2, JPY 0', async () => {
    for (const [currency, amount] of [['BHD', '1.005'], ['OMR', '2.5'], ['JOD', '3'], ['USD', '10.99'], ['JPY', '1500']]) {
      expect((await call('POST', `${BASE}/session`, checkoutBody({ currency, amount }))).status).toBe(201);
    }
  });

  test("a merchant's currencies are the only ones it takes", async () => {
    const auth = basic(`merchant.${OTHER.id}`, OTHER.password);
    const refused = await call('POST', `/api/rest/version/100/merchant/${OTHER.id}/session`, checkoutBody(), auth);
    expect(refused.json.error).toMatchObject({ field: 'order.currency', validationType: 'UNSUPPORTED' });
  });

  test('authentication: merchant.{id} and the API password, or 401 in the envelope', async () => {
    const wrong = [
      basic(`merchant.${MERCHANT.id}`, 'nope'),
      basic(MERCHANT.id, MERCHANT.password),
      basic(`merchant.${OTHER.id}`, OTHER.password),
      'Bearer x',
    ];
    for (const authorization of wrong) {
      const refused = await call('POST', `${BASE}/session`, checkoutBody(), authorization);
      expect(refused.status).toBe(401);
      expect(refused.json).toEqual({ error: { cause: 'INVALID_REQUEST', explanation: 'Invalid credentials.' }, result: 'ERROR' });
    }
  });

  test('only API version 100; unknown resources and bad JSON are refused in the envelope', async () => {
    const old = await call('POST', `/api/rest/version/61/merchant/${MERCHANT.id}/session`, checkoutBody());
    expect(old.status).toBe(400);
    expect(old.json.error.explanation).toMatch(/version 61 is not supported/);
    expect((await call('GET', `${BASE}/nothing`)).status).toBe(404);
    expect((await call('POST', `${BASE}/session`, '{"apiOperation":')).json).toMatchObject({ result: 'ERROR', error: { cause: 'INVALID_REQUEST' } });
    expect((await call('GET', `${BASE}/session`)).status).toBe(405);
  });
});

describe('the hosted payment and Retrieve Order', () => {
  test('checkout.min.js exposes Checkout.configure and showPaymentPage', async () => {
    const response = await fetch(`${mpgs.url}/static/checkout/checkout.min.js`);
    expect(response.headers.get('content-type')).toMatch(/javascript/);
    const script = await response.text();
    expect(script).toContain('window.Checkout');
    expect(script).toMatch(/configure: function/);
    expect(script).toMatch(/showPaymentPage: function/);
    expect(script).toContain(`${mpgs.url}`);
  });

  test('the card form shows the merchant and the amount with the currency decimals', async () => {
    const { session } = await initiate({ amount: '14.1' });
    const html = await (await fetch(`${mpgs.url}/checkout/pay/${session}`)).text();
    expect(html).toContain('Gulf Books');
    expect(html).toContain('KWD 14.100');
    expect(html).toContain('name="cardNumber"');
  });

  test('an approved purchase returns with resultIndicator = successIndicator and a captured order', async () => {
    const { session, successIndicator, orderId } = await initiate();
    const paid = await submitCard(session);
    expect(paid.status).toBe(303);
    const back = new URL(paid.location!);
    expect(`${back.origin}${back.pathname}`).toBe('https://shop.example/return');
    expect(back.searchParams.get('attempt')).toBe('a1');
    expect(back.searchParams.get('resultIndicator')).toBe(successIndicator);
    expect(back.searchParams.get('sessionVersion')).toMatch(/^[0-9a-f]{10}$/);

    const order = await call('GET', `${BASE}/order/${orderId}`);
    expect(order.status).toBe(200);
    expect(order.text).toContain('"amount":14.125,');
    expect(order.json).toMatchObject({
      id: orderId,
      currency: 'KWD',
      status: 'CAPTURED',
      result: 'SUCCESS',
      totalAuthorizedAmount: 14.125,
      totalCapturedAmount: 14.125,
      totalRefundedAmount: 0,
      sourceOfFunds: { type: 'CARD', provided: { card: { brand: 'MASTERCARD', number: '512345xxxxxx0008', expiry: { month: '1', year: '39' } } } },
      transaction: [
        {
          result: 'SUCCESS',
          response: { gatewayCode: 'APPROVED', acquirerCode: '00', cardSecurityCode: { gatewayCode: 'MATCH' } },
          transaction: { id: '1', type: 'PAYMENT', amount: 14.125, currency: 'KWD', authorizationCode: expect.stringMatching(/^\d{6}$/), receipt: expect.stringMatching(/^\d{12}$/) },
        },
      ],
    });
    expect(order.text).not.toContain('5123450000000008');
  });

  test.each(Object.entries(EXPIRY_OUTCOMES).filter(([, outcome]) => outcome.result !== 'SUCCESS'))('expiry %s: %j, a different resultIndicator', async (expiry, outcome) => {
    const { session, successIndicator, orderId } = await initiate({ operation: 'AUTHORIZE' });
    const paid = await submitCard(session, expiry);
    expect(new URL(paid.location!).searchParams.get('resultIndicator')).not.toBe(successIndicator);
    const order = (await call('GET', `${BASE}/order/${orderId}`)).json;
    expect(order.status).toBe(outcome.result === 'UNKNOWN' ? 'INITIATED' : 'FAILED');
    expect(order.totalAuthorizedAmount).toBe(0);
    expect(order.transaction[0]).toMatchObject({ result: outcome.result, response: { gatewayCode: outcome.gatewayCode }, transaction: { type: 'AUTHORIZATION' } });
  });

  test('CVV 102 is reported as NO_MATCH on an approved payment', async () => {
    const { session, orderId } = await initiate();
    await submitCard(session, '01/39', '102');
    const order = (await call('GET', `${BASE}/order/${orderId}`)).json;
    expect(order.transaction[0].response).toMatchObject({ gatewayCode: 'APPROVED', cardSecurityCode: { gatewayCode: 'NO_MATCH' } });
  });

  test('a bad card stays on the form with a message, and the order does not exist yet', async () => {
    const { session, orderId } = await initiate();
    const refused = await submitCard(session, '01/39', '100', '4111111111111111');
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('published test card');
    expect(refused.html).not.toContain('4111111111111111');
    expect((await call('GET', `${BASE}/order/${orderId}`)).json).toMatchObject({ result: 'ERROR', error: { cause: 'INVALID_REQUEST' } });
  });

  test('cancel leads to interaction.cancelUrl', async () => {
    const { session } = await initiate();
    const cancelled = await fetch(`${mpgs.url}/checkout/cancel/${session}`, { redirect: 'manual' });
    expect(cancelled.status).toBe(303);
    expect(cancelled.headers.get('location')).toBe('https://shop.example/cancelled');
  });

  test('a paid order id cannot start another session', async () => {
    const { session, orderId } = await initiate();
    await submitCard(session);
    expect((await call('POST', `${BASE}/session`, checkoutBody({ id: orderId }))).json.error).toMatchObject({ field: 'order.id' });
  });
});

describe('operations', () => {
  async function authorized(amount = '10.000') {
    const { session, orderId } = await initiate({ operation: 'AUTHORIZE', amount });
    await submitCard(session);
    return orderId;
  }
  const put = (orderId: string, txn: string, body: object) => call('PUT', `${BASE}/order/${orderId}/transaction/${txn}`, body);

  test('authorize, capture in parts, refund in parts and one too many', async () => {
    const orderId = await authorized();
    const first = await put(orderId, 'cap-1', { apiOperation: 'CAPTURE', transaction: { amount: '4.000', currency: 'KWD' } });
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({ result: 'SUCCESS', order: { status: 'PARTIALLY_CAPTURED', totalCapturedAmount: 4 }, transaction: { id: 'cap-1', type: 'CAPTURE', amount: 4 } });
    expect((await put(orderId, 'cap-2', { apiOperation: 'CAPTURE', transaction: { amount: '6.001', currency: 'KWD' } })).status).toBe(400);
    expect((await put(orderId, 'cap-2', { apiOperation: 'CAPTURE', transaction: { amount: '6', currency: 'KWD' } })).json.order.status).toBe('CAPTURED');
    expect((await put(orderId, 'ref-1', { apiOperation: 'REFUND', transaction: { amount: '3.500', currency: 'KWD' } })).json.order.status).toBe('PARTIALLY_REFUNDED');
    expect((await put(orderId, 'ref-2', { apiOperation: 'REFUND', transaction: { amount: '6.500', currency: 'KWD' } })).json.order).toMatchObject({ status: 'REFUNDED', totalRefundedAmount: 10 });
    const tooMany = await put(orderId, 'ref-3', { apiOperation: 'REFUND', transaction: { amount: '0.001', currency: 'KWD' } });
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.error).toMatchObject({ cause: 'INVALID_REQUEST', field: 'transaction.amount' });
    const fetched = await call('GET', `${BASE}/order/${orderId}/transaction/ref-1`);
    expect(fetched.json).toMatchObject({ transaction: { id: 'ref-1', type: 'REFUND', amount: 3.5 }, result: 'SUCCESS' });
    expect((await call('GET', `${BASE}/order/${orderId}/transaction/ref-3`)).status).toBe(400);
  });

  test('a repeated PUT answers the stored transaction; a different one with that id is refused', async () => {
    const orderId = await authorized();
    const body = { apiOperation: 'CAPTURE', transaction: { amount: '2.000', currency: 'KWD' } };
    const first = await put(orderId, 'cap-x', body);
    const again = await put(orderId, 'cap-x', body);
    expect(again.status).toBe(201);
    expect(again.json.transaction).toEqual(first.json.transaction);
    expect(again.json.order.totalCapturedAmount).toBe(2);
    expect((await put(orderId, 'cap-x', { ...body, transaction: { amount: '3.000', currency: 'KWD' } })).json.error).toMatchObject({ field: 'transaction.id' });
  });

  test('void an authorization before capture; not after', async () => {
    const orderId = await authorized();
    const voided = await put(orderId, 'void-1', { apiOperation: 'VOID', transaction: { targetTransactionId: '1' } });
    expect(voided.json).toMatchObject({ result: 'SUCCESS', order: { status: 'CANCELLED', totalAuthorizedAmount: 0 }, transaction: { type: 'VOID_AUTHORIZATION', targetTransactionId: '1' } });
    const capturedFirst = await authorized();
    await put(capturedFirst, 'c', { apiOperation: 'CAPTURE', transaction: { amount: '1', currency: 'KWD' } });
    expect((await put(capturedFirst, 'v', { apiOperation: 'VOID', transaction: { targetTransactionId: '1' } })).status).toBe(400);
  });
});

describe('notifications', () => {
  test('POST the transaction with X-Notification-Secret, retried after a non-2xx answer', async () => {
    receiver.script(500, 503);
    const { session, orderId } = await initiate({ notificationUrl: receiver.url });
    await submitCard(session);
    const mine = () => receiver.requests.filter((request) => request.body?.order?.id === orderId);
    await waitFor(() => mine().length >= 3);
    const delivered = mine();
    expect(delivered.map((request) => request.headers['x-notification-attempt'])).toEqual(['1', '2', '3']);
    expect(new Set(delivered.map((request) => request.headers['x-notification-id'])).size).toBe(1);
    expect(delivered[0]!.headers['x-notification-secret']).toBe(MERCHANT.notificationSecret);
    expect(delivered[0]!.body).toMatchObject({ result: 'SUCCESS', order: { id: orderId, status: 'CAPTURED' }, transaction: { type: 'PAYMENT' } });
    await waitFor(() => mpgs.notifications().find((record) => record.orderId === orderId)?.state === 'delivered');
  });

  test('a capture notifies too; duplicate, out-of-order and never-delivered switches', async () => {
    const { session, orderId } = await initiate({ operation: 'AUTHORIZE', notificationUrl: receiver.url });
    mpgs.control.notifications('duplicate');
    await submitCard(session);
    const mine = () => receiver.requests.filter((request) => request.body?.order?.id === orderId);
    await waitFor(() => mine().length === 2);
    expect(mine()[0]!.headers['x-notification-id']).toBe(mine()[1]!.headers['x-notification-id']);

    mpgs.control.notifications('out-of-order');
    const capture = (txn: string, amount: string) => call('PUT', `${BASE}/order/${orderId}/transaction/${txn}`, { apiOperation: 'CAPTURE', transaction: { amount, currency: 'KWD' } });
    await capture('c1', '1.000');
    await capture('c2', '2.000');
    await waitFor(() => mine().length === 4);
    expect(mine().slice(2).map((request) => request.body.transaction.id)).toEqual(['c2', 'c1']);

    mpgs.control.notifications('never');
    await capture('c3', '3.000');
    expect(mpgs.notifications().find((record) => record.transactionId === 'c3' && record.orderId === orderId)?.state).toBe('dropped');
  });
});

describe('fault switches', () => {
  test('the next N calls answer SERVER_BUSY (503) or SERVER_FAILED (500) and change nothing', async () => {
    mpgs.control.failNext(2, 'server-busy');
    const body = checkoutBody();
    const busy = await call('POST', `${BASE}/session`, body);
    expect(busy.status).toBe(503);
    expect(busy.json).toEqual({ error: { cause: 'SERVER_BUSY', explanation: expect.any(String) }, result: 'ERROR' });
    expect((await call('POST', `${BASE}/session`, body)).status).toBe(503);
    expect((await call('POST', `${BASE}/session`, body)).status).toBe(201);
    mpgs.control.failNext(1, 'server-failed');
    expect((await call('GET', `${BASE}/order/none`)).json.error.cause).toBe('SERVER_FAILED');
  });

  test('an applied failure: the capture happens, the answer is a 500', async () => {
    const { session, orderId } = await initiate({ operation: 'AUTHORIZE' });
    await submitCard(session);
    mpgs.control.failNext(1, 'server-failed', { applied: true, method: 'PUT' });
    const lost = await call('PUT', `${BASE}/order/${orderId}/transaction/c1`, { apiOperation: 'CAPTURE', transaction: { amount: '1.000', currency: 'KWD' } });
    expect(lost.status).toBe(500);
    expect((await call('GET', `${BASE}/order/${orderId}/transaction/c1`)).json).toMatchObject({ result: 'SUCCESS', transaction: { type: 'CAPTURE' } });
  });

  test('a slow answer: later than the client waits, the operation still done', async () => {
    const { session, orderId } = await initiate({ operation: 'AUTHORIZE' });
    await submitCard(session);
    mpgs.control.delayNext(1, 1500, 'PUT');
    const timedOut = fetch(`${mpgs.url}${BASE}/order/${orderId}/transaction/slow`, {
      method: 'PUT',
      headers: { authorization: basic(`merchant.${MERCHANT.id}`, MERCHANT.password) },
      body: JSON.stringify({ apiOperation: 'CAPTURE', transaction: { amount: '1.000', currency: 'KWD' } }),
      signal: AbortSignal.timeout(200),
    });
    await expect(timedOut).rejects.toThrow();
    expect((await call('GET', `${BASE}/order/${orderId}/transaction/slow`)).json.result).toBe('SUCCESS');
  });

  test('the browser never returns: the payment is made, the form shows a page', async () => {
    mpgs.control.browserNeverReturns();
    const { session, orderId } = await initiate();
    const paid = await submitCard(session);
    expect(paid.status).toBe(200);
    expect(paid.location).toBeNull();
    expect((await call('GET', `${BASE}/order/${orderId}`)).json.status).toBe('CAPTURED');
  });

  test('over HTTP: /_fake/faults sets, reads and clears the switches; unknown settings are refused', async () => {
    const set = await fetch(`${mpgs.url}/_fake/faults`, { method: 'POST', body: JSON.stringify({ failNext: { count: 1, kind: 'bad-gateway' }, notifications: 'never' }) });
    expect(await set.json()).toEqual({ failNext: { count: 1, kind: 'bad-gateway', applied: false }, delayNext: null, browserNeverReturns: false, notifications: 'never' });
    const proxied = await call('GET', `${BASE}/order/x`);
    expect(proxied.status).toBe(502);
    expect(proxied.json).toBeUndefined();
    const wrong = await fetch(`${mpgs.url}/_fake/faults`, { method: 'POST', body: JSON.stringify({ failNxt: {} }) });
    expect(wrong.status).toBe(400);
    await fetch(`${mpgs.url}/_fake/faults`, { method: 'DELETE' });
    expect(((await (await fetch(`${mpgs.url}/_fake/faults`)).json()) as { notifications: string }).notifications).toBe('deliver');
  });
});

describe('an UNKNOWN payment answered late', () => {
  test('resolved over the control path: the order is captured and the update notified', async () => {
    const { session, orderId } = await initiate({ notificationUrl: receiver.url });
    await submitCard(session, '05/37');
    expect((await call('GET', `${BASE}/order/${orderId}`)).json).toMatchObject({ status: 'INITIATED', result: 'UNKNOWN' });
    const resolve = (body: unknown) => fetch(`${mpgs.url}/_fake/orders/${MERCHANT.id}/${orderId}/resolve`, { method: 'POST', body: JSON.stringify(body) });
    expect((await resolve({ gatewayCode: 'MAYBE' })).status).toBe(400);
    expect((await resolve({ gatewayCode: 'APPROVED' })).status).toBe(200);
    const order = (await call('GET', `${BASE}/order/${orderId}`)).json;
    expect(order).toMatchObject({ status: 'CAPTURED', totalCapturedAmount: 14.125, transaction: [{ result: 'SUCCESS', response: { gatewayCode: 'APPROVED' } }] });
    const mine = () => receiver.requests.filter((request) => request.body?.order?.id === orderId);
    await waitFor(() => mine().length === 2);
    expect(mine().map((request) => request.body.result)).toEqual(['UNKNOWN', 'SUCCESS']);
    expect((await resolve({ gatewayCode: 'APPROVED' })).status).toBe(400);
    expect(() => mpgs.control.resolvePayment(MERCHANT.id, orderId, 'DECLINED')).toThrow(/no payment with an unknown outcome/);
  });
});

describe('the request log', () => {
  test('method, path, headers without Authorization, the body with the card masked and no CVV', async () => {
    const { session } = await initiate();
    await submitCard(session, '01/39', '101');
    const overHttp = (await (await fetch(`${mpgs.url}/_fake/requests`)).json()) as RecordedRequest[];
    for (const log of [mpgs.requests(), overHttp]) {
      const text = JSON.stringify(log);
      expect(text).not.toContain('5123450000000008');
      expect(text).not.toMatch(/"securityCode":"10\d"/);
      expect(text).not.toMatch(/authorization/i);
      const created = log.find((entry) => entry.method === 'POST' && entry.path === `${BASE}/session`);
      expect(created).toMatchObject({ headers: { 'content-type': 'application/json' }, body: { apiOperation: 'INITIATE_CHECKOUT' }, status: 201 });
      const form = log.find((entry) => entry.path === `/checkout/pay/${session}` && entry.method === 'POST');
      expect(form?.body).toMatchObject({ cardNumber: '512345xxxxxx0008', securityCode: '[FILTERED]', expiryMonth: '01' });
    }
  });
});

describe("the fake's README", () => {
  test('its curl session runs as written against a started fake', async () => {
    const readme = readFileSync(join(__dirname, '../../functions/local/mpgs/README.md'), 'utf8');
    const session = readme.match(/```sh\n([\s\S]*?)```/)![1]!;
    const demo = await startLocalMpgs({ merchants: [DEMO_MERCHANT] });
    const dir = mkdtempSync(join(tmpdir(), 'local-mpgs-readme-'));
    try {
      const script = session.replace('http://127.0.0.1:8091', demo.url);
      const { stdout } = await promisify(execFile)('bash', ['-e', '-c', script], { cwd: dir, timeout: 20_000 });
      expect(stdout).toMatch(/"successIndicator":"([0-9a-f]{16})"[\s\S]*location: http:\/\/127\.0\.0\.1:9\/return\?resultIndicator=\1&/i);
      expect(stdout).toContain('"status":"AUTHORIZED"');
      expect(stdout).toContain('"status":"PARTIALLY_REFUNDED"');
      expect(stdout).toContain('"field":"transaction.amount"');
      expect(stdout).toContain('"cause":"SERVER_BUSY"');
      expect(stdout).not.toContain('5123450000000008');
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await demo.stop();
    }
  });
});
