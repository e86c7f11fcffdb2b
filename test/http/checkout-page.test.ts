import { createHash } from 'node:crypto';
import { ManualClock } from '../../functions/adapters/system-clock';
import { openPage, postPayment, GOOD_CARD } from '../fixtures/checkout-form';
import { startTestApi, type TestApi } from '../fixtures/local-api';

let api: TestApi;
const clock = new ManualClock(new Date('2026-11-25T10:00:00Z'));
beforeAll(async () => {
  api = await startTestApi({ clock });
});
afterAll(() => api.close());

async function createSession(extra: Record<string, unknown> = {}) {
  const created = await api.request('POST', '/b/checkout/v1/pymt-txn/', {
    body: { type: 'payment_request', pg_codes: ['sandbox-kwd'], amount: '1234567.5', currency_code: 'KWD', ...extra },
  });
  expect(created.status).toBe(201);
  return created.json;
}
const retrieve = async (id: string) => (await api.request('GET', `/b/checkout/v1/pymt-txn/${id}/`, { auth: 'none' })).json;
const eventsOf = (id: string) => api.ports.sessions.outbox.filter((event) => event.session_id === id);

function expectPageHeaders(headers: Headers) {
  expect(headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(headers.get('cache-control')).toBe('no-store');
  expect(headers.get('x-frame-options')).toBe('DENY');
  expect(headers.get('referrer-policy')).toBe('no-referrer');
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  expect(headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; img-src 'self'; form-action 'self'/);
}

describe('checkout_url', () => {
  test('redirects (302) to the hosted page', async () => {
    const session = await createSession();
    const response = await api.request('GET', new URL(session.checkout_url).pathname + new URL(session.checkout_url).search, { auth: 'none' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(`${api.url}/checkout/${session.session_id}`);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  });

  test.each([['an unknown session', `?session_id=${'a'.repeat(40)}`], ['a malformed id', '?session_id=x"><script>'], ['no session_id', '']])(
    'answers a 404 page for %s',
    async (_what, query) => {
      const response = await api.request('GET', `/b/checkout/redirect/start/${query}`, { auth: 'none' });
      expect(response.status).toBe(404);
      expectPageHeaders(response.headers);
      expect(response.text).toContain('Payment not found');
      expect(response.text).not.toContain('<script>');
    },
  );
});

describe('GET /checkout/{session_id}', () => {
  test('shows the session in English with secure headers and moves it from created to pending', async () => {
    const session = await createSession({
      order_no: 'INV-<7>',
      vendor_name: 'Acme & <b>Sons</b>',
      product_type: 'Books',
      customer_first_name: 'Sara',
      customer_last_name: 'Ahmad',
      redirect_url: 'https://shop.example.com/return?x=1',
    });
    const page = await openPage(api, session.session_id);
    expect(page.status).toBe(200);
    expectPageHeaders(page.headers);
    // The merchant's origin may receive the post's 303 (Chromium checks form-action on it).
    expect(page.headers.get('content-security-policy')).toContain("form-action 'self' https://shop.example.com;");
    // The one inline stylesheet is exactly the one the policy's hash allows; no scripts at all.
    const style = /<style>([\s\S]*?)<\/style>/.exec(page.text)![1]!;
    expect(page.headers.get('content-security-policy')).toContain(`'sha256-${createHash('sha256').update(style).digest('base64')}'`);
    expect(page.text).not.toMatch(/<script|style="/i);
    expect(page.text).toContain('<html lang="en" dir="ltr">');
    expect(page.text).toContain('1,234,567.500<span class="cur">KWD</span>');
    expect(page.text).toContain('INV-&lt;7&gt;');
    expect(page.text).toContain('Acme &amp; &lt;b&gt;Sons&lt;/b&gt;');
    expect(page.text).toContain('Books');
    expect(page.text).toContain('Sara Ahmad');
    expect(page.text).toContain('name="pg_code" value="sandbox-kwd" checked');
    expect(page.text).toContain('src="/static/pg-icons/card.svg"');
    expect(page.token).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    expect(page.headers.get('set-cookie')).toBe(`${page.cookie}; Path=/checkout/${session.session_id}; HttpOnly; SameSite=Strict`);

    const after = await retrieve(session.session_id);
    expect(after.state).toBe('pending');
    expect(eventsOf(session.session_id).map((e) => [e.type, e.state, e.version])).toEqual([
      ['created', 'created', 1],
      ['pending', 'pending', 2],
    ]);
    // Opening again changes nothing and emits nothing.
    await openPage(api, session.session_id);
    expect(eventsOf(session.session_id)).toHaveLength(2);
  });

  test('is in Arabic, right to left, when the session asks for it', async () => {
    const session = await createSession({ language: 'ar', vendor_name: 'مكتبة الخليج' });
    const page = await openPage(api, session.session_id);
    expect(page.text).toContain('<html lang="ar" dir="rtl">');
    expect(page.text).toContain('أكمل عملية الدفع');
    expect(page.text).toContain('مكتبة الخليج');
    expect(page.text).toContain('ادفع <bdi dir="ltr">1,234,567.500 KWD</bdi>');
  });

  test('lists one method per pg code and preselects the one payment_methods[].redirect_url names', async () => {
    const config = await api.ports.config.load();
    const second = { ...config.gateways[0]!, code: 'sandbox-kwd-2', name: 'Second KWD', fee_percent: '2.5' };
    api.ports.config.replace({ ...config, gateways: [...config.gateways, second] });
    try {
      const session = await createSession({ pg_codes: ['sandbox-kwd', 'sandbox-kwd-2'], amount: '10' });
      const target = new URL(session.payment_methods[1].redirect_url);
      expect(target.search).toBe('?pg_code=sandbox-kwd-2');
      const page = await openPage(api, session.session_id, target.search);
      expect(page.text.match(/name="pg_code"/g)).toHaveLength(2);
      expect(page.text).toContain('value="sandbox-kwd-2" checked');
      expect(page.text).not.toContain('value="sandbox-kwd" checked');
      expect(page.text).toContain('+ fee <bdi dir="ltr">0.250 KWD</bdi>');
    } finally {
      api.ports.config.replace(config);
    }
  });

  test('links the attachment when there is one', async () => {
    const session = await createSession();
    const stored = (await api.ports.sessions.get(session.session_id))!;
    await api.ports.sessions.update({ ...stored, attachment: 'https://files.example.com/invoice.pdf', version: stored.version + 1 }, stored, []);
    const page = await openPage(api, session.session_id);
    expect(page.text).toContain('<a href="https://files.example.com/invoice.pdf" rel="noopener noreferrer" target="_blank">View attachment</a>');
  });

  test("shows Ottu's due_datetime (in UTC) when the session has one", async () => {
    const session = await createSession({ due_datetime: '2026-12-01T09:30:00+03:00' });
    const page = await openPage(api, session.session_id);
    expect(page.text).toMatch(/Due by<\/[a-z]+>\s*<[a-z]+[^>]*>\s*<bdi dir="ltr" class="nowrap">2026-12-01 06:30 UTC<\/bdi>/);
    expect((await openPage(api, (await createSession()).session_id)).text).not.toContain('Due by');
  });

  test('marks the cookie Secure behind https', async () => {
    const session = await createSession();
    const page = await openPage(api, session.session_id, '', { 'x-forwarded-proto': 'https' });
    expect(page.headers.get('set-cookie')).toMatch(/; HttpOnly; SameSite=Strict; Secure$/);
  });

  test('keeps the nonce of a page already open, so a second tab does not break the first', async () => {
    const session = await createSession();
    const first = await openPage(api, session.session_id);
    const second = await openPage(api, session.session_id, '', { cookie: first.cookie });
    expect(second.token).toBe(first.token);
  });

  test('shows that a session past its expiry expired, and marks it expired', async () => {
    const session = await createSession({ expiration_time: '00:05:00' });
    clock.advance(5 * 60 * 1000);
    const page = await openPage(api, session.session_id);
    expect(page.status).toBe(200);
    expect(page.text).toContain('This payment link has expired');
    expect(page.text).not.toContain('<form');
    expect((await retrieve(session.session_id)).state).toBe('expired');
    expect(eventsOf(session.session_id).map((e) => e.type)).toEqual(['created', 'expired']);
  });

  test('shows the receipt of a paid session', async () => {
    const session = await createSession({ order_no: `R-${Date.now()}` });
    const visit = await openPage(api, session.session_id);
    expect((await postPayment(api, session.session_id, GOOD_CARD, visit)).status).toBe(303);
    const { reference_number: reference } = await retrieve(session.session_id);
    const page = await openPage(api, session.session_id);
    expect(page.text).toContain('Payment successful');
    expect(page.text).toContain(`<bdi>${reference}</bdi>`);
    expect(page.text).toContain('Visa <bdi dir="ltr">•••• 1111</bdi>');
    expect(page.text).not.toContain('<form');
  });

  test.each([['an unknown', 'b'.repeat(40)], ['a malformed', 'not-a-session']])('answers a 404 page for %s session id', async (_what, id) => {
    const page = await openPage(api, id);
    expect(page.status).toBe(404);
    expectPageHeaders(page.headers);
    expect(page.text).toContain('Payment not found');
    expect(page.text).toContain('لم يتم العثور على عملية الدفع');
  });
});

test('serves the gateway icon as a small SVG', async () => {
  const response = await api.request('GET', '/static/pg-icons/card.svg', { auth: 'none' });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('image/svg+xml');
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.text).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[\s\S]*<\/svg>\n$/);
  expect((await api.request('GET', '/static/pg-icons/cardXsvg', { auth: 'none' })).status).toBe(404);
});
