import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_ENV, startTestApi, type TestApi } from '../fixtures/local-api';
import { describeBrowser, launchChromium } from '../fixtures/browser';
import { fillHostedCard } from '../fixtures/mpgs';
import { startReceiver, waitFor, type WebhookReceiver } from '../fixtures/webhook-receiver';

/**
 * Saved cards in Chromium through the local MPGS (issue 28): the customer ticks "Save this card"
 * (or pays an auto_debit session, or verifies a card for nothing) on our page and types the card
 * on the gateway's; the merchant gets the token in the paid webhook, lists and deletes the card,
 * and charges it later with POST /b/pbl/v2/auto-debit/ without the customer. No request the
 * browser sends to our API carries the card number or the security code.
 */
const DAY_MS = 24 * 60 * 60 * 1000;

describeBrowser('saved cards in Chromium', () => {
  let api: TestApi;
  let browser: Browser;
  let context: BrowserContext;
  let receiver: WebhookReceiver;
  const toOurApi: string[] = [];
  /** Days our clock runs ahead: an agreement's cycle_interval_days pass without waiting. */
  let daysAhead = 0;
  let count = 0;
  const customer = () => `e2e-${process.pid}-${(count += 1)}`;
  const AGREEMENT = { type: 'recurring', amount_variability: 'fixed', cycle_interval_days: 30, expiry_date: '2030-12-31', frequency: 'monthly', total_cycles: 12 };

  beforeAll(async () => {
    receiver = await startReceiver();
    api = await startTestApi({ localMpgs: { notificationTimeScale: 0.001 }, env: { ...DEMO_ENV, CHECKOUT_ALLOW_LOOPBACK_WEBHOOKS: '1' }, clock: { now: () => new Date(Date.now() + daysAhead * DAY_MS) } });
    browser = await launchChromium();
    context = await browser.newContext();
    context.on('request', (request) => {
      if (request.url().startsWith(api.url)) toOurApi.push(`${request.method()} ${request.url()} ${request.postData() ?? ''}`);
    });
  }, 60_000);
  afterEach(() => {
    daysAhead = 0;
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await api?.close();
    await receiver?.close();
  });

  async function session(body: Record<string, unknown>) {
    const created = await api.request('POST', '/b/checkout/v1/pymt-txn/', { body: { type: 'payment_request', pg_codes: ['mpgs-kwd'], amount: '14.125', currency_code: 'KWD', webhook_url: receiver.url, ...body } });
    expect(created.status).toBe(201);
    return created.json as { session_id: string; checkout_url: string };
  }

  /** The customer on our page (ticking "Save this card" when asked), then the card typed on the gateway's form, back on our receipt. */
  async function payInBrowser(checkoutUrl: string, sessionId: string, { tick = false, expiry = '01/39' } = {}): Promise<Page> {
    const page = await context.newPage();
    await page.goto(checkoutUrl);
    if (tick) await page.check('form.hosted input[name="save_card"]');
    await page.click('form.hosted button');
    await page.waitForURL(`${api.mpgs!.url}/checkout/pay/**`);
    await fillHostedCard(page, { expiry });
    await page.waitForURL(`${api.url}/checkout/${sessionId}`);
    return page;
  }

  const body = (request: { body: unknown }) => (typeof request.body === 'string' ? JSON.parse(request.body) : request.body) as Record<string, any>;
  const webhook = (sessionId: string, event = 'paid') => waitFor(() => receiver.requests.find((request) => body(request).session_id === sessionId && body(request).event_type === event), { what: `the ${event} webhook of ${sessionId}` }).then((request) => body(request!));
  const list = (customerId: string) => api.request('POST', '/b/pbl/v2/card/', { body: { customer_id: customerId, type: 'sandbox' } });
  const remove = (token: string, customerId: string) => api.request('DELETE', `/b/pbl/v2/card/${token}/?customer_id=${encodeURIComponent(customerId)}&type=sandbox`);
  const debit = (sessionId: string, token: string) => api.request('POST', '/b/pbl/v2/auto-debit/', { body: { session_id: sessionId, token } });

  test('"Save this card" ticked: paid, the webhook carries the token; the card is listed, then deleted at the gateway and here', async () => {
    const id = customer();
    const { session_id, checkout_url } = await session({ customer_id: id });
    const page = await payInBrowser(checkout_url, session_id, { tick: true });
    await expect(page.textContent('h1')).resolves.toContain('Payment successful');
    await page.close();
    const paid = await webhook(session_id);
    expect(paid).toMatchObject({ state: 'paid', token: { customer_id: id, number: '512345xxxxxx0008', brand: 'MASTERCARD', pg_code: 'mpgs-kwd', agreements: [], token: expect.stringMatching(/^9\d{15}$/) } });
    const token = paid.token.token as string;
    expect((await list(id)).json).toEqual([expect.objectContaining({ token, customer_id: id, number: '512345xxxxxx0008' })]);
    // A card saved without an agreement is not one an auto-debit may charge.
    const next = await session({ payment_type: 'auto_debit', customer_id: id, agreement: { ...AGREEMENT, id: `agr-${id}` } });
    expect((await debit(next.session_id, token)).json).toEqual({ token: [`Agreement agr-${id} was never set up by a payment of the customer.`] });
    const deletes = api.mpgs!.requests().filter((entry) => entry.method === 'DELETE' && entry.path.includes('/token/')).length;
    expect((await remove(token, id)).status).toBe(204);
    expect(api.mpgs!.requests().filter((entry) => entry.method === 'DELETE' && entry.path.includes('/token/'))).toHaveLength(deletes + 1);
    expect((await list(id)).json).toEqual([]);
    expect(toOurApi.join('\n')).not.toMatch(/5123\s?4500\s?0000\s?0008|cardNumber|securityCode|cvv/i);
  });

  test('unticked keeps nothing; no checkbox without customer_id, nor for save_card and auto_debit (their card is always kept)', async () => {
    const id = customer();
    const { session_id, checkout_url } = await session({ customer_id: id });
    const page = await payInBrowser(checkout_url, session_id);
    expect((await webhook(session_id)).token).toBeUndefined();
    expect((await list(id)).json).toEqual([]);
    for (const body of [{}, { payment_type: 'save_card', customer_id: id, amount: '0' }, { payment_type: 'auto_debit', customer_id: id, agreement: { ...AGREEMENT, id: `agr-${id}` } }]) {
      await page.goto((await session(body)).checkout_url);
      await expect(page.locator('form.hosted button').count()).resolves.toBe(1);
      await expect(page.locator('input[name="save_card"]').count()).resolves.toBe(0);
    }
    await page.close();
  });

  test('save_card: the card verified for nothing on the gateway page, kept, listed', async () => {
    const id = customer();
    const { session_id, checkout_url } = await session({ payment_type: 'save_card', customer_id: id, amount: '0' });
    const page = await context.newPage();
    await page.goto(checkout_url);
    await expect(page.textContent('form.hosted button')).resolves.toContain('Save a card with');
    await page.click('form.hosted button');
    await page.waitForURL(`${api.mpgs!.url}/checkout/pay/**`);
    await fillHostedCard(page, { expiry: '01/39' });
    await page.waitForURL(`${api.url}/checkout/${session_id}`);
    await page.close();
    const paid = await webhook(session_id);
    expect(paid).toMatchObject({ state: 'paid', amount: '0.000', token: { customer_id: id, number: '512345xxxxxx0008' } });
    expect((await list(id)).json.map((card: { token: string }) => card.token)).toEqual([paid.token.token]);
  });

  test("auto_debit: the customer's first payment in Chromium sets the agreement up; the merchant charges the card a cycle later, the webhook follows; the card stays locked", async () => {
    const id = customer();
    const agreement = { ...AGREEMENT, id: `agr-${id}` };
    const first = await session({ payment_type: 'auto_debit', customer_id: id, agreement });
    const page = await payInBrowser(first.checkout_url, first.session_id);
    await expect(page.textContent('h1')).resolves.toContain('Payment successful');
    await page.close();
    const setUp = await webhook(first.session_id);
    expect(setUp).toMatchObject({ payment_type: 'auto_debit', token: { customer_id: id, agreements: [agreement.id] } });
    const token = setUp.token.token as string;
    // The same day: the agreement's 30 days have not passed since the customer's payment.
    const early = await session({ payment_type: 'auto_debit', customer_id: id, agreement, amount: '9.500' });
    expect((await debit(early.session_id, token)).status).toBe(400);
    daysAhead = 30;
    const next = await session({ payment_type: 'auto_debit', customer_id: id, agreement, amount: '9.500' });
    const charged = await debit(next.session_id, token);
    expect(charged.status).toBe(200);
    expect(charged.json).toMatchObject({ session_id: next.session_id, state: 'paid', amount: '9.500' });
    const put = api.mpgs!.requests().filter((entry) => entry.method === 'PUT').at(-1)!;
    expect(put.body).toMatchObject({ transaction: { source: 'MERCHANT' }, agreement: { id: agreement.id } });
    expect(await webhook(next.session_id)).toMatchObject({ state: 'paid', amount: '9.500', payment_type: 'auto_debit' });
    // The card an agreement charges cannot be deleted.
    expect((await remove(token, id)).json).toEqual({ token: ['This card is charged by an active auto-debit agreement; it can be deleted once another card replaces it.'] });
    expect((await list(id)).json).toEqual([expect.objectContaining({ token, agreements: [agreement.id] })]);
  });

  test('refusals: a gateway that keeps no cards, a card expiring before min_expiry_time, an unknown token', async () => {
    const id = customer();
    const refused = await api.request('POST', '/b/checkout/v1/pymt-txn/', { body: { type: 'payment_request', pg_codes: ['sandbox-kwd'], amount: '0', currency_code: 'KWD', payment_type: 'save_card', customer_id: id } });
    expect(refused.json).toEqual({ pg_codes: ['Payment gateway "sandbox-kwd" does not support tokenization, which payment_type save_card needs.'] });
    // Valid to the end of this month only: never 45 days ahead.
    const now = new Date();
    const expiry = `${String(now.getUTCMonth() + 1).padStart(2, '0')}/${String(now.getUTCFullYear() % 100).padStart(2, '0')}`;
    const short = await session({ payment_type: 'save_card', customer_id: id, amount: '0', card_acceptance_criteria: { min_expiry_time: 45 } });
    const page = await payInBrowser(short.checkout_url, short.session_id, { expiry });
    await page.close();
    expect((await api.ports.sessions.get(short.session_id))!.attempts.at(-1)).toMatchObject({ result: 'failed', pg_params: { pg_message: 'The card expires too soon: it must stay valid for at least 45 more days.' } });
    expect((await list(id)).json).toEqual([]);
    const next = await session({ payment_type: 'auto_debit', customer_id: id, agreement: { ...AGREEMENT, id: `agr-${id}` } });
    expect((await debit(next.session_id, '9000000000000000')).json).toEqual({ token: ["No saved card of this payment transaction's customer has this token."] });
  });
});
