import { ManualClock } from '../../functions/adapters/system-clock';
import { GOOD_CARD, openPage, postPayment, type PageVisit } from '../fixtures/checkout-form';
import { startTestApi, type TestApi } from '../fixtures/local-api';

let api: TestApi;
const clock = new ManualClock(new Date('2026-11-25T10:00:00Z'));
beforeAll(async () => {
  api = await startTestApi({ clock });
});
afterAll(() => api.close());

const DECLINED = { ...GOOD_CARD, card_number: '4000 0000 0000 0002' };
const GATEWAY_ERROR = { ...GOOD_CARD, card_number: '4000-0000-0000-0119' };

async function openSession(extra: Record<string, unknown> = {}): Promise<{ id: string; visit: PageVisit; session: any }> {
  const created = await api.request('POST', '/b/checkout/v1/pymt-txn/', {
    body: { type: 'payment_request', pg_codes: ['sandbox-kwd'], amount: '14', currency_code: 'KWD', ...extra },
  });
  expect(created.status).toBe(201);
  const id = created.json.session_id as string;
  return { id, visit: await openPage(api, id), session: created.json };
}
const retrieve = async (id: string) => (await api.request('GET', `/b/checkout/v1/pymt-txn/${id}/`, { auth: 'none' })).json;
const eventTypes = (id: string) => api.ports.sessions.outbox.filter((event) => event.session_id === id).map((event) => event.type);

describe('a successful card', () => {
  test('pays, records the attempt without the card number, and sends the customer to redirect_url (303)', async () => {
    const { id } = await openSession({ order_no: 'ORD-1', redirect_url: 'https://shop.example.com/back?cart=9' });
    const visit = await openPage(api, id);
    const response = await postPayment(api, id, { ...GOOD_CARD, cvv: '987' }, visit);
    expect(response.status).toBe(303);
    const after = await retrieve(id);
    expect(after).toMatchObject({ state: 'paid', result: 'success', settled_pg_code: 'sandbox-kwd', paid_at: '2026-11-25T10:00:00.000Z' });
    expect(after.reference_number).toMatch(/^[A-Z2-9]{12}$/);
    expect(after.attempts).toEqual([
      {
        reference_number: after.reference_number,
        pg_code: 'sandbox-kwd',
        result: 'success',
        card_brand: 'visa',
        card_last4: '1111',
        attempted_at: '2026-11-25T10:00:00.000Z',
        // Ottu's normalized fields: the card masked (first six, last four), as PCI DSS allows.
        pg_params: { card_number: '411111******1111', card_type: 'visa', result: 'APPROVED', transaction_id: after.reference_number, pg_message: 'Approved (sandbox)' },
        gateway_response: { gateway: 'sandbox', result: 'APPROVED', order: after.reference_number },
      },
    ]);
    expect(response.headers.get('location')).toBe(`https://shop.example.com/back?cart=9&session_id=${id}&order_no=ORD-1&reference_number=${after.reference_number}`);
    // Neither the full number nor the CVV is kept anywhere.
    const stored = JSON.stringify([await api.ports.sessions.get(id), api.ports.sessions.outbox]);
    expect(stored).not.toContain('4111111111111111');
    expect(stored).not.toContain('4111 1111 1111 1111');
    // (The CVV as a value: a bare "987" may occur inside random hex ids.)
    // pg_params.card_number is the masked number (first six, last four); never more digits.
    expect(stored).not.toMatch(/cvv|"card_number":"\d{7}|"987"|:987\b/);
    expect(eventTypes(id)).toEqual(['created', 'pending', 'paid']);
    // Keys stay alphabetical with the new fields.
    expect(Object.keys(after)).toEqual([...Object.keys(after)].sort());
  });

  test('without redirect_url returns to the page, which shows the receipt', async () => {
    const { id, visit } = await openSession();
    const response = await postPayment(api, id, GOOD_CARD, visit);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`${api.url}/checkout/${id}`);
    expect((await openPage(api, id)).text).toContain('Payment successful');
  });

  test('authorizes on a gateway whose operation is authorize', async () => {
    const { id, visit } = await openSession({ pg_codes: ['sandbox-authorize'] });
    expect((await postPayment(api, id, { ...GOOD_CARD, pg_code: 'sandbox-authorize' }, visit)).status).toBe(303);
    expect(await retrieve(id)).toMatchObject({ state: 'authorized', result: 'success', settled_pg_code: 'sandbox-authorize' });
    expect(eventTypes(id)).toEqual(['created', 'pending', 'authorized']);
    expect((await openPage(api, id)).text).toContain('Payment authorized');
  });

  test.each([
    ['mastercard', '5555 5555 5555 4444', '123', '4444'],
    ['amex', '3782 822463 10005', '1234', '0005'],
  ])('any other Luhn-valid number succeeds (%s)', async (brand, number, cvv, last4) => {
    const { id, visit } = await openSession();
    expect((await postPayment(api, id, { ...GOOD_CARD, card_number: number, cvv }, visit)).status).toBe(303);
    expect((await retrieve(id)).attempts).toEqual([expect.objectContaining({ result: 'success', card_brand: brand, card_last4: last4 })]);
  });
});

describe('failing cards', () => {
  test('declined and gateway error leave the session attempted; a retry can still pay', async () => {
    const { id, visit } = await openSession();
    const declined = await postPayment(api, id, DECLINED, visit);
    expect(declined.status).toBe(303);
    expect(declined.headers.get('location')).toBe(`${api.url}/checkout/${id}`);
    expect(await retrieve(id)).toMatchObject({ state: 'attempted', result: 'failed', settled_pg_code: null, paid_at: null });
    const page = await openPage(api, id);
    expect(page.text).toContain('Your card was declined.');
    expect(page.text).toContain('You have 2 attempts left.');

    expect((await postPayment(api, id, GATEWAY_ERROR, visit)).status).toBe(303);
    const afterError = await retrieve(id);
    expect(afterError).toMatchObject({ state: 'attempted', result: 'error' });
    expect((await openPage(api, id)).text).toContain('The payment gateway could not process the payment.');

    expect((await postPayment(api, id, GOOD_CARD, visit)).status).toBe(303);
    const paid = await retrieve(id);
    expect(paid.state).toBe('paid');
    expect(paid.attempts.map((a: any) => [a.result, a.card_last4])).toEqual([
      ['failed', '0002'],
      ['error', '0119'],
      ['success', '1111'],
    ]);
    expect(new Set(paid.attempts.map((a: any) => a.reference_number)).size).toBe(3);
    expect(eventTypes(id)).toEqual(['created', 'pending', 'attempted', 'attempted', 'paid']);
  });

  test('the attempt limit (default 3) fails the session; later posts attempt nothing', async () => {
    const { id, visit } = await openSession();
    for (let i = 0; i < 3; i++) expect((await postPayment(api, id, i === 1 ? GATEWAY_ERROR : DECLINED, visit)).status).toBe(303);
    expect(await retrieve(id)).toMatchObject({ state: 'failed', result: 'failed' });
    expect(eventTypes(id)).toEqual(['created', 'pending', 'attempted', 'attempted', 'failed']);
    const again = await postPayment(api, id, GOOD_CARD, visit);
    expect(again.status).toBe(200);
    expect(again.text).toContain('Payment failed');
    expect((await retrieve(id)).attempts).toHaveLength(3);
  });

  test("follows the gateway's own attempt_limit", async () => {
    const config = await api.ports.config.load();
    api.ports.config.replace({ ...config, gateways: config.gateways.map((g) => (g.code === 'sandbox-kwd' ? { ...g, attempt_limit: 1 } : g)) });
    try {
      const { id, visit } = await openSession();
      await postPayment(api, id, DECLINED, visit);
      expect((await retrieve(id)).state).toBe('failed');
    } finally {
      api.ports.config.replace(config);
    }
  });
});

describe('form errors attempt nothing', () => {
  test.each([
    ['a number failing the Luhn check', { card_number: '4111 1111 1111 1112' }, 'card_number', 'This card number is not valid.'],
    ['a number too short', { card_number: '4111 1111' }, 'card_number', 'Enter the 12 to 19 digits'],
    ['letters in the number', { card_number: '4111 1111 1111 111a' }, 'card_number', 'Enter the 12 to 19 digits'],
    ['an expired card', { expiry: '10/26' }, 'expiry', 'This card has expired.'],
    ['a malformed expiry', { expiry: '13/30' }, 'expiry', 'Enter the expiry date as MM/YY.'],
    ['a short CVV', { cvv: '12' }, 'cvv', 'Enter the 3-digit security code'],
    ['a 4-digit CVV on a Visa', { cvv: '1234' }, 'cvv', 'Enter the 3-digit security code'],
    ['no name on card', { name_on_card: '  ' }, 'name_on_card', 'Enter the name as it appears on the card.'],
    ['a gateway the session does not offer', { pg_code: 'sandbox-authorize' }, 'pg_code', 'Choose a payment method.'],
  ])('%s', async (_what, change, field, message) => {
    const { id, visit } = await openSession();
    const before = await api.ports.sessions.get(id);
    const response = await postPayment(api, id, { ...GOOD_CARD, ...change }, visit);
    expect(response.status).toBe(400);
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.text).toContain(`<p class="error" id="${field}-error">${message}`);
    expect(response.text).toContain('Please correct the highlighted fields.');
    // The form comes back usable (same token) and never echoes the card number or CVV.
    expect(response.text).toContain(`value="${visit.token}"`);
    expect(response.text).not.toMatch(/name="(card_number|cvv)"[^>]*value=/);
    expect(await api.ports.sessions.get(id)).toEqual(before);
  });

  test('keeps the name and expiry the customer typed', async () => {
    const { id, visit } = await openSession();
    const response = await postPayment(api, id, { ...GOOD_CARD, cvv: 'x', name_on_card: 'Ali "Q" <Ahmad>' }, visit);
    expect(response.text).toContain('value="Ali &quot;Q&quot; &lt;Ahmad&gt;"');
    expect(response.text).toContain('value="12/30"');
  });

  test('a production gateway is never settled by the sandbox logic', async () => {
    const config = await api.ports.config.load();
    api.ports.config.replace({ ...config, gateways: config.gateways.map((g) => (g.code === 'sandbox-kwd' ? { ...g, is_sandbox: false } : g)) });
    try {
      const { id, visit } = await openSession();
      const response = await postPayment(api, id, GOOD_CARD, visit);
      expect(response.status).toBe(400);
      expect(response.text).toContain('This payment method is not available right now.');
      expect((await retrieve(id)).state).toBe('pending');
    } finally {
      api.ports.config.replace(config);
    }
  });
});

describe('CSRF', () => {
  test.each<[string, (visit: PageVisit, other: PageVisit) => Partial<PageVisit> | undefined]>([
    ['no token and no cookie', () => undefined],
    ['a token without its cookie', (visit) => ({ token: visit.token, cookie: '' })],
    ['a cookie without the token', (visit) => ({ token: '', cookie: visit.cookie })],
    ['a tampered token', (visit) => ({ token: visit.token.slice(0, -2) + (visit.token.endsWith('AA') ? 'BB' : 'AA'), cookie: visit.cookie })],
    ["another session's token and cookie", (_visit, other) => ({ token: other.token, cookie: other.cookie })],
    ['a cookie from another page visit', (visit, other) => ({ token: visit.token, cookie: other.cookie })],
  ])('refuses (403) %s and changes nothing', async (_what, pick) => {
    const { id, visit } = await openSession();
    const { visit: other } = await openSession();
    const before = await api.ports.sessions.get(id);
    const forged = pick(visit, other);
    const response = await postPayment(api, id, GOOD_CARD, forged && { token: forged.token ?? '', cookie: forged.cookie ?? '' });
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.text).toContain('This form can no longer be sent');
    expect(await api.ports.sessions.get(id)).toEqual(before);
  });
});

describe('never charges twice', () => {
  test('a replayed form after payment shows the receipt', async () => {
    const { id, visit } = await openSession();
    expect((await postPayment(api, id, GOOD_CARD, visit)).status).toBe(303);
    const replay = await postPayment(api, id, GOOD_CARD, visit);
    expect(replay.status).toBe(200);
    expect(replay.text).toContain('Payment successful');
    expect((await retrieve(id)).attempts).toHaveLength(1);
    expect(eventTypes(id)).toEqual(['created', 'pending', 'paid']);
  });

  test('simultaneous posts (double click, two tabs) pay once', async () => {
    const { id, visit } = await openSession();
    const responses = await Promise.all(Array.from({ length: 5 }, () => postPayment(api, id, GOOD_CARD, visit)));
    expect(responses.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 303]);
    for (const response of responses.filter((r) => r.status === 200)) expect(response.text).toContain('Payment successful');
    const after = await retrieve(id);
    expect(after.state).toBe('paid');
    expect(after.attempts).toHaveLength(1);
    expect(eventTypes(id)).toEqual(['created', 'pending', 'paid']);
  });
});

test('a payment that loses the race to a merchant change answers 409 with the form again', async () => {
  const { id, visit } = await openSession();
  const repository = api.ports.sessions;
  const update = repository.update.bind(repository);
  // The merchant's PATCH lands between the payment's read and its write.
  repository.update = async (next, previous, events) => {
    repository.update = update;
    expect((await api.request('PATCH', `/b/checkout/v1/pymt-txn/${id}/`, { body: { amount: '15' } })).status).toBe(200);
    return update(next, previous, events);
  };
  const response = await postPayment(api, id, GOOD_CARD, visit);
  expect(response.status).toBe(409);
  expect(response.text).toContain('This page was out of date, so the payment was not processed.');
  expect(response.text).toContain('15.000');
  expect(await retrieve(id)).toMatchObject({ state: 'pending', amount: '15.000', attempts: [], result: null });
});

test('posting to an expired session marks it expired and attempts nothing', async () => {
  const { id, visit } = await openSession({ expiration_time: '00:01:00' });
  clock.advance(60 * 1000);
  const response = await postPayment(api, id, GOOD_CARD, visit);
  expect(response.status).toBe(200);
  expect(response.text).toContain('This payment link has expired');
  expect(await retrieve(id)).toMatchObject({ state: 'expired', attempts: [], result: null });
  expect(eventTypes(id)).toEqual(['created', 'pending', 'expired']);
});

test('an unknown session with a forged form is refused before anything is read', async () => {
  const response = await postPayment(api, 'c'.repeat(40), GOOD_CARD, { token: 'x.y', cookie: 'checkout_csrf=x' });
  expect(response.status).toBe(403);
});
