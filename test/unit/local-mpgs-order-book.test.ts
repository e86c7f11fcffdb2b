import { formatAmount, parseAmount } from '../../functions/local/mpgs/amounts';
import { isApiError } from '../../functions/local/mpgs/api-errors';
import { jsonText } from '../../functions/local/mpgs/json-text';
import { OrderBook, orderStatus, orderTotals, type CheckoutRequest, type IdSource } from '../../functions/local/mpgs/order-book';
import { orderJson } from '../../functions/local/mpgs/order-json';
import { decideCard, EXPIRY_OUTCOMES, type CardDecision, type CardEntry } from '../../functions/local/mpgs/test-cards';

let counter = 0;
const ids: IdSource = {
  alphanumeric: (length) => String(++counter).padStart(length, '0'),
  hex: (length) => (++counter).toString(16).padStart(length, '0'),
  digits: (length) => String(++counter).padStart(length, '0'),
};

function card(expiry = '01/39', securityCode = '100'): CardEntry {
  const [expiryMonth, expiryYear] = expiry.split('/') as [string, string];
  return { number: '5123 4500 0000 0008', expiryMonth, expiryYear, securityCode, nameOnCard: 'Sara' };
}

function decided(entry: CardEntry): CardDecision {
  const decision = decideCard(entry);
  if ('field' in decision) throw new Error(decision.message);
  return decision;
}

function checkout(operation: 'PURCHASE' | 'AUTHORIZE', orderId: string, amount = 14125n, currency = 'KWD'): CheckoutRequest {
  return { operation, merchantName: 'Gulf Books', returnUrl: 'https://shop.example/return', order: { id: orderId, amount, currency } };
}

function paidOrder(book: OrderBook, operation: 'PURCHASE' | 'AUTHORIZE', orderId: string, amount = 14125n) {
  const session = book.initiateCheckout('M1', checkout(operation, orderId, amount));
  if (isApiError(session)) throw new Error(session.explanation);
  const paid = book.pay(session.id, card(), decided(card()));
  if (paid.kind !== 'paid') throw new Error(paid.reason);
  return paid;
}

describe('amounts in the currency exponent', () => {
  test.each([
    ['14.125', 'KWD', 14125n],
    ['14.1', 'KWD', 14100n],
    ['7', 'BHD', 7000n],
    ['100.00', 'USD', 10000n],
    ['1500', 'JPY', 1500n],
    ['0.005', 'OMR', 5n],
    ['12.5', 'JOD', 12500n],
  ])('%s %s is %d minor units', (text, currency, minor) => {
    expect(parseAmount(text, currency)).toBe(minor);
  });

  test.each([
    ['14.1255', 'KWD'],
    ['1.001', 'USD'],
    ['10.5', 'JPY'],
    ['-1', 'USD'],
    ['0', 'USD'],
    ['1e3', 'USD'],
    [' 1', 'USD'],
    ['1', 'ZZZ'],
  ])('%s %s is refused', (text, currency) => {
    expect(typeof parseAmount(text, currency)).toBe('string');
  });

  test('formatting writes every decimal of the currency, and the JSON number keeps them', () => {
    expect(formatAmount(14125n, 'KWD')).toBe('14.125');
    expect(formatAmount(0n, 'BHD')).toBe('0.000');
    expect(formatAmount(5n, 'USD')).toBe('0.05');
    expect(formatAmount(1500n, 'JPY')).toBe('1500');
    const book = new OrderBook(() => new Date('2026-12-07T10:00:00Z'), ids);
    const { order } = paidOrder(book, 'PURCHASE', 'fmt-1', 14100n);
    expect(jsonText(orderJson(order))).toContain('"amount":14.100,');
    expect(jsonText(orderJson(order))).toContain('"totalRefundedAmount":0.000,');
  });
});

describe('the test card table', () => {
  test.each(Object.entries(EXPIRY_OUTCOMES))('expiry %s gives %j', (expiry, outcome) => {
    expect(decided(card(expiry)).outcome).toEqual(outcome);
  });

  test.each([
    ['100', 'MATCH'],
    ['101', 'NOT_PROCESSED'],
    ['102', 'NO_MATCH'],
  ])('security code %s is %s, and the expiry still decides the payment', (code, csc) => {
    const decision = decided(card('01/39', code));
    expect(decision.csc).toBe(csc);
    expect(decision.outcome.gatewayCode).toBe('APPROVED');
  });

  test("a merchant whose risk rules reject a CSC mismatch gets DECLINED_CSC", () => {
    const decision = decideCard(card('01/39', '102'), { rejectCscNoMatch: true });
    expect('field' in decision ? decision : decision.outcome.gatewayCode).toBe('DECLINED_CSC');
  });

  test('only published test numbers are taken; a bad number, expiry or code is a form error', () => {
    expect(decideCard({ ...card(), number: '4111111111111111' })).toEqual({ field: 'number', message: expect.stringContaining('published test card') });
    expect(decideCard({ ...card(), number: '5123450000000009' })).toEqual({ field: 'number', message: 'Enter a valid card number.' });
    expect(decideCard({ ...card(), expiryMonth: '13' })).toMatchObject({ field: 'expiryMonth' });
    expect(decideCard({ ...card(), securityCode: '12' })).toMatchObject({ field: 'securityCode' });
    for (const number of ['2223000000000007', '4508750015741019', '4012000033330026']) expect(decideCard({ ...card(), number })).toMatchObject({ outcome: { gatewayCode: 'APPROVED' } });
  });
});

describe('orders and their running totals', () => {
  test('PURCHASE gives a captured order; AUTHORIZE an authorized one', () => {
    const book = new OrderBook(() => new Date(), ids);
    expect(orderStatus(paidOrder(book, 'PURCHASE', 'p-1').order)).toBe('CAPTURED');
    const authorized = paidOrder(book, 'AUTHORIZE', 'a-1');
    expect(orderStatus(authorized.order)).toBe('AUTHORIZED');
    expect(authorized.transaction).toMatchObject({ type: 'AUTHORIZATION', result: 'SUCCESS', gatewayCode: 'APPROVED', authorizationCode: expect.stringMatching(/^\d{6}$/) });
    expect(authorized.resultIndicator).toBe(authorized.session.successIndicator);
  });

  test('a declined payment returns a different resultIndicator and the order is FAILED; the payer may try again', () => {
    const book = new OrderBook(() => new Date(), ids);
    const session = book.initiateCheckout('M1', checkout('PURCHASE', 'd-1'));
    if (isApiError(session)) throw new Error(session.explanation);
    const declined = book.pay(session.id, card('05/39'), decided(card('05/39')));
    if (declined.kind !== 'paid') throw new Error('not paid');
    expect(declined.resultIndicator).not.toBe(session.successIndicator);
    expect(orderStatus(declined.order)).toBe('FAILED');
    expect(declined.transaction.authorizationCode).toBeUndefined();
    const approved = book.pay(session.id, card(), decided(card()));
    expect(approved).toMatchObject({ kind: 'paid', resultIndicator: session.successIndicator, transaction: { id: '2' } });
    expect(book.pay(session.id, card(), decided(card()))).toMatchObject({ kind: 'closed' });
  });

  test('an UNKNOWN outcome is not FAILED, and blocks another attempt', () => {
    const book = new OrderBook(() => new Date(), ids);
    const session = book.initiateCheckout('M1', checkout('PURCHASE', 'u-1'));
    if (isApiError(session)) throw new Error(session.explanation);
    const unknown = book.pay(session.id, card('05/37'), decided(card('05/37')));
    if (unknown.kind !== 'paid') throw new Error('not paid');
    expect(orderStatus(unknown.order)).toBe('INITIATED');
    expect(book.pay(session.id, card(), decided(card()))).toMatchObject({ kind: 'closed' });
  });

  test('order ids are unique per merchant once paid', () => {
    const book = new OrderBook(() => new Date(), ids);
    paidOrder(book, 'PURCHASE', 'same');
    expect(book.initiateCheckout('M1', checkout('PURCHASE', 'same'))).toMatchObject({ status: 400, field: 'order.id' });
    expect(isApiError(book.initiateCheckout('M2', checkout('PURCHASE', 'same')))).toBe(false);
  });

  test('capture in parts up to the authorized amount, refund in parts up to the captured amount', () => {
    const book = new OrderBook(() => new Date(), ids);
    const { order } = paidOrder(book, 'AUTHORIZE', 'ops-1', 10000n);
    expect(book.operate('M1', 'ops-1', 'c1', { apiOperation: 'CAPTURE', amount: 4000n, currency: 'KWD' })).toMatchObject({ repeated: false });
    expect(orderStatus(order)).toBe('PARTIALLY_CAPTURED');
    expect(book.operate('M1', 'ops-1', 'c2', { apiOperation: 'CAPTURE', amount: 6001n, currency: 'KWD' })).toMatchObject({ status: 400, field: 'transaction.amount' });
    book.operate('M1', 'ops-1', 'c2', { apiOperation: 'CAPTURE', amount: 6000n, currency: 'KWD' });
    expect(orderStatus(order)).toBe('CAPTURED');
    book.operate('M1', 'ops-1', 'r1', { apiOperation: 'REFUND', amount: 2500n, currency: 'KWD' });
    book.operate('M1', 'ops-1', 'r2', { apiOperation: 'REFUND', amount: 2500n, currency: 'KWD' });
    expect(orderStatus(order)).toBe('PARTIALLY_REFUNDED');
    expect(book.operate('M1', 'ops-1', 'r3', { apiOperation: 'REFUND', amount: 5001n, currency: 'KWD' })).toMatchObject({ status: 400, field: 'transaction.amount' });
    expect(book.operate('M1', 'ops-1', 'r3', { apiOperation: 'REFUND', amount: 5000n, currency: 'USD' })).toMatchObject({ status: 400, field: 'transaction.currency' });
    book.operate('M1', 'ops-1', 'r3', { apiOperation: 'REFUND', amount: 5000n, currency: 'KWD' });
    expect(orderStatus(order)).toBe('REFUNDED');
    expect(orderTotals(order)).toEqual({ authorized: 10000n, captured: 10000n, refunded: 10000n });
    expect(book.operate('M1', 'ops-1', 'r4', { apiOperation: 'REFUND', amount: 1n, currency: 'KWD' })).toMatchObject({ status: 400 });
  });

  test('a repeated PUT of a transaction id answers the stored transaction and moves nothing twice', () => {
    const book = new OrderBook(() => new Date(), ids);
    const { order } = paidOrder(book, 'PURCHASE', 'rep-1', 10000n);
    const first = book.operate('M1', 'rep-1', 'r1', { apiOperation: 'REFUND', amount: 1000n, currency: 'KWD' });
    const again = book.operate('M1', 'rep-1', 'r1', { apiOperation: 'REFUND', amount: 1000n, currency: 'KWD' });
    if (isApiError(first) || isApiError(again)) throw new Error('refused');
    expect(again.repeated).toBe(true);
    expect(again.transaction).toBe(first.transaction);
    expect(orderTotals(order).refunded).toBe(1000n);
    expect(book.operate('M1', 'rep-1', 'r1', { apiOperation: 'REFUND', amount: 2000n, currency: 'KWD' })).toMatchObject({ status: 400, field: 'transaction.id' });
  });

  test('void only an authorization, only before a capture', () => {
    const book = new OrderBook(() => new Date(), ids);
    const voidable = paidOrder(book, 'AUTHORIZE', 'v-1');
    expect(book.operate('M1', 'v-1', 'v', { apiOperation: 'VOID', targetTransactionId: 'nope' })).toMatchObject({ field: 'transaction.targetTransactionId' });
    expect(book.operate('M1', 'v-1', 'v', { apiOperation: 'VOID', targetTransactionId: voidable.transaction.id })).toMatchObject({ transaction: { type: 'VOID_AUTHORIZATION', result: 'SUCCESS' } });
    expect(orderStatus(voidable.order)).toBe('CANCELLED');
    expect(orderTotals(voidable.order).authorized).toBe(0n);
    expect(book.operate('M1', 'v-1', 'c', { apiOperation: 'CAPTURE', amount: 1n, currency: 'KWD' })).toMatchObject({ status: 400 });

    const captured = paidOrder(book, 'AUTHORIZE', 'v-2');
    book.operate('M1', 'v-2', 'c', { apiOperation: 'CAPTURE', amount: 1000n, currency: 'KWD' });
    expect(book.operate('M1', 'v-2', 'v', { apiOperation: 'VOID', targetTransactionId: captured.transaction.id })).toMatchObject({ status: 400 });
    const purchase = paidOrder(book, 'PURCHASE', 'v-3');
    expect(book.operate('M1', 'v-3', 'v', { apiOperation: 'VOID', targetTransactionId: purchase.transaction.id })).toMatchObject({ status: 400 });
    expect(book.operate('M1', 'v-3', 'c', { apiOperation: 'CAPTURE', amount: 1n, currency: 'KWD' })).toMatchObject({ status: 400 });
  });

  test('the order keeps only the masked card', () => {
    const book = new OrderBook(() => new Date(), ids);
    const { order } = paidOrder(book, 'PURCHASE', 'mask-1');
    const text = jsonText(orderJson(order));
    expect(text).toContain('"number":"512345xxxxxx0008"');
    expect(text).not.toContain('5123450000000008');
    expect(JSON.stringify(order.card)).not.toMatch(/100|securityCode/);
  });
});
