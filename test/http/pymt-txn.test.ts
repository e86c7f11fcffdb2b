import { startTestApi, seedBody, type TestApi } from '../fixtures/local-api';

const PATH = '/b/checkout/v1/pymt-txn/';
let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

const create = (body: unknown, init: Parameters<TestApi['request']>[2] = {}) => api.request('POST', PATH, { body, ...init });
const minimal = () => ({ type: 'payment_request', pg_codes: ['sandbox-kwd'], amount: '14', currency_code: 'KWD' });

describe('create', () => {
  test("the seed's example returns 201 in the seed's response shape", async () => {
    const { status, json } = await create(seedBody());
    expect(status).toBe(201);
    expect(json.session_id).toMatch(/^[0-9a-f]{40}$/);
    expect(json).toMatchObject({
      ...seedBody(),
      amount: '14.000',
      state: 'created',
      operation: 'purchase',
      expiration_time: '01:00:00',
      language: 'en',
      mode: 'payment',
      attachment: '',
      checkout_short_url: '',
      customer_first_name: '',
      customer_last_name: '',
      customer_id: '',
      email_recipients: [],
      extra: {},
      initiator_id: null,
      order_no: null,
      redirect_url: '',
      remarks: null,
      vendor_name: '',
      webhook_url: '',
    });
    expect(json.checkout_url).toBe(`${api.url}/b/checkout/redirect/start/?session_id=${json.session_id}`);
    expect(json.payment_methods).toEqual([
      {
        code: 'sandbox-kwd',
        name: 'Sandbox KWD',
        pg: 'Ottu PG',
        type: 'sandbox',
        amount: '14.000',
        currency_code: 'KWD',
        fee: '0.000',
        icon: `${api.url}/static/pg-icons/card.svg`,
        flow: 'redirect',
        redirect_url: `${api.url}/checkout/${json.session_id}?pg_code=sandbox-kwd`,
      },
    ]);
    expect(Date.parse(json.expires_at)).toBeGreaterThan(Date.now() + 59 * 60_000);
  });

  test('every optional seed field is stored and echoed', async () => {
    const body = {
      ...minimal(),
      pg_codes: ['sandbox-authorize'],
      amount: 10.5,
      currency_code: 'usd',
      customer_id: 'cust-1',
      customer_first_name: 'Layla',
      customer_last_name: 'Haddad',
      customer_email: 'layla@example.com',
      customer_phone: '+96550000000',
      billing_address: { line1: 'Street 1', city: 'Kuwait City', state: 'Capital', country: 'kw', postal_code: '13001' },
      order_no: 'ABC123_1',
      vendor_name: 'Vendor',
      expiration_time: '1 02:00:00',
      email_recipients: ['ops@example.com'],
      extra: { cart: [1, 2], nested: { a: true } },
      product_type: 'Books',
      language: 'ar',
      mode: 'payment',
      webhook_url: 'https://merchant.example.com/hook',
      redirect_url: 'https://merchant.example.com/done',
      initiator_id: 7,
    };
    const { status, json } = await create(body);
    expect(status).toBe(201);
    expect(json).toMatchObject({
      ...body,
      amount: '10.50',
      currency_code: 'USD',
      operation: 'authorize',
      billing_address: { ...body.billing_address, line2: '', country: 'KW' },
    });
  });

  test("Ottu's fields are implemented: shipping_address, due_datetime, customer_birthdate, customer_phone_2, generate_qr_code, notifications.SMS, payment_type one_off", async () => {
    const shipping = { first_name: 'Sara', last_name: 'Ali', email: 'sara@example.com', phone: '+96550000001', line1: 'Block 4', city: 'Kuwait City', country: 'kw' };
    const { status, json } = await create({
      ...minimal(),
      customer_phone: '96550000000',
      payment_type: 'one_off',
      shipping_address: shipping,
      due_datetime: '2026-12-01T10:00:00+03:00',
      customer_birthdate: '1990-04-21',
      customer_phone_2: '96560000000',
      generate_qr_code: true,
      include_sdk_setup_preload: false,
      preload_checkout_page: true,
      agreement: null,
      // Read-only in Ottu's schema: ignored on input.
      state: 'paid',
      qr_code_url: 'https://evil.example/qr.svg',
      notifications: { SMS: ['paid'], sms: ['created'] },
    });
    expect(status).toBe(201);
    expect(json).toMatchObject({
      payment_type: 'one_off',
      shipping_address: { ...shipping, country: 'KW', line2: '', state: '', postal_code: '' },
      due_datetime: '2026-12-01T07:00:00.000Z',
      customer_birthdate: '1990-04-21',
      customer_phone_2: '96560000000',
      notifications: { email: [], sms: ['created', 'paid'] },
      agreement: null,
      card_acceptance_criteria: null,
    });
    expect(json.qr_code_url).toBe(`${api.url}/checkout/${json.session_id}/qr-code.svg`);
    expect(json.state).toBe('created');
    const retrieved = (await api.request('GET', `/b/checkout/v1/pymt-txn/${json.session_id}`, { auth: 'none' })).json;
    expect(retrieved).toMatchObject({ shipping_address: { city: 'Kuwait City' }, due_datetime: '2026-12-01T07:00:00.000Z', qr_code_url: json.qr_code_url });
    const image = await fetch(json.qr_code_url);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/svg+xml');
    const svg = await image.text();
    expect(svg).toMatch(/^<\?xml[^>]*>\n<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]*>.*<path d="M[^"]+" [^>]*\/><\/svg>\n$/s);
    // Another session's code is another image (it encodes that session's checkout_url).
    const other = (await create({ ...minimal(), generate_qr_code: true })).json;
    expect(await (await fetch(other.qr_code_url)).text()).not.toBe(svg);
    // Without generate_qr_code there is no QR code, and its URL answers 404.
    const plain = (await create(minimal())).json;
    expect(plain).not.toHaveProperty('qr_code_url');
    expect((await api.request('GET', `/checkout/${plain.session_id}/qr-code.svg`, { auth: 'none' })).status).toBe(404);
  });

  test("Ottu's fields that would change the money or need what we lack are refused by name with a 400, and nothing is stored", async () => {
    const { status, json } = await create({
      ...minimal(),
      order_no: 'refused-fields-1',
      payment_instrument: { instrument_type: 'apple_pay' },
      include_sdk_setup_preload: true,
      loyalty: { enabled: true },
      branding_options: { payment_methods: {} },
      unit_code: 'shop-2',
      notifications: { whatsapp: ['paid'] },
    });
    expect(status).toBe(400);
    expect(json).toEqual({
      payment_instrument: ['Paying with a payment instrument (Apple Pay, Google Pay, tokens, wallets) is not supported yet.'],
      include_sdk_setup_preload: ['The Checkout SDK preload payload is not supported yet.'],
      loyalty: ['Loyalty is not supported yet.'],
      branding_options: ['Branding options is not supported yet.'],
      unit_code: ['Units is not supported yet.'],
      notifications: { whatsapp: ['WhatsApp notifications is not supported yet.'] },
    });
    // save_card and auto_debit are implemented (test/http/saved-cards.test.ts); here they are held to their rules.
    expect((await create({ ...minimal(), payment_type: 'save_card' })).json).toEqual({
      amount: ['Ensure this value is 0: a save_card payment verifies the card without charging it.'],
      customer_id: ['This field is required when payment_type is save_card.'],
      pg_codes: ['Payment gateway "sandbox-kwd" does not support tokenization, which payment_type save_card needs.'],
    });
    // Nothing was stored: the order_no is still free.
    expect((await create({ ...minimal(), order_no: 'refused-fields-1' })).status).toBe(201);
  });

  test('shipping_address, due_datetime and customer_birthdate are checked as Ottu checks them', async () => {
    const { status, json } = await create({ ...minimal(), shipping_address: { line1: 'x' }, due_datetime: 'tomorrow', customer_birthdate: '1990-02-30' });
    expect(status).toBe(400);
    expect(json).toEqual({
      shipping_address: { first_name: ['This field is required.'], last_name: ['This field is required.'], email: ['This field is required.'], phone: ['This field is required.'], city: ['This field is required.'], country: ['This field is required.'] },
      due_datetime: ['Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].'],
      customer_birthdate: ['Date has wrong format. Use one of these formats instead: YYYY-MM-DD.'],
    });
  });

  test('form-urlencoded bodies work, lists from repeated keys and dotted nested fields', async () => {
    const form = new URLSearchParams([
      ['type', 'payment_request'],
      ['pg_codes', 'sandbox-kwd'],
      ['amount', '3.5'],
      ['currency_code', 'KWD'],
      ['customer_email', 'a@example.com'],
      ['notifications.email', 'created'],
      ['notifications.email', 'paid'],
      ['billing_address.line1', 'L1'],
      ['billing_address.city', 'C'],
      ['billing_address.state', 'S'],
      ['billing_address.country', 'KW'],
      ['billing_address.postal_code', '1'],
      ['extra', '{"k":"v"}'],
    ]);
    const { status, json } = await create(form.toString(), { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(status).toBe(201);
    expect(json).toMatchObject({ amount: '3.500', notifications: { email: ['created', 'paid'], sms: [] }, extra: { k: 'v' } });
    expect(json.billing_address.city).toBe('C');
  });

  test('multipart bodies without a file work', async () => {
    const form = new FormData();
    for (const [key, value] of Object.entries({ type: 'payment_request', pg_codes: 'sandbox-kwd', amount: '1', currency_code: 'KWD', order_no: 'MP-1' })) {
      form.append(key, value);
    }
    const { status, json } = await create(form);
    expect(status).toBe(201);
    expect(json).toMatchObject({ amount: '1.000', pg_codes: ['sandbox-kwd'], order_no: 'MP-1' });
  });

  test('the trailing slash is optional', async () => {
    const { status, json } = await api.request('POST', '/b/checkout/v1/pymt-txn', { body: minimal() });
    expect(status).toBe(201);
    expect((await api.request('GET', `/b/checkout/v1/pymt-txn/${json.session_id}`, { auth: 'none' })).status).toBe(200);
  });

  test('Basic auth users create within their permissions', async () => {
    expect((await create(minimal(), { auth: 'basic' })).status).toBe(201);
    const otherGateway = await create({ ...minimal(), pg_codes: ['sandbox-authorize'] }, { auth: 'basic' });
    expect(otherGateway.status).toBe(403);
    expect(otherGateway.json).toEqual({ detail: 'You do not have permission to use the payment gateway(s): sandbox-authorize.' });
    const otherPlugin = await create({ ...minimal(), type: 'e_commerce' }, { auth: 'basic' });
    expect(otherPlugin.status).toBe(403);
  });
});

describe('bad input: a clear 4xx in Ottu shapes, nothing stored', () => {
  const amountCases: Array<[unknown, string]> = [
    ['0', 'Ensure this value is greater than 0.'],
    ['-1', 'A valid number is required.'],
    ['1.2345', 'Ensure that there are no more than 3 decimal places.'],
    ['abc', 'A valid number is required.'],
    ['1e309', 'A valid number is required.'],
    [['14'], 'A valid number is required.'],
    [null, 'This field may not be null.'],
  ];
  test.each(amountCases)('amount %p → %s', async (amount, message) => {
    const before = api.ports.sessions.outbox.length;
    const { status, json } = await create({ ...minimal(), amount });
    expect(status).toBe(400);
    expect(json).toEqual({ amount: [message] });
    expect(api.ports.sessions.outbox.length).toBe(before);
  });

  test('JSON 1e309 (Infinity) is not a number we accept, 14 as a JSON number is', async () => {
    const raw = JSON.stringify({ ...minimal(), amount: 0 }).replace('"amount":0', '"amount":1e309');
    expect((await create(raw, { headers: { 'content-type': 'application/json' } })).json).toEqual({ amount: ['A valid number is required.'] });
    expect((await create({ ...minimal(), amount: 14 })).json.amount).toBe('14.000');
  });

  test('missing required fields are all named', async () => {
    const { status, json } = await create({});
    expect(status).toBe(400);
    expect(json).toEqual({
      type: ['This field is required.'],
      amount: ['This field is required.'],
      currency_code: ['This field is required.'],
      pg_codes: ['This field is required.'],
    });
  });

  test('wrong types, over-long strings and nested errors come back together', async () => {
    const { status, json } = await create({
      ...minimal(),
      customer_first_name: ['Layla'],
      customer_last_name: 'x'.repeat(65),
      customer_phone: '1234567890123',
      order_no: 'o'.repeat(129),
      webhook_url: 'ftp://example.com',
      redirect_url: 'not a url',
      language: 'fr',
      pg_codes: [],
      email_recipients: ['ok@example.com', 'bad'],
      billing_address: { line1: 'x'.repeat(129), city: 'C', country: 'XX', postal_code: '1' },
      notifications: { email: ['paid'], sms: 'paid' },
      extra: 'text',
      expiration_time: '00:00:00',
    });
    expect(status).toBe(400);
    expect(json).toEqual({
      customer_first_name: ['Not a valid string.'],
      customer_last_name: ['Ensure this field has no more than 64 characters.'],
      customer_phone: ['Ensure this field has no more than 12 characters.'],
      order_no: ['Ensure this field has no more than 128 characters.'],
      webhook_url: ['Enter a valid URL.'],
      redirect_url: ['Enter a valid URL.'],
      language: ['"fr" is not a valid choice.'],
      pg_codes: ['This list may not be empty.'],
      email_recipients: { '1': ['Enter a valid email address.'] },
      billing_address: {
        line1: ['Ensure this field has no more than 128 characters.'],
        state: ['This field is required.'],
        country: ['"XX" is not a valid ISO 3166-1 alpha-2 country code.'],
      },
      notifications: { sms: ['Expected a list of items but got type "str".'] },
      extra: ['Expected a dictionary of items but got type "str".'],
      expiration_time: ['Ensure this value is greater than 00:00:00.'],
    });
  });

  test('notifications need the matching contact field (nested error)', async () => {
    const { status, json } = await create({ ...minimal(), notifications: { email: ['paid'], sms: ['paid'] } });
    expect(status).toBe(400);
    expect(json).toEqual({
      notifications: {
        email: ['To use email notifications provide the `customer_email` field.'],
        sms: ['To use sms notifications provide the `customer_phone` field.'],
      },
    });
  });

  test('unknown currency and unknown gateway code are 400', async () => {
    expect((await create({ ...minimal(), currency_code: 'XYZ' })).json).toEqual({ currency_code: ['"XYZ" is not a valid ISO 4217 currency code.'] });
    expect((await create({ ...minimal(), pg_codes: ['ghost'] })).json).toEqual({ pg_codes: ['Object with code=ghost does not exist.'] });
  });

  test('a body that is not an object is a non-field error', async () => {
    const { status, json } = await create([1, 2]);
    expect(status).toBe(400);
    expect(json).toEqual({ non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] });
  });

  test('malformed JSON is 400, an unsupported media type 415, an oversized body 413', async () => {
    const malformed = await create('{"amount":', { headers: { 'content-type': 'application/json' } });
    expect(malformed.status).toBe(400);
    expect(malformed.json.detail).toMatch(/^JSON parse error - /);

    const xml = await create('<xml/>', { headers: { 'content-type': 'application/xml' } });
    expect(xml).toMatchObject({ status: 415, json: { detail: 'Unsupported media type "application/xml" in request.' } });

    const huge = await create(JSON.stringify({ ...minimal(), extra: { blob: 'x'.repeat(4 * 1024 * 1024) } }), { headers: { 'content-type': 'application/json' } });
    expect(huge.status).toBe(413);
    expect(huge.json.detail).toMatch(/exceeds the limit/);
  });

  test('a truncated multipart body is 400', async () => {
    const body = '--XyZ\r\nContent-Disposition: form-data; name="amount"\r\n\r\n14';
    const { status, json } = await create(body, { headers: { 'content-type': 'multipart/form-data; boundary=XyZ' } });
    expect(status).toBe(400);
    expect(json.detail).toMatch(/Multipart form parse error/);
  });

  test('missing or wrong credentials are 401', async () => {
    expect(await create(minimal(), { auth: 'none' })).toMatchObject({ status: 401, json: { detail: 'Authentication credentials were not provided.' } });
    expect(await create(minimal(), { auth: 'Api-Key testkey.wrong' })).toMatchObject({ status: 401, json: { detail: 'Invalid API key.' } });
    const wrongPassword = `Basic ${Buffer.from('clerk:nope').toString('base64')}`;
    expect(await create(minimal(), { auth: wrongPassword })).toMatchObject({ status: 401, json: { detail: 'Invalid username/password.' } });
    expect((await create(minimal(), { auth: 'Bearer abc' })).status).toBe(401);
  });

  test('unknown paths are 404 and wrong methods 405, in the detail shape', async () => {
    expect(await api.request('GET', '/nowhere')).toMatchObject({ status: 404, json: { detail: 'Not found.' } });
    expect(await api.request('DELETE', PATH)).toMatchObject({ status: 405, json: { detail: 'Method "DELETE" not allowed.' } });
  });
});

describe('retrieve', () => {
  test('is public and returns the document create returned, less where and to whom the merchant is notified; with credentials, all of it', async () => {
    const created = await create(seedBody());
    const fetched = await api.request('GET', `${PATH}${created.json.session_id}/`, { auth: 'none' });
    expect(fetched.status).toBe(200);
    const { webhook_url: _url, email_recipients: _recipients, ...publicFields } = created.json;
    expect(fetched.json).toEqual(publicFields);
    expect((await api.request('GET', `${PATH}${created.json.session_id}/`)).json).toEqual(created.json);
  });

  test('an unknown or malformed session id is 404', async () => {
    expect(await api.request('GET', `${PATH}${'0'.repeat(40)}/`, { auth: 'none' })).toMatchObject({ status: 404, json: { detail: 'Not found.' } });
    expect((await api.request('GET', `${PATH}not-a-session/`, { auth: 'none' })).status).toBe(404);
  });

  test('a server fault is a 500 that shows no internals', async () => {
    const created = await create(minimal());
    const original = api.ports.sessions.get;
    api.ports.sessions.get = async () => {
      throw new Error('secret internal detail: table arn:aws:dynamodb:...');
    };
    try {
      const { status, text } = await api.request('GET', `${PATH}${created.json.session_id}/`, { auth: 'none' });
      expect(status).toBe(500);
      expect(JSON.parse(text)).toEqual({ detail: 'A server error occurred.' });
    } finally {
      api.ports.sessions.get = original;
    }
  });
});

describe('update', () => {
  test('PATCH changes a subset and returns the merged document', async () => {
    const created = await create(seedBody());
    const patched = await api.request('PATCH', `${PATH}${created.json.session_id}/`, { body: { amount: '20.5', customer_first_name: 'Omar' } });
    expect(patched.status).toBe(200);
    expect(patched.json).toEqual({ ...created.json, amount: '20.500', customer_first_name: 'Omar', payment_methods: [{ ...created.json.payment_methods[0], amount: '20.500' }] });
    expect((await api.request('GET', `${PATH}${created.json.session_id}`)).json).toEqual(patched.json);
  });

  test('PATCH cannot break cross-field rules of the merged session', async () => {
    const created = await create(seedBody());
    const { status, json } = await api.request('PATCH', `${PATH}${created.json.session_id}/`, { body: { customer_phone: '' } });
    expect(status).toBe(400);
    expect(json).toEqual({ notifications: { sms: ['To use sms notifications provide the `customer_phone` field.'] } });
  });

  test('PUT replaces the session with create’s rules', async () => {
    const created = await create({ ...seedBody(), vendor_name: 'Old' });
    const incomplete = await api.request('PUT', `${PATH}${created.json.session_id}/`, { body: { amount: '5' } });
    expect(incomplete.status).toBe(400);
    expect(Object.keys(incomplete.json).sort()).toEqual(['currency_code', 'pg_codes', 'type']);

    const put = await api.request('PUT', `${PATH}${created.json.session_id}/`, { body: { ...minimal(), amount: '5' } });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({ session_id: created.json.session_id, amount: '5.000', vendor_name: '', customer_email: '', notifications: { email: [], sms: [] } });
  });

  test('PATCH and PUT on a session that is no longer open are 409', async () => {
    const created = await create(minimal());
    const stored = (await api.ports.sessions.get(created.json.session_id))!;
    await api.ports.sessions.update({ ...stored, state: 'paid', version: stored.version + 1 }, stored, []);
    const patch = await api.request('PATCH', `${PATH}${created.json.session_id}/`, { body: { amount: '2' } });
    expect(patch).toMatchObject({ status: 409, json: { detail: 'The payment transaction can no longer be changed: it is paid.' } });
    expect((await api.request('PUT', `${PATH}${created.json.session_id}/`, { body: minimal() })).status).toBe(409);
  });

  test('PATCH on an unknown session is 404 and needs credentials', async () => {
    expect((await api.request('PATCH', `${PATH}${'a'.repeat(40)}/`, { body: { amount: '1' } })).status).toBe(404);
    expect((await api.request('PATCH', `${PATH}${'a'.repeat(40)}/`, { body: { amount: '1' }, auth: 'none' })).status).toBe(401);
  });

  test('concurrent PATCHes never lose an update: each applies or gets 409', async () => {
    const created = await create(minimal());
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => api.request('PATCH', `${PATH}${created.json.session_id}/`, { body: { extra: { writer: i } } })),
    );
    const applied = results.filter((r) => r.status === 200).length;
    expect(results.every((r) => r.status === 200 || r.status === 409)).toBe(true);
    expect((await api.ports.sessions.get(created.json.session_id))!.version).toBe(1 + applied);
  });
});

describe('order_no and idempotency', () => {
  test('two concurrent creates with the same order_no: exactly one wins', async () => {
    const results = await Promise.all([create({ ...minimal(), order_no: 'DUP-1' }), create({ ...minimal(), order_no: 'DUP-1' })]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 400]);
    expect(results.find((r) => r.status === 400)!.json).toEqual({ order_no: ['Payment transaction with this order_no already exists.'] });
  });

  test('the same Idempotency-Key and body return the first response; another body is 409', async () => {
    const headers = { 'idempotency-key': 'key-123' };
    const first = await create(minimal(), { headers });
    const again = await create(minimal(), { headers });
    expect(again.status).toBe(201);
    expect(again.json).toEqual(first.json);
    expect(again.headers.get('idempotent-replayed')).toBe('true');

    const other = await create({ ...minimal(), amount: '2' }, { headers });
    expect(other).toMatchObject({ status: 409, json: { detail: 'This Idempotency-Key was already used with a different request body.' } });

    const fresh = await create(minimal(), { headers: { 'idempotency-key': 'key-456' } });
    expect(fresh.json.session_id).not.toBe(first.json.session_id);
  });

  test('a validation failure is remembered for its key too, so a retry cannot turn it into a different outcome', async () => {
    const headers = { 'idempotency-key': 'key-bad' };
    const first = await create({ ...minimal(), amount: '0' }, { headers });
    const again = await create({ ...minimal(), amount: '0' }, { headers });
    expect(first.status).toBe(400);
    expect(again).toMatchObject({ status: 400, json: first.json });
  });
});
