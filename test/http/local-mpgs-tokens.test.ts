import { startLocalMpgs, type LocalMpgs } from '../../functions/local/mpgs/local-mpgs';
import { startReceiver, waitFor, type WebhookReceiver } from '../fixtures/webhook-receiver';

/**
 * The local MPGS's tokenization over real HTTP: a card saved from a hosted payment or
 * verification, payments with the token (cardholder- and merchant-initiated under an
 * agreement), their refusals, deletion, and the token kept out of the request log.
 */

const MERCHANT = { id: 'TESTTOKEN01', password: 'api-password-t', notificationSecret: 'notification-secret-t' };
const BASE = `/api/rest/version/100/merchant/${MERCHANT.id}`;
const AUTH = `Basic ${Buffer.from(`merchant.${MERCHANT.id}:${MERCHANT.password}`).toString('base64')}`;

let mpgs: LocalMpgs;
let receiver: WebhookReceiver;
let count = 0;
const unique = (prefix: string) => `${prefix}-${(count += 1)}-${Date.now()}`;

beforeAll(async () => {
  [mpgs, receiver] = await Promise.all([startLocalMpgs({ merchants: [MERCHANT], notificationTimeScale: 0.0005 }), startReceiver(200)]);
});
afterAll(async () => {
  await mpgs?.stop();
  await receiver?.close();
});

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${mpgs.url}${path}`, {
    method,
    headers: { authorization: AUTH, 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, any> };
}

type Agreement = { id: string; type: string; expiryDate?: string };

/** A hosted checkout the payer completes with the card; answers the session id. */
async function hostedPayment(options: { operation?: 'PURCHASE' | 'VERIFY'; expiry?: string; agreement?: Agreement; number?: string } = {}) {
  const operation = options.operation ?? 'PURCHASE';
  const created = await call('POST', `${BASE}/session`, {
    apiOperation: 'INITIATE_CHECKOUT',
    interaction: { operation, returnUrl: 'https://shop.example/return', merchant: { name: 'Gulf Books' } },
    ...(options.agreement && { agreement: options.agreement }),
    order: { id: unique('order'), currency: 'KWD', ...(operation === 'PURCHASE' && { amount: '5.250' }) },
  });
  expect(created.status).toBe(201);
  const session = created.json.session.id as string;
  const [expiryMonth, expiryYear] = (options.expiry ?? '01/39').split('/') as [string, string];
  const paid = await fetch(`${mpgs.url}/checkout/pay/${session}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ cardNumber: options.number ?? '5123450000000008', expiryMonth, expiryYear, securityCode: '100', nameOnCard: 'Sara' }).toString(),
    redirect: 'manual',
  });
  expect(paid.status).toBe(303);
  return session;
}

async function saveCard(options: Parameters<typeof hostedPayment>[0] = {}) {
  const session = await hostedPayment(options);
  const saved = await call('POST', `${BASE}/token`, { session: { id: session }, sourceOfFunds: { type: 'CARD' } });
  expect(saved.status).toBe(201);
  return saved.json.token as string;
}

function merchantInitiated(token: string, agreement: Agreement, amount = '3.000') {
  return {
    apiOperation: 'PAY',
    agreement,
    order: { amount, currency: 'KWD', notificationUrl: receiver.url },
    sourceOfFunds: { type: 'CARD', token, provided: { card: { storedOnFile: 'STORED' } } },
    transaction: { source: 'MERCHANT' },
  };
}

describe('tokens', () => {
  test('a verification (amount 0) on the hosted page saves the card: the token holds only the masked card', async () => {
    const session = await hostedPayment({ operation: 'VERIFY' });
    const saved = await call('POST', `${BASE}/token`, { session: { id: session }, sourceOfFunds: { type: 'CARD' } });
    expect(saved).toEqual({
      status: 201,
      json: {
        repositoryId: expect.any(String),
        result: 'SUCCESS',
        sourceOfFunds: { provided: { card: { brand: 'MASTERCARD', expiry: '0139', fundingMethod: 'CREDIT', nameOnCard: 'Sara', number: '512345xxxxxx0008', scheme: 'MASTERCARD' } }, type: 'CARD' },
        status: 'VALID',
        token: expect.stringMatching(/^9\d{15}$/),
        usage: { lastUpdated: expect.any(String), lastUpdatedBy: MERCHANT.id },
        verificationStrategy: 'NONE',
      },
    });
    const token = saved.json.token as string;
    expect((await call('GET', `${BASE}/token/${token}`)).json).toEqual(saved.json);
  });

  test('the verified order is VERIFIED, with a VERIFICATION of 0 that cannot be captured or refunded', async () => {
    const orderId = unique('verify');
    const created = await call('POST', `${BASE}/session`, {
      apiOperation: 'INITIATE_CHECKOUT',
      interaction: { operation: 'VERIFY', returnUrl: 'https://shop.example/return', merchant: { name: 'Gulf Books' } },
      order: { id: orderId, currency: 'KWD', amount: '0' },
    });
    const form = await (await fetch(`${mpgs.url}/checkout/pay/${created.json.session.id}`)).text();
    expect(form).toContain('Verify card');
    expect(form).toContain('nothing is charged');
    const paid = await fetch(`${mpgs.url}/checkout/pay/${created.json.session.id}`, {
      method: 'POST',
      body: new URLSearchParams({ cardNumber: '5123450000000008', expiryMonth: '01', expiryYear: '39', securityCode: '100', nameOnCard: 'Sara' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      redirect: 'manual',
    });
    expect(paid.status).toBe(303);
    const order = await call('GET', `${BASE}/order/${orderId}`);
    expect(order.json).toMatchObject({ status: 'VERIFIED', totalCapturedAmount: 0, transaction: [{ transaction: { type: 'VERIFICATION', amount: 0 }, result: 'SUCCESS' }] });
    const refund = await call('PUT', `${BASE}/order/${orderId}/transaction/r1`, { apiOperation: 'REFUND', transaction: { amount: '1.000', currency: 'KWD' } });
    expect(refund.status).toBe(400);
  });

  test('a session whose payment was declined, or never made, saves nothing', async () => {
    const declined = await hostedPayment({ expiry: '05/39' });
    const refused = await call('POST', `${BASE}/token`, { session: { id: declined } });
    expect(refused).toMatchObject({ status: 400, json: { result: 'ERROR', error: { cause: 'INVALID_REQUEST', field: 'session.id' } } });
    expect((await call('POST', `${BASE}/token`, { session: { id: 'SESSION0002NOPE' } })).json.error.field).toBe('session.id');
    expect((await call('POST', `${BASE}/token`, { sourceOfFunds: { type: 'CARD', provided: { card: { number: '5123450000000008' } } } })).json.error).toMatchObject({ field: 'sourceOfFunds.provided.card', validationType: 'UNSUPPORTED' });
  });

  test('a merchant-supplied token (PUT) is created, then updated; DELETE removes it and it pays no more', async () => {
    const tokenId = `MERCHANTTOKEN${Date.now()}`;
    const first = await call('PUT', `${BASE}/token/${tokenId}`, { session: { id: await hostedPayment() } });
    expect(first.json).toMatchObject({ token: tokenId, sourceOfFunds: { provided: { card: { number: '512345xxxxxx0008' } } } });
    const updated = await call('PUT', `${BASE}/token/${tokenId}`, { session: { id: await hostedPayment({ number: '4508750015741019' }) } });
    expect(updated.json).toMatchObject({ token: tokenId, sourceOfFunds: { provided: { card: { number: '450875xxxxxx1019', brand: 'VISA' } } } });
    expect(await call('DELETE', `${BASE}/token/${tokenId}`)).toEqual({ status: 200, json: { result: 'SUCCESS' } });
    expect((await call('GET', `${BASE}/token/${tokenId}`)).status).toBe(400);
    expect((await call('DELETE', `${BASE}/token/${tokenId}`)).status).toBe(400);
    const pay = await call('PUT', `${BASE}/order/${unique('gone')}/transaction/1`, { apiOperation: 'PAY', order: { amount: '1.000', currency: 'KWD' }, sourceOfFunds: { token: tokenId } });
    expect(pay).toMatchObject({ status: 400, json: { error: { field: 'sourceOfFunds.token' } } });
  });
});

describe('payments with a token', () => {
  test('cardholder-initiated: a PAY with the token, the card from the repository, no CSC', async () => {
    const token = await saveCard();
    const orderId = unique('cit');
    const paid = await call('PUT', `${BASE}/order/${orderId}/transaction/1`, { apiOperation: 'PAY', order: { amount: '2.500', currency: 'KWD' }, sourceOfFunds: { type: 'CARD', token } });
    expect(paid.status).toBe(201);
    expect(paid.json).toMatchObject({
      result: 'SUCCESS',
      response: { gatewayCode: 'APPROVED' },
      order: { id: orderId, status: 'CAPTURED', totalCapturedAmount: 2.5 },
      sourceOfFunds: { token, provided: { card: { number: '512345xxxxxx0008' } } },
      transaction: { type: 'PAYMENT', source: 'INTERNET', amount: 2.5 },
    });
    expect(paid.json.response.cardSecurityCode).toBeUndefined();
    expect((await call('GET', `${BASE}/token/${token}`)).json.usage.lastUsed).toEqual(expect.any(String));
  });

  test('merchant-initiated under the agreement the hosted payment set up: approved, notified, repeatable without paying twice', async () => {
    const agreement = { id: unique('agr'), type: 'RECURRING' };
    const token = await saveCard({ agreement });
    const orderId = unique('mit');
    const paid = await call('PUT', `${BASE}/order/${orderId}/transaction/1`, merchantInitiated(token, agreement));
    expect(paid.json).toMatchObject({ result: 'SUCCESS', agreement, transaction: { source: 'MERCHANT', type: 'PAYMENT', amount: 3 }, order: { status: 'CAPTURED' } });
    const again = await call('PUT', `${BASE}/order/${orderId}/transaction/1`, merchantInitiated(token, agreement));
    expect(again.json.order.totalCapturedAmount).toBe(3);
    await waitFor(() => receiver.requests.some((hit) => JSON.stringify(hit.body).includes(orderId)));
    expect(receiver.requests.filter((hit) => JSON.stringify(hit.body).includes(orderId))).toHaveLength(1);
    const different = await call('PUT', `${BASE}/order/${orderId}/transaction/1`, merchantInitiated(token, agreement, '4.000'));
    expect(different.json.error.field).toBe('transaction.id');
  });

  test('a cardholder-initiated PAY with the token and an agreement establishes it for later merchant-initiated ones', async () => {
    const token = await saveCard();
    const agreement = { id: unique('agr'), type: 'UNSCHEDULED' };
    expect((await call('PUT', `${BASE}/order/${unique('o')}/transaction/1`, merchantInitiated(token, agreement))).json.error.field).toBe('agreement.id');
    const first = await call('PUT', `${BASE}/order/${unique('cit')}/transaction/1`, { apiOperation: 'PAY', agreement, order: { amount: '1.000', currency: 'KWD' }, sourceOfFunds: { token, provided: { card: { storedOnFile: 'TO_BE_STORED' } } } });
    expect(first.json.result).toBe('SUCCESS');
    expect((await call('PUT', `${BASE}/order/${unique('mit')}/transaction/1`, merchantInitiated(token, agreement))).json.result).toBe('SUCCESS');
  });

  test('refusals: unknown agreement, wrong type, another card, expired agreement, missing agreement or storedOnFile, unknown token', async () => {
    const agreement = { id: unique('agr'), type: 'RECURRING', expiryDate: '2040-01-31' };
    const token = await saveCard({ agreement });
    const other = await saveCard({ number: '4508750015741019' });
    const cases: Array<[object, string]> = [
      [merchantInitiated(token, { id: 'never-agreed', type: 'RECURRING' }), 'agreement.id'],
      [merchantInitiated(token, { ...agreement, type: 'INSTALLMENT' }), 'agreement.type'],
      [merchantInitiated(other, agreement), 'sourceOfFunds.token'],
      [merchantInitiated(token, { ...agreement, expiryDate: '2020-01-31' }), 'agreement.expiryDate'],
      [merchantInitiated(token, { ...agreement, type: 'WHENEVER' }), 'agreement.type'],
      [merchantInitiated(token, { ...agreement, expiryDate: '2040-02-30' }), 'agreement.expiryDate'],
      [{ ...merchantInitiated(token, agreement), agreement: undefined }, 'agreement.id'],
      [{ ...merchantInitiated(token, agreement), sourceOfFunds: { token } }, 'sourceOfFunds.provided.card.storedOnFile'],
      [merchantInitiated('9999999999999999', agreement), 'sourceOfFunds.token'],
      [{ ...merchantInitiated(token, agreement), transaction: { source: 'TELEPATHY' } }, 'transaction.source'],
    ];
    for (const [body, field] of cases) {
      const orderId = unique('refused');
      const refused = await call('PUT', `${BASE}/order/${orderId}/transaction/1`, body);
      expect({ field, status: refused.status, error: refused.json.error?.field }).toEqual({ field, status: 400, error: field });
      expect((await call('GET', `${BASE}/order/${orderId}`)).status).toBe(400);
    }
  });

  test('a saved card whose expiry has passed is declined EXPIRED_CARD, recorded as a failed payment', async () => {
    const agreement = { id: unique('agr'), type: 'RECURRING' };
    // The test table approves an expiry it does not name, so the hosted payment with 01/21 is
    // approved and saved; by the gateway's clock the card expired at the end of January 2021.
    const expired = await saveCard({ agreement, expiry: '01/21' });
    const paid = await call('PUT', `${BASE}/order/${unique('exp')}/transaction/1`, merchantInitiated(expired, agreement));
    expect(paid.status).toBe(201);
    expect(paid.json).toMatchObject({ result: 'FAILURE', response: { gatewayCode: 'EXPIRED_CARD' }, order: { status: 'FAILED', totalCapturedAmount: 0 } });
  });

  test('VERIFY with a token: a VERIFICATION of 0, no charge', async () => {
    const token = await saveCard();
    const verified = await call('PUT', `${BASE}/order/${unique('v')}/transaction/1`, { apiOperation: 'VERIFY', order: { currency: 'KWD' }, sourceOfFunds: { token } });
    expect(verified.json).toMatchObject({ result: 'SUCCESS', order: { status: 'VERIFIED', totalCapturedAmount: 0 }, transaction: { type: 'VERIFICATION', amount: 0 } });
    const charged = await call('PUT', `${BASE}/order/${unique('v')}/transaction/1`, { apiOperation: 'VERIFY', order: { currency: 'KWD', amount: '1.000' }, sourceOfFunds: { token } });
    expect(charged.json.error.field).toBe('order.amount');
  });
});

test('the request log masks tokens, in bodies and in paths', async () => {
  const token = await saveCard();
  await call('GET', `${BASE}/token/${token}`);
  await call('PUT', `${BASE}/order/${unique('log')}/transaction/1`, { apiOperation: 'PAY', order: { amount: '1.000', currency: 'KWD' }, sourceOfFunds: { token } });
  const overHttp = JSON.stringify(await (await fetch(`${mpgs.url}/_fake/requests`)).json());
  for (const log of [JSON.stringify(mpgs.requests()), overHttp]) {
    expect(log).not.toContain(token);
    expect(log).toContain(`xxxxxxxxxxxx${token.slice(-4)}`);
  }
});
