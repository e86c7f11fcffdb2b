import type { LocalMpgs } from '../../functions/local/mpgs/local-mpgs';
import type { PaymentGateway, StartPayment } from '../../functions/ports/payment-gateway';
import { mpgsGateway, payOnHostedForm, startTestMpgs, TEST_MERCHANT } from '../fixtures/mpgs';

/** The MPGS connector against the local MPGS over HTTP: every call is a real request to it. */
let mpgs: LocalMpgs;
let gateway: PaymentGateway;
let counter = 0;

beforeAll(async () => {
  mpgs = await startTestMpgs();
  gateway = await mpgsGateway(mpgs);
});
afterAll(() => mpgs.stop());
afterEach(() => mpgs.control.reset());

function request(overrides: Partial<StartPayment> = {}): StartPayment {
  counter += 1;
  return {
    reference: `REF${process.pid}X${counter}`.slice(0, 12).padEnd(12, 'Z'),
    operation: 'purchase',
    amount: '14.125',
    currency: 'KWD',
    returnUrl: 'http://127.0.0.1:9/checkout/s/return?attempt=x',
    notificationUrl: 'http://127.0.0.1:9/checkout/notify/mpgs-kwd/s',
    merchantName: 'Gulf Books',
    ...overrides,
  };
}

async function started(overrides: Partial<StartPayment> = {}) {
  const input = request({ reference: `R${Date.now().toString(36).toUpperCase()}${counter}`.slice(0, 12), ...overrides });
  const result = await gateway.start(input);
  if (result.kind !== 'hosted' || result.page.kind !== 'script') throw new Error(`not hosted: ${JSON.stringify(result)}`);
  return { input, result, sessionId: (result.page.configure.session as { id: string }).id };
}

test('start: INITIATE_CHECKOUT with our reference, the amount with the currency exponent, the return and notification URLs; the page runs checkout.min.js', async () => {
  const { input, result, sessionId } = await started();
  expect(result.page).toEqual({ kind: 'script', scriptUrl: `${mpgs.url}/static/checkout/checkout.min.js`, configure: { session: { id: sessionId } }, call: 'showPaymentPage' });
  expect(result.gateway).toEqual({ session_id: sessionId, success_indicator: expect.any(String) });
  const sent = mpgs.requests().filter((entry) => entry.method === 'POST' && entry.path.endsWith('/session')).at(-1)!;
  expect(sent.path).toBe(`/api/rest/version/100/merchant/${TEST_MERCHANT.id}/session`);
  expect(sent.body).toMatchObject({ apiOperation: 'INITIATE_CHECKOUT', interaction: { operation: 'PURCHASE', returnUrl: input.returnUrl, merchant: { name: 'Gulf Books' } }, order: { id: input.reference, amount: '14.125', currency: 'KWD', notificationUrl: input.notificationUrl } });
});

test('before the customer pays, sync answers pending (no order yet), never failed', async () => {
  const { input } = await started();
  expect(await gateway.sync({ reference: input.reference })).toMatchObject({ status: 'pending' });
});

test.each([
  ['01/39', 'paid', 'APPROVED'],
  ['05/39', 'declined', 'DECLINED'],
  ['04/27', 'declined', 'EXPIRED_CARD'],
  ['08/28', 'error', 'TIMED_OUT'],
  ['01/37', 'error', 'ACQUIRER_SYSTEM_ERROR'],
  ['02/37', 'error', 'UNSPECIFIED_FAILURE'],
  ['05/37', 'pending', undefined],
] as const)('the test table: expiry %s is %s (%s) by Retrieve Order', async (expiry, status, gatewayCode) => {
  const { input, result, sessionId } = await started();
  const back = await payOnHostedForm(mpgs, sessionId, { expiry });
  const payment = await gateway.sync({ reference: input.reference });
  expect(payment.status).toBe(status);
  if (gatewayCode) expect(payment.pg_params.result).toBe(gatewayCode);
  // The return's proof matches only for an approved payment; either way the sync decided.
  expect(gateway.onReturn({ reference: input.reference, gateway: result.gateway }, { resultIndicator: back.searchParams.get('resultIndicator') ?? undefined }).matches).toBe(status === 'paid');
  if (status === 'paid') {
    expect(payment.order).toEqual({ id: input.reference, amount: '14.125', currency: 'KWD' });
    expect(payment.card).toEqual({ brand: 'mastercard', last4: '0008' });
    expect(payment.pg_params).toMatchObject({ card_number: expect.stringMatching(/^512345x+0008$/), auth_code: expect.stringMatching(/^\d{6}$/), receipt_no: expect.stringMatching(/^\d{12}$/), transaction_id: expect.any(String), card_type: 'credit' });
    expect(JSON.stringify(payment.gateway_response)).not.toContain('5123450000000008');
  }
});

test('CVV outcomes: 101 NOT_PROCESSED and 102 NO_MATCH still pay (the expiry decides), recorded in gateway_response', async () => {
  for (const cvv of ['101', '102']) {
    const { input, sessionId } = await started();
    await payOnHostedForm(mpgs, sessionId, { expiry: '01/39', cvv });
    const payment = await gateway.sync({ reference: input.reference });
    expect(payment.status).toBe('paid');
    expect(JSON.stringify(payment.gateway_response)).toContain(cvv === '101' ? 'NOT_PROCESSED' : 'NO_MATCH');
  }
});

test('authorize, then captures in parts, refunds in parts and one too many, each with our id', async () => {
  const { input, sessionId } = await started({ operation: 'authorize', amount: '10.000' });
  await payOnHostedForm(mpgs, sessionId, { expiry: '01/39' });
  expect(await gateway.sync({ reference: input.reference })).toMatchObject({ status: 'authorized' });
  const attempt = { reference: input.reference, card_last4: '0008' };
  const call = (operation: 'capture' | 'refund' | 'void', id: string, amount: string) => gateway[operation]({ operation, id, attempt, amount, currency: 'KWD' });
  expect(await call('capture', 'CAP000000001', '6.000')).toMatchObject({ kind: 'confirmed', pg_params: { transaction_id: 'CAP000000001', result: 'APPROVED' } });
  expect(await call('capture', 'CAP000000002', '4.000')).toMatchObject({ kind: 'confirmed' });
  expect(await call('capture', 'CAP000000003', '0.001')).toMatchObject({ kind: 'refused', explanation: expect.stringContaining('The payment gateway refused') });
  expect(await call('refund', 'RFD000000001', '7.000')).toMatchObject({ kind: 'confirmed' });
  expect(await call('refund', 'RFD000000002', '3.000')).toMatchObject({ kind: 'confirmed' });
  expect(await call('refund', 'RFD000000003', '0.001')).toMatchObject({ kind: 'refused' });
  // A retry of a confirmed id is the same transaction, not a second refund.
  expect(await call('refund', 'RFD000000002', '3.000')).toMatchObject({ kind: 'confirmed' });
  const puts = mpgs.requests().filter((entry) => entry.method === 'PUT');
  expect(puts.at(-1)).toMatchObject({ path: `/api/rest/version/100/merchant/${TEST_MERCHANT.id}/order/${input.reference}/transaction/RFD000000002`, body: { apiOperation: 'REFUND', transaction: { amount: '3.000', currency: 'KWD' } } });
});

test('void an authorization (targets its transaction); a void after a capture is refused', async () => {
  const first = await started({ operation: 'authorize', amount: '5.000' });
  await payOnHostedForm(mpgs, first.sessionId, { expiry: '01/39' });
  const attempt = { reference: first.input.reference, card_last4: '0008' };
  expect(await gateway.void({ operation: 'void', id: 'VOD000000001', attempt, amount: '5.000', currency: 'KWD' })).toMatchObject({ kind: 'confirmed' });
  expect(await gateway.sync({ reference: first.input.reference })).toMatchObject({ gateway_response: { status: 'CANCELLED' } });

  const second = await started({ operation: 'authorize', amount: '5.000' });
  await payOnHostedForm(mpgs, second.sessionId, { expiry: '01/39' });
  const other = { reference: second.input.reference, card_last4: '0008' };
  await gateway.capture({ operation: 'capture', id: 'CAP000000009', attempt: other, amount: '1.000', currency: 'KWD' });
  expect(await gateway.void({ operation: 'void', id: 'VOD000000002', attempt: other, amount: '5.000', currency: 'KWD' })).toMatchObject({ kind: 'refused' });
});

describe('faults: unknown is never failed', () => {
  test('SERVER_BUSY, a 5xx or a bare 502 on Retrieve Order: pending', async () => {
    const { input, sessionId } = await started();
    await payOnHostedForm(mpgs, sessionId, { expiry: '01/39' });
    for (const kind of ['server-busy', 'server-failed', 'bad-gateway'] as const) {
      mpgs.control.failNext(1, kind);
      expect(await gateway.sync({ reference: input.reference })).toMatchObject({ status: 'pending' });
    }
    expect(await gateway.sync({ reference: input.reference })).toMatchObject({ status: 'paid' });
  });

  test('INITIATE_CHECKOUT that fails: unavailable (nothing attempted)', async () => {
    mpgs.control.failNext(1, 'server-busy');
    expect(await gateway.start(request())).toMatchObject({ kind: 'unavailable' });
  });

  test('an answer slower than our timeout on Retrieve Order: pending', async () => {
    const { input, sessionId } = await started();
    await payOnHostedForm(mpgs, sessionId, { expiry: '01/39' });
    mpgs.control.delayNext(1, 2_500);
    expect(await gateway.sync({ reference: input.reference })).toMatchObject({ status: 'pending', gateway_response: { result: 'UNKNOWN', reason: 'timeout' } });
  });

  test('a refund answered too late, or done then answered 500: read back with a GET, confirmed once, never sent twice', async () => {
    const { input, sessionId } = await started();
    await payOnHostedForm(mpgs, sessionId, { expiry: '01/39' });
    const attempt = { reference: input.reference, card_last4: '0008' };
    mpgs.control.delayNext(1, 2_500, 'PUT');
    expect(await gateway.refund({ operation: 'refund', id: 'LATE00000001', attempt, amount: '1.000', currency: 'KWD' })).toMatchObject({ kind: 'confirmed' });
    mpgs.control.failNext(1, 'server-failed', { applied: true, method: 'PUT' });
    expect(await gateway.refund({ operation: 'refund', id: 'LATE00000002', attempt, amount: '1.000', currency: 'KWD' })).toMatchObject({ kind: 'confirmed' });
    const calls = mpgs.requests().filter((entry) => entry.path.includes('/transaction/LATE0000000'));
    expect(calls.map((entry) => `${entry.method} ${entry.path.split('/').at(-1)}`)).toEqual(['PUT LATE00000001', 'GET LATE00000001', 'PUT LATE00000002', 'GET LATE00000002']);
    expect(await gateway.sync({ reference: input.reference })).toMatchObject({ gateway_response: { totalRefundedAmount: '2.000' } });
  });

  test('a refund refused before anything happened (SERVER_BUSY, not applied): the GET finds nothing, so it is sent once more', async () => {
    const { input, sessionId } = await started();
    await payOnHostedForm(mpgs, sessionId, { expiry: '01/39' });
    mpgs.control.failNext(1, 'server-busy', { method: 'PUT' });
    const attempt = { reference: input.reference, card_last4: '0008' };
    expect(await gateway.refund({ operation: 'refund', id: 'BUSY00000001', attempt, amount: '1.000', currency: 'KWD' })).toMatchObject({ kind: 'confirmed' });
    const calls = mpgs.requests().filter((entry) => entry.path.endsWith('/transaction/BUSY00000001'));
    expect(calls.map((entry) => entry.method)).toEqual(['PUT', 'GET', 'PUT']);
  });

  test('no answer at all to the PUT and to the GET: unknown (nothing committed by the caller)', async () => {
    const { input, sessionId } = await started();
    await payOnHostedForm(mpgs, sessionId, { expiry: '01/39' });
    mpgs.control.failNext(2, 'server-busy');
    expect(await gateway.refund({ operation: 'refund', id: 'DARK00000001', attempt: { reference: input.reference, card_last4: '0008' }, amount: '1.000', currency: 'KWD' })).toMatchObject({ kind: 'unknown' });
  });
});

test('notifications: only the right X-Notification-Secret is authentic; it names our order id', () => {
  const body = { order: { id: 'K7Q2M9X4T1LP' }, result: 'SUCCESS' };
  expect(gateway.onNotification({ headers: { 'x-notification-secret': TEST_MERCHANT.notificationSecret }, body })).toEqual({ authentic: true, reference: 'K7Q2M9X4T1LP' });
  expect(gateway.onNotification({ headers: { 'x-notification-secret': 'wrong' }, body })).toEqual({ authentic: false });
  expect(gateway.onNotification({ headers: {}, body })).toEqual({ authentic: false });
});

test('a wrong API password: INITIATE_CHECKOUT is refused (unavailable) and the password is in no answer', async () => {
  const wrong = await (await import('../../functions/adapters/connectors')).connectorTable({ secrets: { read: async () => ({ api_password: 'not-the-password', notification_secret: 'x' }) } }).connect((await import('../fixtures/mpgs')).mpgsSetting(mpgs));
  const result = await wrong!.start(request());
  expect(result).toMatchObject({ kind: 'unavailable' });
  expect(JSON.stringify(result)).not.toContain('not-the-password');
});
