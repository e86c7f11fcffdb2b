import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestApi, type TestApi } from '../fixtures/local-api';
import { describeBrowser, launchChromium } from '../fixtures/browser';
import { fillHostedCard } from '../fixtures/mpgs';
import { startReceiver, waitFor, type WebhookReceiver } from '../fixtures/webhook-receiver';

/**
 * An MPGS session paid in Chromium: our page → the local MPGS's checkout.min.js and card form →
 * our return → the receipt or the merchant. Every request the browser sends to our API is
 * recorded: none carries the card number or the security code.
 */
describeBrowser('MPGS Hosted Checkout in Chromium', () => {
  let api: TestApi;
  let browser: Browser;
  let context: BrowserContext;
  let receiver: WebhookReceiver;
  const toOurApi: string[] = [];

  beforeAll(async () => {
    receiver = await startReceiver();
    api = await startTestApi({ localMpgs: { notificationTimeScale: 0.001 }, env: { CHECKOUT_DEMO_API_KEY: 'testkey.0123456789abcdefghijklmnop', CHECKOUT_DEMO_BASIC: 'clerk:clerk-password', CHECKOUT_DEMO_WEBHOOK_KEY: 'test-webhook-key', CHECKOUT_ALLOW_LOOPBACK_WEBHOOKS: '1' } });
    browser = await launchChromium();
    context = await browser.newContext();
    context.on('request', (request) => {
      if (request.url().startsWith(api.url)) toOurApi.push(`${request.method()} ${request.url()} ${request.postData() ?? ''}`);
    });
  }, 60_000);
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await api?.close();
    await receiver?.close();
  });

  async function session(body: Record<string, unknown> = {}) {
    const created = await api.request('POST', '/b/checkout/v1/pymt-txn/', { body: { type: 'payment_request', pg_codes: ['mpgs-kwd'], amount: '14.125', currency_code: 'KWD', webhook_url: receiver.url, ...body } });
    expect(created.status).toBe(201);
    return created.json as { session_id: string; checkout_url: string };
  }

  async function toGateway(page: Page, checkoutUrl: string) {
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content.Security.Policy/i.test(message.text())) violations.push(message.text());
    });
    await page.goto(checkoutUrl);
    await page.click('form.hosted button');
    await page.waitForURL(`${api.mpgs!.url}/checkout/pay/**`);
    expect(violations).toEqual([]);
  }

  test('approved: paid through the local MPGS, the receipt shows the card, the merchant gets the paid webhook, no card data reached our API', async () => {
    const { session_id, checkout_url } = await session();
    const page = await context.newPage();
    await toGateway(page, checkout_url);
    await fillHostedCard(page, { expiry: '01/39' });
    await page.waitForURL(`${api.url}/checkout/${session_id}`);
    await expect(page.textContent('h1')).resolves.toContain('Payment successful');
    await expect(page.textContent('main')).resolves.toContain('•••• 0008');
    expect((await api.ports.sessions.get(session_id))!.state).toBe('paid');
    const body = (request: { body: unknown }) => (typeof request.body === 'string' ? JSON.parse(request.body) : request.body) as Record<string, unknown>;
    const paid = await waitFor(() => receiver.requests.find((request) => body(request).session_id === session_id && body(request).event_type === 'paid'), { what: 'the paid webhook' });
    expect(body(paid!)).toMatchObject({ state: 'paid', gateway_name: 'mpgs', gateway_account: 'mpgs-kwd' });
    const all = toOurApi.join('\n');
    expect(all).not.toMatch(/5123\s?4500\s?0000\s?0008|cardNumber|securityCode|cvv/i);
    await page.close();
  });

  test('declined, then approved on the second attempt', async () => {
    const { session_id, checkout_url } = await session();
    const page = await context.newPage();
    await toGateway(page, checkout_url);
    await fillHostedCard(page, { expiry: '05/39' });
    await page.waitForURL(`${api.url}/checkout/${session_id}`);
    await expect(page.textContent('main')).resolves.toContain('Your card was declined.');
    await page.click('form.hosted button');
    await page.waitForURL(`${api.mpgs!.url}/checkout/pay/**`);
    await fillHostedCard(page, { expiry: '01/39' });
    await page.waitForURL(`${api.url}/checkout/${session_id}`);
    await expect(page.textContent('h1')).resolves.toContain('Payment successful');
    await page.close();
  });

  test('expired card, and a customer who cancels on the gateway page: back on our page, still payable', async () => {
    const { session_id, checkout_url } = await session();
    const page = await context.newPage();
    await toGateway(page, checkout_url);
    await fillHostedCard(page, { expiry: '04/27' });
    await page.waitForURL(`${api.url}/checkout/${session_id}`);
    await expect(page.textContent('main')).resolves.toContain('Your card was declined.');
    expect((await api.ports.sessions.get(session_id))!.attempts.at(-1)!.pg_params).toMatchObject({ result: 'EXPIRED_CARD' });

    const other = await session();
    await toGateway(page, other.checkout_url);
    await page.click('#cancel');
    await page.waitForURL(`${api.url}/checkout/${other.session_id}`);
    await expect(page.locator('form.hosted button').count()).resolves.toBe(1);
    expect((await api.ports.sessions.get(other.session_id))!.state).toBe('pending');
    await page.close();
  });
});
