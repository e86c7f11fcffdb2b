import fc from 'fast-check';
import { DEMO_ENV } from '../fixtures/local-api';

/**
 * fast-check arbitraries for hostile requests: paths, headers and bodies (JSON text, urlencoded,
 * multipart, raw bytes) built around a valid create body, so that refusals come from deep in the
 * validation and not only from "This field is required".
 */

export interface FuzzRequest {
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array | URLSearchParams | FormData;
}

const FIELDS = [
  'type', 'amount', 'currency_code', 'pg_codes', 'customer_id', 'customer_first_name', 'customer_last_name', 'customer_email',
  'customer_phone', 'billing_address', 'order_no', 'notifications', 'vendor_name', 'expiration_time', 'email_recipients',
  'extra', 'product_type', 'language', 'mode', 'webhook_url', 'redirect_url', 'initiator_id', 'shortify_checkout_url',
  'shortify_attachment_url', 'attachment', 'attachment_upload_url', 'session_id', 'file', 'csrf_token', 'pg_code',
  'card_number', 'expiry', 'cvv', 'name_on_card', '__proto__', 'constructor',
];

const VALID: Record<string, string> = {
  type: '"payment_request"',
  amount: '"14"',
  currency_code: '"KWD"',
  pg_codes: '["sandbox-kwd"]',
};

const nasty = fc.constantFrom('\u0000', '\ud800', '\udfff', 'a\ud83d', '😀'.repeat(65), '%ZZ', '%E2%82', '\u202e', '\r\n', '"', '\\', '{"a":1}', ',', '..', '', ' ', 'null');
const text = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 70 }),
  nasty,
  fc.tuple(fc.string({ maxLength: 5 }), nasty, fc.string({ maxLength: 5 })).map(([a, b, c]) => a + b + c),
);
const url = fc.oneof(
  fc.webUrl(),
  fc.constantFrom('http:///x/y', 'https:host', 'https://u:p@example.com/', 'ftp://example.com', 'javascript:alert(1)', 'http://[::1]/', 'https://exa mple.com', 'http://127.0.0.1:1/', 'https://example.com:70000/'),
);
const deep = fc.tuple(fc.integer({ min: 1, max: 3000 }), fc.constantFrom('[', '{"a":'), fc.constantFrom('1', '"x"', '[]')).map(([depth, open, leaf]) => open.repeat(depth) + leaf + (open === '[' ? ']' : '}').repeat(depth));
const number = fc.oneof(
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => JSON.stringify(x)),
  fc.constantFrom('9007199254740993', '1e400', '-0', '1.0000000000000001', '0.1', '1E2', '14.000', '123456789012345678901234567890'),
);

/** One JSON value as text: may be invalid as JSON on purpose (truncated, deep, raw inexact numbers). */
const jsonFragment = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((x) => JSON.stringify(x)) },
  { weight: 3, arbitrary: text.map((x) => JSON.stringify(x)) },
  { weight: 2, arbitrary: number },
  { weight: 1, arbitrary: url.map((x) => JSON.stringify(x)) },
  { weight: 1, arbitrary: deep },
  { weight: 1, arbitrary: fc.array(text, { maxLength: 30 }).map((x) => JSON.stringify(x)) },
  { weight: 1, arbitrary: fc.array(fc.emailAddress(), { maxLength: 30 }).map((x) => JSON.stringify(x)) },
  { weight: 1, arbitrary: fc.constantFrom('"sandbox-kwd"', '["sandbox-kwd","sandbox-kwd"]', '{"email":["created"],"sms":["paid"]}', '"01:00:00"', '"0 00:00:00"', 'true', 'null', '"en"', '"ar"') },
);

const fieldName = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...FIELDS) }, { weight: 1, arbitrary: text });

const mostly = fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) });
const jsonBody = fc
  .tuple(mostly, fc.array(fc.tuple(fieldName, jsonFragment), { maxLength: 4 }), fc.nat({ max: 100 }))
  .map(([withValid, pairs, cut]) => {
    const entries = { ...(withValid ? VALID : {}) } as Record<string, string>;
    for (const [key, value] of pairs) entries[key] = value;
    const textBody = `{${Object.entries(entries).map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(',')}}`;
    return cut > 95 ? textBody.slice(0, Math.floor((textBody.length * cut) / 100) - 1) : textBody; // sometimes truncated
  });

const rawBytes = fc.uint8Array({ maxLength: 200 });

const formBody = fc.tuple(mostly, fc.array(fc.tuple(fieldName, fc.oneof(text, number, url, deep)), { maxLength: 8 })).map(([withValid, pairs]) => {
  const form = new URLSearchParams(withValid ? { type: 'payment_request', amount: '14', currency_code: 'KWD', pg_codes: 'sandbox-kwd' } : {});
  for (const [key, value] of pairs) form.append(key, value);
  return form;
});
const rawForm = fc.array(fc.oneof(fc.constantFrom('=', '&', '%', '%FF', '%ZZ', '%C3', '+', 'amount', 'order_no', '{', '['), fc.string({ maxLength: 4 })), { maxLength: 20 }).map((parts) => parts.join(''));

const multipartBody = fc
  .tuple(mostly, fc.array(fc.tuple(fieldName, fc.oneof(text, number, url)), { maxLength: 4 }), fc.array(fc.tuple(fieldName, rawBytes, fc.constantFrom('a.pdf', 'a.png', 'x', '', '../../etc/passwd', 'a.exe')), { maxLength: 3 }))
  .map(([withValid, fields, files]) => {
    const form = new FormData();
    if (withValid) for (const [key, value] of Object.entries({ type: 'payment_request', amount: '14', currency_code: 'KWD', pg_codes: 'sandbox-kwd' })) form.append(key, value);
    for (const [key, value] of fields) form.append(key, value);
    for (const [key, bytes, name] of files) form.append(key, new Blob([bytes]), name);
    return form;
  });

/** Multipart with hand-written part headers (what FormData never sends): missing or odd dispositions, charsets, transfer encodings. */
const partHeader = fc.oneof(
  fieldName.map((name) => `Content-Disposition: form-data; name="${name}"`),
  fc.tuple(fieldName, fc.constantFrom('a.pdf', '', 'x')).map(([name, file]) => `Content-Disposition: form-data; name="${name}"; filename="${file}"`),
  fc.constantFrom('Content-Disposition: form-data', 'Content-Disposition: attachment; name="order_no"', 'Content-Disposition: form-data; name*=UTF-8\'\'order_no'),
  fc.constantFrom('Content-Type: text/plain; charset=utf-8', 'Content-Type: text/plain; charset=utf-16le', 'Content-Type: text/plain; charset=latin1', 'Content-Type: application/octet-stream', 'Content-Type: text/plain; charset="x-unknown"'),
  fc.constantFrom('Content-Transfer-Encoding: base64', 'Content-Transfer-Encoding: quoted-printable', 'Content-Transfer-Encoding: 8bit'),
);
const rawMultipart = fc
  .tuple(mostly, fc.array(fc.tuple(fc.array(partHeader, { minLength: 0, maxLength: 3 }), fc.oneof(text.map((t) => Buffer.from(t)), rawBytes.map((b) => Buffer.from(b)))), { maxLength: 4 }))
  .map(([withValid, parts]) => {
    const valid = withValid ? Object.entries({ type: 'payment_request', amount: '14', currency_code: 'KWD', pg_codes: 'sandbox-kwd' }).map(([key, value]): [string[], Buffer] => [[`Content-Disposition: form-data; name="${key}"`], Buffer.from(value)]) : [];
    const chunks = [...valid, ...parts].flatMap(([headers, content]) => [Buffer.from(`--fzB\r\n${headers.join('\r\n')}\r\n\r\n`), content, Buffer.from('\r\n')]);
    return Buffer.concat([...chunks, Buffer.from('--fzB--\r\n')]);
  });

type Body = Pick<FuzzRequest, 'body' | 'headers'>;
const body: fc.Arbitrary<Body> = fc.oneof(
  { weight: 4, arbitrary: jsonBody.map((b): Body => ({ body: b, headers: { 'content-type': 'application/json' } })) },
  { weight: 2, arbitrary: formBody.map((b): Body => ({ body: b, headers: {} })) },
  { weight: 2, arbitrary: multipartBody.map((b): Body => ({ body: b, headers: {} })) },
  { weight: 1, arbitrary: rawMultipart.map((b): Body => ({ body: b, headers: { 'content-type': 'multipart/form-data; boundary=fzB' } })) },
  { weight: 1, arbitrary: rawForm.map((b): Body => ({ body: b, headers: { 'content-type': 'application/x-www-form-urlencoded' } })) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(rawBytes, fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'multipart/form-data', 'text/plain', 'application/xml', 'application/merge-patch+json', ''))
      .map(([bytes, type]): Body => ({ body: bytes, headers: type ? { 'content-type': type } : {} })),
  },
  { weight: 1, arbitrary: jsonBody.map((b): Body => ({ body: b, headers: {} })) },
  { weight: 1, arbitrary: fc.constant<Body>({ headers: {} }) },
);

const basic = Buffer.from(DEMO_ENV.CHECKOUT_DEMO_BASIC).toString('base64');
const authorization = fc.oneof(
  { weight: 6, arbitrary: fc.constant(`Api-Key ${DEMO_ENV.CHECKOUT_DEMO_API_KEY}`) },
  { weight: 2, arbitrary: fc.constant(`Basic ${basic}`) },
  { weight: 1, arbitrary: fc.constant(undefined) },
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc.constantFrom(`Basic ${basic}x`, `Basic ${basic}==`, `basic  ${basic}`, `Basic ${basic}, Api-Key ${DEMO_ENV.CHECKOUT_DEMO_API_KEY}`, 'Basic', 'Api-Key', 'Bearer x', `Api-Key ${DEMO_ENV.CHECKOUT_DEMO_API_KEY}.x`),
      fc.string({ maxLength: 30 }).map((s) => `Basic ${Buffer.from(s).toString('base64')}`),
      fc.string({ unit: 'binary-ascii', maxLength: 30 }).map((s) => s.replace(/[\r\n\0]/g, '')),
    ),
  },
);

/** A path segment for a `{param}`: the real id, other ids, or hostile text, percent-encoded or raw. */
function segment(real: string): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 10, arbitrary: fc.constant(real) },
    { weight: 1, arbitrary: fc.stringMatching(/^[0-9a-f]{40}$/) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }).map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, 'x'))) },
    { weight: 2, arbitrary: fc.array(fc.constantFrom('%', '%Z', '%ZZ', '%E2%82', '%ED%A0%80', '%C0%AF', '%00', '%2F', '%25', 'a', '0', '.', '~', '%F0%9F%98%80'), { minLength: 1, maxLength: 6 }).map((parts) => parts.join('')) },
  );
}

/** Requests against one route of the table: its path with every parameter fuzzed, headers and a body. */
export function requestFor(routePath: string, realParams: Record<string, string>): fc.Arbitrary<FuzzRequest> {
  const params = [...routePath.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  return fc
    .tuple(
      fc.tuple(...params.map((name) => segment(realParams[name] ?? 'x'))),
      fc.oneof({ weight: 8, arbitrary: fc.constantFrom('', '/') }, { weight: 1, arbitrary: fc.constantFrom('//', '/extra', '/%ZZ') }),
      fc.oneof(fc.constant(''), fc.constant(`?session_id=${realParams.session_id ?? ''}`), fc.string({ maxLength: 10 }).map((q) => `?session_id=${encodeURIComponent(q)}`), fc.constantFrom('?session_id=%ZZ', '?a=%E2%82&a=1')),
      authorization,
      fc.option(fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 20 }).map((s) => s.replace(/[\r\n\0]/g, 'x'))),
      body,
    )
    .map(([values, slash, query, auth, idempotencyKey, { body: payload, headers }]) => {
      let i = 0;
      const path = routePath.replace(/\{\w+\}/g, () => values[i++]!) + slash + query;
      const all: Record<string, string> = { ...headers };
      if (auth !== undefined) all.authorization = auth;
      if (idempotencyKey !== null && idempotencyKey.trim() !== '') all['idempotency-key'] = idempotencyKey;
      return { path, headers: all, body: payload };
    });
}
