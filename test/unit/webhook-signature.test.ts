import { createHmac } from 'node:crypto';
import { signWebhook, verifySignatureHeader, verifyWebhookSignature } from '../../functions/domain/webhook-signature';

// Computed here with node:crypto over hand-written messages, not through the module under test.
const hmac = (key: string, message: string) => createHmac('sha256', key).update(message, 'utf8').digest('hex');

test("Ottu's published example: three fields, key pu9MpX3yPR", () => {
  const payload = { amount: '86.000', currency_code: 'KWD', customer_first_name: 'example-customer' };
  const expected = hmac('pu9MpX3yPR', 'amount86.000currency_codeKWDcustomer_first_nameexample-customer');
  // The value Ottu's documentation prints for this example.
  expect(expected).toBe('6143b8ad4bd283540721ab000f6de746e722231aaaa90bc38f639081d3ff9f67');
  expect(signWebhook(payload, 'pu9MpX3yPR')).toBe(expected);
  expect(verifyWebhookSignature({ ...payload, signature: expected }, 'pu9MpX3yPR')).toBe(true);
});

test('signs the listed fields only, sorted, without empty or absent ones', () => {
  const payload = {
    state: 'paid',
    session_id: 'a12f71075a834a34d692736ac43a212fcebfb6ec', // not signed
    result: 'success',
    order_no: null, // absent
    amount: '14.000',
    currency_code: 'KWD',
    customer_phone: '+96550000000',
    customer_email: 'خالد@example.com',
    customer_address_line1: 'Block 1',
    customer_address_line2: '', // empty
    customer_address_country: 'KW',
    gateway_account: 'sandbox-kwd',
    gateway_name: 'Ottu PG',
    reference_number: '',
    extra: { amount: '999' }, // not signed
    timestamp_utc: '2026-11-25 10:31:07', // not signed
  };
  const message =
    'amount14.000' +
    'currency_codeKWD' +
    'customer_address_countryKW' +
    'customer_address_line1Block 1' +
    'customer_emailخالد@example.com' +
    'customer_phone+96550000000' +
    'gateway_accountsandbox-kwd' +
    'gateway_nameOttu PG' +
    'resultsuccess' +
    'statepaid';
  const signature = hmac('merchant-key', message);
  expect(signWebhook(payload, 'merchant-key')).toBe(signature);
  expect(verifyWebhookSignature({ ...payload, signature }, 'merchant-key')).toBe(true);
});

test('verification fails for a changed field, another key or a missing signature', () => {
  const payload = { amount: '14.000', currency_code: 'KWD', state: 'paid', result: 'success' };
  const signature = signWebhook(payload, 'k1');
  expect(verifyWebhookSignature({ ...payload, signature }, 'k1')).toBe(true);
  expect(verifyWebhookSignature({ ...payload, amount: '1.000', signature }, 'k1')).toBe(false);
  expect(verifyWebhookSignature({ ...payload, signature }, 'k2')).toBe(false);
  expect(verifyWebhookSignature(payload, 'k1')).toBe(false);
  expect(verifyWebhookSignature({ ...payload, signature: signature.slice(1) }, 'k1')).toBe(false);
  // Unsigned fields may change without breaking it (as with Ottu).
  expect(verifyWebhookSignature({ ...payload, extra: { x: 1 }, signature }, 'k1')).toBe(true);
});

test('a malformed signature is false, never a throw: not hex, too short, or not a string', () => {
  const payload = { order_no: 'A1', amount: '14.000' };
  const good = signWebhook(payload, 'k');
  expect(verifyWebhookSignature({ ...payload, signature: 'zz'.repeat(32) }, 'k')).toBe(false);
  expect(verifyWebhookSignature({ ...payload, signature: good.slice(0, 62) }, 'k')).toBe(false);
  expect(verifyWebhookSignature({ ...payload, signature: good.toUpperCase() }, 'k')).toBe(false);
  expect(verifyWebhookSignature({ ...payload, signature: 42 }, 'k')).toBe(false);
});

describe('the signature header', () => {
  const body = '{"order_no":"A1"}';
  const now = new Date('2026-12-08T10:00:00Z');
  const t = Math.floor(now.getTime() / 1000);

  test('a header without a whole-second timestamp is a mismatch, even with a v1 made over that missing time', () => {
    expect(verifySignatureHeader(`v1=${hmac('k', `NaN.${body}`)}`, body, ['k'], now)).toBe('mismatch');
    expect(verifySignatureHeader(`t=${t}.5,v1=${hmac('k', `${t}.5.${body}`)}`, body, ['k'], now)).toBe('mismatch');
    expect(verifySignatureHeader(`t=${t}`, body, ['k'], now)).toBe('mismatch');
    expect(verifySignatureHeader(undefined, body, ['k'], now)).toBe('missing');
  });

  test('a receiver holding two keys accepts a header signed by either one', () => {
    const header = `t=${t},v1=${hmac('new', `${t}.${body}`)}`;
    expect(verifySignatureHeader(header, body, ['old', 'new'], now)).toBe('ok');
    expect(verifySignatureHeader(header, body, ['new', 'old'], now)).toBe('ok');
  });

  test('the tolerance holds to its second, either way', () => {
    const at = (seconds: number) => `t=${t + seconds},v1=${hmac('k', `${t + seconds}.${body}`)}`;
    expect(verifySignatureHeader(at(-300), body, ['k'], now)).toBe('ok');
    expect(verifySignatureHeader(at(300), body, ['k'], now)).toBe('ok');
    expect(verifySignatureHeader(at(-301), body, ['k'], now)).toBe('stale');
    expect(verifySignatureHeader(at(301), body, ['k'], now)).toBe('stale');
  });
});
