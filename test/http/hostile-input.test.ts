import { startTestApi, DEMO_ENV, type TestApi } from '../fixtures/local-api';
import { rawRequest } from '../fixtures/raw-request';
import { EMAIL_RECIPIENTS_MAX, EXTRA_MAX_DEPTH, EXTRA_MAX_KEYS } from '../../functions/domain/session-schema';
import { MAX_FORM_KEYS, MAX_MULTIPART_FIELDS, MAX_MULTIPART_FILES } from '../../functions/handlers/http/parse-body';
import { MAX_JSON_DEPTH } from '../../functions/handlers/http/json-text';

/** Issue 14: every hostile input is refused in Ottu's shapes (never 5xx) or accepted exactly. */

const PATH = '/b/checkout/v1/pymt-txn/';
let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

const minimal = () => ({ type: 'payment_request', pg_codes: ['sandbox-kwd'], amount: '14', currency_code: 'KWD' });
/** The minimal create as multipart form fields, to add hostile parts to. */
function minimalForm(): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(minimal())) form.append(key, String(value));
  return form;
}
const create = (body: unknown, init: Parameters<TestApi['request']>[2] = {}) => api.request('POST', PATH, { body, ...init });
const jsonCreate = (text: string | Buffer) =>
  rawRequest(api.url, 'POST', PATH, [['authorization', `Api-Key ${DEMO_ENV.CHECKOUT_DEMO_API_KEY}`], ['content-type', 'application/json']], text);
const nested = (depth: number, leaf: string) => '['.repeat(depth) + leaf + ']'.repeat(depth);
const deepObject = (depth: number): unknown => (depth <= 1 ? { leaf: 1 } : { a: deepObject(depth - 1) });

describe('path parameters that do not decode: 404, never 500', () => {
  test.each([
    ['GET', '/b/checkout/v1/pymt-txn/%ZZ/'],
    ['GET', '/b/checkout/v1/pymt-txn/%E2%82/'],
    ['PATCH', '/b/checkout/v1/pymt-txn/%ED%A0%80'],
    ['PUT', '/b/checkout/v1/pymt-txn/%'],
    ['GET', '/b/checkout/v1/attachments/%ZZ'],
    ['GET', '/s/%C0%AF'],
    ['GET', '/checkout/%ZZ'],
    ['POST', '/checkout/%E2%82/pay'],
  ])('%s %s', async (method, path) => {
    const { status, json, text } = await api.request(method, path, { body: method === 'GET' ? undefined : minimal() });
    expect(status).toBe(404);
    if (path.startsWith('/checkout/')) expect(text).toContain('Not found');
    else expect(json).toEqual({ detail: 'Not found.' });
  });

  test('found by the fuzz suite: a path starting with // is a path, not a host', async () => {
    for (const path of ['//', '//s/x', '//example.com/b/checkout/v1/pymt-txn/']) {
      const { status } = await rawRequest(api.url, 'GET', path, []);
      expect(status).toBe(404);
    }
  });

  test('a well-formed escape is decoded once and still names nothing', async () => {
    expect((await api.request('GET', '/b/checkout/v1/pymt-txn/%61%62')).status).toBe(404);
  });
});

describe('deep JSON: 400 before any recursive work', () => {
  test.each([
    ['extra', (d: number) => `{"extra": ${'{"a":'.repeat(d)}1${'}'.repeat(d)}}`],
    ['pg_codes', (d: number) => `{"pg_codes": ${nested(d, '"x"')}}`],
    ['language', (d: number) => `{"language": ${nested(d, '"en"')}}`],
  ])('%s nested 5000 deep', async (_field, body) => {
    const { status, json } = await jsonCreate(body(5000));
    expect(status).toBe(400);
    expect(json).toEqual({ detail: `JSON parse error - the body is nested deeper than ${MAX_JSON_DEPTH} levels.` });
  });

  test('a list in a choice field is named by its type', async () => {
    const { status, json } = await create({ ...minimal(), language: [[['en']]] });
    expect(status).toBe(400);
    expect(json).toEqual({ language: ['"list" is not a valid choice.'] });
  });

  test(`extra: at most ${EXTRA_MAX_DEPTH} levels and ${EXTRA_MAX_KEYS} keys`, async () => {
    expect((await create({ ...minimal(), extra: deepObject(EXTRA_MAX_DEPTH) })).status).toBe(201);
    expect(await create({ ...minimal(), extra: deepObject(EXTRA_MAX_DEPTH + 1) })).toMatchObject({ status: 400, json: { extra: [`Ensure this field is nested no more than ${EXTRA_MAX_DEPTH} levels deep.`] } });
    const wide = Object.fromEntries(Array.from({ length: EXTRA_MAX_KEYS + 1 }, (_, i) => [`k${i}`, i]));
    expect(await create({ ...minimal(), extra: wide })).toMatchObject({ status: 400, json: { extra: [`Ensure this field has no more than ${EXTRA_MAX_KEYS} keys and list items in all.`] } });
  });

  test('a form field holding deep JSON is refused the same way', async () => {
    const form = new URLSearchParams({ ...minimal(), pg_codes: 'sandbox-kwd', extra: `${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}` });
    const { status, json } = await create(form);
    expect(status).toBe(400);
    expect(json.detail).toContain('nested deeper');
  });
});

describe('JSON numbers: exact or refused, never rounded', () => {
  test('an amount beyond 2^53 is read exactly', async () => {
    const { status, json } = await jsonCreate(`{"type":"payment_request","pg_codes":["sandbox-kwd"],"currency_code":"KWD","amount":9007199254740993}`);
    expect(status).toBe(201);
    expect(json.amount).toBe('9007199254740993.000');
  });

  test('an amount with more digits than a double holds gets the amount errors', async () => {
    const digits = await jsonCreate(`{"type":"payment_request","pg_codes":["sandbox-kwd"],"currency_code":"KWD","amount":123456789012345678901234}`);
    expect(digits).toMatchObject({ status: 400, json: { amount: ['Ensure that there are no more than 20 digits in total.'] } });
    const decimals = await jsonCreate(`{"type":"payment_request","pg_codes":["sandbox-kwd"],"currency_code":"KWD","amount":1.0000000000000001}`);
    expect(decimals).toMatchObject({ status: 400, json: { amount: ['Ensure that there are no more than 3 decimal places.'] } });
    const huge = await jsonCreate(`{"type":"payment_request","pg_codes":["sandbox-kwd"],"currency_code":"KWD","amount":1e400}`);
    expect(huge).toMatchObject({ status: 400, json: { amount: ['A valid number is required.'] } });
  });

  test('ordinary numbers are untouched', async () => {
    const { status, json } = await jsonCreate(`{"type":"payment_request","pg_codes":["sandbox-kwd"],"currency_code":"KWD","amount":14.50,"extra":{"n":1e2,"f":0.1}}`);
    expect(status).toBe(201);
    expect(json).toMatchObject({ amount: '14.500', extra: { n: 100, f: 0.1 } });
  });

  test('elsewhere an inexact number is refused on its field', async () => {
    const extra = await jsonCreate(`{"type":"payment_request","pg_codes":["sandbox-kwd"],"currency_code":"KWD","amount":"1","extra":{"id":9007199254740993}}`);
    expect(extra.status).toBe(400);
    expect(Object.keys(extra.json)).toEqual(['extra']);
    const initiator = await jsonCreate(`{"type":"payment_request","pg_codes":["sandbox-kwd"],"currency_code":"KWD","amount":"1","initiator_id":12345678901234567890}`);
    expect(initiator.status).toBe(400);
    expect(Object.keys(initiator.json)).toEqual(['initiator_id']);
    const form = new URLSearchParams({ ...minimal(), pg_codes: 'sandbox-kwd', initiator_id: '12345678901234567890' });
    expect(await create(form)).toMatchObject({ status: 400, json: { initiator_id: ['A valid integer is required.'] } });
  });
});

describe('text: strict UTF-8, no NUL, no lone surrogates, lengths in characters', () => {
  test('invalid UTF-8 in a JSON body is 400, not U+FFFD', async () => {
    const body = Buffer.concat([Buffer.from('{"type":"payment_request","pg_codes":["sandbox-kwd"],"currency_code":"KWD","amount":"1","order_no":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    expect(await jsonCreate(body)).toMatchObject({ status: 400, json: { detail: 'The request body is not valid UTF-8.' } });
  });

  test('an escape that is not UTF-8 in a form body is 400', async () => {
    const { status, json } = await create('type=payment_request&pg_codes=sandbox-kwd&currency_code=KWD&amount=1&order_no=%FF', { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(status).toBe(400);
    expect(json.detail).toMatch(/percent-encoding/);
  });

  test('invalid UTF-8 in a multipart text field is 400 on that field', async () => {
    const boundary = 'XyZ';
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="order_no"\r\n\r\n`),
      Buffer.from([0xc3, 0x28]),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const { status, json } = await rawRequest(api.url, 'POST', PATH, [['authorization', `Api-Key ${DEMO_ENV.CHECKOUT_DEMO_API_KEY}`], ['content-type', `multipart/form-data; boundary=${boundary}`]], body);
    expect(status).toBe(400);
    expect(json).toEqual({ order_no: ['This field is not valid UTF-8 text.'] });
  });

  describe('multipart parts are read exactly as sent, or refused', () => {
    const part = (headers: string, body: Buffer | string) => Buffer.concat([Buffer.from(`--XyZ\r\n${headers}\r\n\r\n`), Buffer.from(body), Buffer.from('\r\n')]);
    const field = (name: string, value: string) => part(`Content-Disposition: form-data; name="${name}"`, value);
    const send = (extra: Buffer) =>
      rawRequest(api.url, 'POST', PATH, [['authorization', `Api-Key ${DEMO_ENV.CHECKOUT_DEMO_API_KEY}`], ['content-type', 'multipart/form-data; boundary=XyZ']], Buffer.concat([
        ...Object.entries(minimal()).map(([name, value]) => field(name, String(value))),
        extra,
        Buffer.from('--XyZ--\r\n'),
      ]));
    const named = 'Content-Disposition: form-data; name="customer_first_name"';

    test('a text part that says charset=utf-8 is read as UTF-8', async () => {
      const { status, json } = await send(part(`${named}\r\nContent-Type: text/plain; charset=UTF-8`, 'Zoë 😀'));
      expect(status).toBe(201);
      expect(json.customer_first_name).toBe('Zoë 😀');
    });

    test.each([
      ['charset=utf-16le', `${named}\r\nContent-Type: text/plain; charset=utf-16le`, Buffer.from('ab', 'utf16le'), 'a text part declares charset=utf-16le; text parts must be UTF-8'],
      ['charset=iso-8859-1', `${named}\r\nContent-Type: text/plain; charset="iso-8859-1"`, Buffer.from([0xc3, 0xa9]), 'a text part declares charset=iso-8859-1; text parts must be UTF-8'],
      ['no Content-Disposition (busboy skipped the part)', 'Content-Type: text/plain', 'x', 'every part needs "Content-Disposition: form-data; name=…"'],
      ['a part with no name (crashed the request)', 'Content-Disposition: form-data', 'x', 'a part has no name in its Content-Disposition'],
      ['Content-Transfer-Encoding: base64 (stored still encoded)', `${named}\r\nContent-Transfer-Encoding: base64`, 'Ym9i', "Content-Transfer-Encoding base64 is not supported; send the part's bytes as they are"],
    ])('%s: 400, nothing created', async (_label, headers, body, message) => {
      const before = api.ports.sessions.outbox.length;
      expect(await send(part(headers, body))).toMatchObject({ status: 400, json: { detail: `Multipart form parse error - ${message}.` } });
      expect(api.ports.sessions.outbox.length).toBe(before);
    });

    test("a file's own charset, and header-like lines in its content, are the file's business", async () => {
      const file = part('Content-Disposition: form-data; name="attachment"; filename="a.pdf"\r\nContent-Type: application/pdf; charset=latin1', '%PDF-1.4\r\nContent-Type: text/plain; charset=utf-16\r\n\r\nx');
      expect((await send(file)).status).toBe(201);
    });
  });

  test('NUL and lone surrogates are refused with DRF messages', async () => {
    expect(await create({ ...minimal(), order_no: 'A\u0000B' })).toMatchObject({ status: 400, json: { order_no: ['Null characters are not allowed.'] } });
    const lone = await jsonCreate('{"type":"payment_request","pg_codes":["sandbox-kwd"],"currency_code":"KWD","amount":"1","customer_first_name":"a\\ud800b"}');
    expect(lone).toMatchObject({ status: 400, json: { customer_first_name: ['Surrogate characters are not allowed: U+D800.'] } });
    const inExtra = await jsonCreate('{"type":"payment_request","pg_codes":["sandbox-kwd"],"currency_code":"KWD","amount":"1","extra":{"k\\udc00":"v"}}');
    expect(inExtra).toMatchObject({ status: 400, json: { extra: ['Surrogate characters are not allowed.'] } });
  });

  test('64 emoji fit a 64-character field; 65 do not', async () => {
    const ok = await create({ ...minimal(), customer_first_name: '😀'.repeat(64) });
    expect(ok.status).toBe(201);
    expect(ok.json.customer_first_name).toBe('😀'.repeat(64));
    expect(await create({ ...minimal(), customer_first_name: '😀'.repeat(65) })).toMatchObject({ status: 400, json: { customer_first_name: ['Ensure this field has no more than 64 characters.'] } });
  });
});

describe('limits are errors, not truncation', () => {
  test(`more than ${MAX_MULTIPART_FIELDS} multipart fields`, async () => {
    const form = minimalForm();
    for (let i = 0; i < MAX_MULTIPART_FIELDS; i++) form.append(`x${i}`, 'y');
    const { status, json } = await create(form);
    expect(status).toBe(400);
    expect(json.detail).toContain(`more than ${MAX_MULTIPART_FIELDS} text fields`);
  });

  test(`more than ${MAX_MULTIPART_FILES} file parts`, async () => {
    const form = minimalForm();
    for (let i = 0; i <= MAX_MULTIPART_FILES; i++) form.append(`f${i}`, new Blob(['x']), `f${i}.pdf`);
    const { status, json } = await create(form);
    expect(status).toBe(400);
    expect(json.detail).toContain(`more than ${MAX_MULTIPART_FILES} file parts`);
  });

  test(`more than ${MAX_FORM_KEYS} urlencoded keys`, async () => {
    const form = new URLSearchParams({ ...minimal(), pg_codes: 'sandbox-kwd' });
    for (let i = 0; i < MAX_FORM_KEYS; i++) form.append(`x${i}`, 'y');
    const { status, json } = await create(form);
    expect(status).toBe(400);
    expect(json.detail).toContain(`more than ${MAX_FORM_KEYS} form fields`);
  });

  test('a file part named like a text field is an error on that field', async () => {
    const form = minimalForm();
    form.append('order_no', new Blob(['%PDF-1.4']), 'order.pdf');
    expect(await create(form)).toMatchObject({ status: 400, json: { order_no: ['Not a valid string: a file was sent in this text field.'] } });
    const upload = new FormData();
    upload.append('file', new Blob(['%PDF-1.4 x']), 'a.pdf');
    upload.append('session_id', new Blob(['x']), 's.txt');
    expect(await api.request('POST', '/b/checkout/v1/upload-attachment/', { body: upload })).toMatchObject({ status: 400, json: { session_id: ['Not a valid string: a file was sent in this text field.'] } });
  });

  test('found by the fuzz suite: a file part with an empty filename, a file as attachment_upload_url', async () => {
    const form = minimalForm();
    form.append('attachment', new Blob(['%PDF-1']), '');
    expect(await create(form)).toMatchObject({ status: 400, json: { attachment: ['No filename could be determined.'] } });
    const upload = minimalForm();
    upload.append('attachment_upload_url', new Blob(['x']), 'a.pdf');
    expect(await create(upload)).toMatchObject({ status: 400, json: { attachment_upload_url: ['Not a valid string: a file was sent in this text field.'] } });
  });

  test(`email_recipients: at most ${EMAIL_RECIPIENTS_MAX}, each once`, async () => {
    const many = Array.from({ length: EMAIL_RECIPIENTS_MAX + 1 }, (_, i) => `r${i}@example.com`);
    expect(await create({ ...minimal(), email_recipients: many })).toMatchObject({ status: 400, json: { email_recipients: [`Ensure this field has no more than ${EMAIL_RECIPIENTS_MAX} elements.`] } });
    const { status, json } = await create({ ...minimal(), email_recipients: ['a@example.com', 'A@example.com', 'b@example.com', 'a@example.com'] });
    expect(status).toBe(201);
    expect(json.email_recipients).toEqual(['a@example.com', 'b@example.com']);
  });
});

describe('Basic auth parses strictly', () => {
  const basic = Buffer.from(DEMO_ENV.CHECKOUT_DEMO_BASIC).toString('base64');
  const get = (headers: Array<[string, string]>) => rawRequest(api.url, 'GET', `${PATH}${'0'.repeat(40)}/`, headers).then(() => undefined);
  const post = (headers: Array<[string, string]>) =>
    rawRequest(api.url, 'POST', PATH, [...headers, ['content-type', 'application/json']], JSON.stringify(minimal()));

  test('well-formed credentials still work', async () => {
    await get([]);
    expect((await post([['authorization', `Basic ${basic}`]])).status).toBe(201);
  });

  test.each([
    ['trailing junk after the base64', `Basic ${basic}!!`],
    ['junk after the padding', `Basic ${basic.replace(/=*$/, '')}==x`],
    ['missing padding', `Basic ${basic.replace(/=+$/, '')}`],
    ['two spaces', `Basic  ${basic}`],
    ['a second credential', `Basic ${basic} ${basic}`],
    ['no colon', `Basic ${Buffer.from('clerk').toString('base64')}`],
    ['an empty user-id', `Basic ${Buffer.from(':clerk-password').toString('base64')}`],
    ['bytes that are not UTF-8', `Basic ${Buffer.from([0x63, 0xff, 0x3a, 0x70]).toString('base64')}`],
  ])('%s → 401', async (_name, header) => {
    const { status, json } = await post([['authorization', header]]);
    expect(status).toBe(401);
    expect(typeof json.detail).toBe('string');
  });

  test('two Authorization headers → 401, whichever is valid', async () => {
    const { status } = await post([['authorization', `Basic ${basic}`], ['authorization', `Api-Key ${DEMO_ENV.CHECKOUT_DEMO_API_KEY}`]]);
    expect(status).toBe(401);
  });
});

describe('URLs: absolute http(s), a host, no credentials, as written', () => {
  test.each(['http:///example.com/x', 'https:example.com/x', 'https:\\\\example.com', 'https://user:pw@example.com/', 'https://@example.com/', 'ftp://example.com/', 'https://exa mple.com/', 'https://example.com/a b', '//example.com/x', 'https://example.com:99999/'])(
    '%s → 400',
    async (url) => {
      expect(await create({ ...minimal(), webhook_url: url, redirect_url: url })).toMatchObject({ status: 400, json: { webhook_url: ['Enter a valid URL.'], redirect_url: ['Enter a valid URL.'] } });
    },
  );

  test('a valid URL is stored as given', async () => {
    const url = 'https://Shop.example.com:8443/hook?x=1#frag';
    const { status, json } = await create({ ...minimal(), webhook_url: url, redirect_url: 'http://localhost:3000/done' });
    expect(status).toBe(201);
    expect(json).toMatchObject({ webhook_url: url, redirect_url: 'http://localhost:3000/done' });
  });
});

describe('a JSON body sent as a form or without a type', () => {
  test('curl -d (form-urlencoded) → 415 saying which Content-Type to send', async () => {
    const { status, json } = await create(JSON.stringify(minimal()), { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(status).toBe(415);
    expect(json.detail).toContain('Content-Type: application/json');
  });

  test('no Content-Type → 415 saying which to send', async () => {
    const { status, json } = await rawRequest(api.url, 'POST', PATH, [['authorization', `Api-Key ${DEMO_ENV.CHECKOUT_DEMO_API_KEY}`]], JSON.stringify(minimal()));
    expect(status).toBe(415);
    expect(json.detail).toContain('Content-Type: application/json');
  });
});

test('nothing changes after any of these refusals', async () => {
  const created = await create({ ...minimal(), customer_email: 'c@example.com', order_no: 'hostile-1' });
  expect(created.status).toBe(201);
  const id = created.json.session_id as string;
  const before = await api.request('GET', `${PATH}${id}/`);
  const events = api.ports.sessions.outbox.length;
  const mails = api.outbox.entries.length;
  const attempts: Array<Promise<{ status: number }>> = [
    api.request('PATCH', `${PATH}${id}/`, { body: { order_no: 'x\u0000' } }),
    api.request('PATCH', `${PATH}${id}/`, { body: { extra: deepObject(EXTRA_MAX_DEPTH + 2) } }),
    api.request('PATCH', `${PATH}${id}/`, { body: { webhook_url: 'http:///x' } }),
    api.request('PUT', `${PATH}${id}/`, { body: { ...minimal(), email_recipients: Array.from({ length: 50 }, (_, i) => `r${i}@example.com`) } }),
    rawRequest(api.url, 'PATCH', `${PATH}${id}/`, [['authorization', `Api-Key ${DEMO_ENV.CHECKOUT_DEMO_API_KEY}`], ['content-type', 'application/json']], `{"amount":${'['.repeat(100)}1${']'.repeat(100)}}`),
    rawRequest(api.url, 'PATCH', `${PATH}${id}/`, [['authorization', `Api-Key ${DEMO_ENV.CHECKOUT_DEMO_API_KEY}`], ['content-type', 'application/json']], '{"extra":{"n":18446744073709551617}}'),
  ];
  for (const attempt of attempts) expect((await attempt).status).toBe(400);
  expect(await api.request('GET', `${PATH}${id}/`)).toMatchObject({ status: 200, json: before.json });
  expect(api.ports.sessions.outbox.length).toBe(events);
  expect(api.outbox.entries.length).toBe(mails);
});
