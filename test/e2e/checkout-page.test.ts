import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ManualClock } from '../../functions/adapters/system-clock';
import { describeBrowser, launchChromium } from '../fixtures/browser';
import { startTestApi, type TestApi } from '../fixtures/local-api';

const SHOTS = 'test-output';
const CARDS = { success: '4111 1111 1111 1111', declined: '4000 0000 0000 0002', error: '4000 0000 0000 0119' };

describeBrowser('hosted checkout page in Chromium', () => {
  let api: TestApi;
  let browser: Browser;
  let merchant: Server;
  let merchantUrl: string;
  const clock = new ManualClock(new Date('2026-11-25T10:00:00Z'));
  let context: BrowserContext;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    [api, browser] = await Promise.all([startTestApi({ clock }), launchChromium()]);
    // The merchant's site the customer is sent back to after paying.
    merchant = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><title>Merchant</title><h1>Thanks</h1><p id="url">${req.url}</p>`);
    });
    await new Promise<void>((resolve) => merchant.listen(0, '127.0.0.1', resolve));
    merchantUrl = `http://127.0.0.1:${(merchant.address() as AddressInfo).port}/orders/done?shop=1`;
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await new Promise((resolve) => merchant?.close(resolve));
  });
  beforeEach(async () => {
    // A phone-sized window: the page must work there first.
    context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
  });
  afterEach(() => context.close());

  async function createSession(extra: Record<string, unknown> = {}) {
    const created = await api.request('POST', '/b/checkout/v1/pymt-txn/', {
      body: {
        type: 'payment_request',
        pg_codes: ['sandbox-kwd'],
        amount: '1250.5',
        currency_code: 'KWD',
        order_no: `ORD-${Math.random().toString(36).slice(2, 10)}`,
        vendor_name: 'Gulf Books',
        product_type: 'Annual subscription',
        customer_first_name: 'Sara',
        customer_last_name: 'Al-Ahmad',
        ...extra,
      },
    });
    expect(created.status).toBe(201);
    return created.json;
  }

  const stateOf = async (sessionId: string) => (await api.request('GET', `/b/checkout/v1/pymt-txn/${sessionId}/`, { auth: 'none' })).json;

  async function payWith(page: Page, card: string, { expiry = '12/30', cvv = '123', name = 'SARA AL AHMAD' } = {}) {
    await page.fill('#card_number', card);
    await page.fill('#expiry', expiry);
    await page.fill('#cvv', cvv);
    await page.fill('#name_on_card', name);
    await page.click('button[type=submit]');
    await page.waitForLoadState('load');
  }

  test('English page: checkout_url leads to the form; a good card pays and returns to redirect_url', async () => {
    const session = await createSession({ redirect_url: merchantUrl });
    const page = await context.newPage();
    await page.goto(session.checkout_url);
    expect(page.url()).toBe(`${api.url}/checkout/${session.session_id}`);
    expect(await page.locator('html').getAttribute('dir')).toBe('ltr');
    const text = await page.locator('main').innerText();
    for (const shown of ['1,250.500', 'KWD', session.order_no, 'Gulf Books', 'Annual subscription', 'Sara Al-Ahmad', 'Sandbox KWD']) {
      expect(text).toContain(shown);
    }
    expect((await stateOf(session.session_id)).state).toBe('pending');
    await page.screenshot({ path: `${SHOTS}/checkout-en.png`, fullPage: true });

    await payWith(page, CARDS.success);
    await page.waitForURL((url) => url.pathname === '/orders/done', { timeout: 10_000 });
    const back = new URL(page.url());
    const after = await stateOf(session.session_id);
    expect(after).toMatchObject({ state: 'paid', result: 'success', settled_pg_code: 'sandbox-kwd' });
    expect(after.attempts).toEqual([expect.objectContaining({ result: 'success', card_brand: 'visa', card_last4: '1111' })]);
    expect(Object.fromEntries(back.searchParams)).toEqual({
      shop: '1',
      session_id: session.session_id,
      order_no: session.order_no,
      reference_number: after.reference_number,
    });
    expect(after.reference_number).toMatch(/^[A-Z0-9]{12}$/);
  });

  test('declined and gateway-error cards leave the session attempted; the customer retries and sees the receipt', async () => {
    const session = await createSession();
    const page = await context.newPage();
    await page.goto(session.checkout_url);

    await payWith(page, CARDS.declined);
    expect(await page.locator('.notice').innerText()).toContain('Your card was declined.');
    expect(await page.locator('.notice').innerText()).toContain('You have 2 attempts left.');
    expect(await stateOf(session.session_id)).toMatchObject({ state: 'attempted', result: 'failed' });
    await page.screenshot({ path: `${SHOTS}/checkout-declined-en.png`, fullPage: true });

    await payWith(page, CARDS.error);
    expect(await page.locator('.notice').innerText()).toContain('The payment gateway could not process the payment.');
    expect(await stateOf(session.session_id)).toMatchObject({ state: 'attempted', result: 'error' });

    await payWith(page, CARDS.success);
    expect(page.url()).toBe(`${api.url}/checkout/${session.session_id}`);
    const after = await stateOf(session.session_id);
    expect(after).toMatchObject({ state: 'paid', result: 'success' });
    expect(after.attempts.map((a: { result: string }) => a.result)).toEqual(['failed', 'error', 'success']);
    const receipt = await page.locator('main').innerText();
    expect(receipt).toContain('Payment successful');
    expect(receipt).toContain(after.reference_number);
    await page.screenshot({ path: `${SHOTS}/receipt-en.png`, fullPage: true });
  });

  test('the attempt limit fails the session', async () => {
    const session = await createSession();
    const page = await context.newPage();
    await page.goto(session.checkout_url);
    for (let i = 0; i < 3; i++) await payWith(page, CARDS.declined);
    expect(await page.locator('h1').first().innerText()).toBe('Payment failed');
    expect(await stateOf(session.session_id)).toMatchObject({ state: 'failed', result: 'failed' });
    expect(await page.locator('form').count()).toBe(0);
  });

  test('a card number failing the Luhn check gets a form error and no attempt', async () => {
    const session = await createSession();
    const page = await context.newPage();
    await page.goto(session.checkout_url);
    await payWith(page, '4111 1111 1111 1112', { name: 'Kept Name' });
    expect(await page.locator('#card_number-error').innerText()).toContain('not valid');
    expect(await page.inputValue('#name_on_card')).toBe('Kept Name');
    expect(await page.inputValue('#card_number')).toBe('');
    expect(await stateOf(session.session_id)).toMatchObject({ state: 'pending', attempts: [] });
  });

  test('Arabic page is right to left; an authorize gateway ends authorized', async () => {
    const session = await createSession({ language: 'ar', pg_codes: ['sandbox-authorize'], amount: '75', currency_code: 'USD', redirect_url: merchantUrl });
    const page = await context.newPage();
    await page.goto(session.payment_methods[0].redirect_url);
    expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
    expect(await page.locator('html').getAttribute('lang')).toBe('ar');
    const text = await page.locator('main').innerText();
    expect(text).toContain('أكمل عملية الدفع');
    expect(text).toContain('75.00');
    await page.screenshot({ path: `${SHOTS}/checkout-ar.png`, fullPage: true });

    await payWith(page, CARDS.declined);
    expect(await page.locator('.notice').innerText()).toContain('تم رفض بطاقتك');
    await page.screenshot({ path: `${SHOTS}/checkout-declined-ar.png`, fullPage: true });

    await payWith(page, '5555 5555 5555 4444');
    await page.waitForURL((url) => url.pathname === '/orders/done', { timeout: 10_000 });
    expect(await stateOf(session.session_id)).toMatchObject({ state: 'authorized', result: 'success' });
  });

  test('a second tab never pays twice: it shows the receipt', async () => {
    const session = await createSession();
    const [first, second] = [await context.newPage(), await context.newPage()];
    await first.goto(session.checkout_url);
    await second.goto(session.checkout_url);
    await payWith(first, CARDS.success);
    await payWith(second, CARDS.success);
    expect(await second.locator('main').innerText()).toContain('Payment successful');
    const after = await stateOf(session.session_id);
    expect(after.state).toBe('paid');
    expect(after.attempts).toHaveLength(1);
  });

  test('an expired session shows that it expired, in Arabic too', async () => {
    const session = await createSession({ language: 'ar', expiration_time: '00:10:00' });
    clock.advance(11 * 60 * 1000);
    const page = await context.newPage();
    await page.goto(session.checkout_url);
    expect(await page.locator('h1').first().innerText()).toBe('انتهت صلاحية رابط الدفع');
    expect((await stateOf(session.session_id)).state).toBe('expired');
    await page.screenshot({ path: `${SHOTS}/expired-ar.png`, fullPage: true });
  });
});
