import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext } from 'playwright-core';
import { startLocalMpgs, type LocalMpgs } from '../../functions/local/mpgs/local-mpgs';
import { describeBrowser, launchChromium } from '../fixtures/browser';
import { fillHostedCard } from '../fixtures/mpgs';

/**
 * The local MPGS's hosted flow in Chromium, as the documentation describes it for a merchant's
 * page: load {gateway}/static/checkout/checkout.min.js, Checkout.configure({session: {id}}),
 * Checkout.showPaymentPage(); the payer fills the gateway's card form and lands on the return
 * URL with resultIndicator.
 */

const MERCHANT = { id: 'TESTE2E01', password: 'e2e-api-password', notificationSecret: 'e2e-notification-secret' };

describeBrowser('local MPGS hosted checkout in Chromium', () => {
  let mpgs: LocalMpgs;
  let browser: Browser;
  let shop: Server;
  let shopUrl: string;
  let context: BrowserContext;
  let orders = 0;

  beforeAll(async () => {
    [mpgs, browser] = await Promise.all([startLocalMpgs({ merchants: [MERCHANT] }), launchChromium()]);
    // The merchant's own pages: one that sends the payer to the gateway, one they come back to.
    shop = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://shop');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      if (url.pathname === '/pay') {
        const session = JSON.stringify(url.searchParams.get('session'));
        const extra = url.searchParams.get('extra') === '1' ? ', interaction: { operation: "PURCHASE" }' : '';
        res.end(`<!doctype html><title>Shop</title><p id="status">redirecting</p>
<script>function checkoutError(error) { document.getElementById('status').textContent += ' | error: ' + error.explanation; }</script>
<script src="${mpgs.url}/static/checkout/checkout.min.js" data-error="checkoutError" data-cancel="${shopUrl}/cancelled"></script>
<script>Checkout.configure({ session: { id: ${session} }${extra} }); Checkout.showPaymentPage();</script>`);
        return;
      }
      res.end(`<!doctype html><title>Shop</title><h1 id="page">${url.pathname}</h1>`);
    });
    await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
    shopUrl = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await browser?.close();
    await mpgs?.stop();
    await new Promise((resolve) => shop?.close(resolve));
  });
  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  });
  afterEach(() => context.close());

  async function initiate(withCancelUrl = false) {
    orders += 1;
    const response = await fetch(`${mpgs.url}/api/rest/version/100/merchant/${MERCHANT.id}/session`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`merchant.${MERCHANT.id}:${MERCHANT.password}`).toString('base64')}` },
      body: JSON.stringify({
        apiOperation: 'INITIATE_CHECKOUT',
        interaction: {
          operation: 'PURCHASE',
          returnUrl: `${shopUrl}/return?attempt=${orders}`,
          ...(withCancelUrl && { cancelUrl: `${shopUrl}/cancel-url` }),
          merchant: { name: 'Gulf Books' },
        },
        order: { id: `e2e-${orders}-${Date.now()}`, amount: '14.125', currency: 'KWD', description: 'Two books' },
      }),
    });
    const created = (await response.json()) as { session: { id: string }; successIndicator: string };
    return { session: created.session.id, successIndicator: created.successIndicator };
  }

  test('approved: the payer lands on the return URL with resultIndicator = successIndicator', async () => {
    const { session, successIndicator } = await initiate();
    const page = await context.newPage();
    await page.goto(`${shopUrl}/pay?session=${session}`);
    await page.waitForURL(`${mpgs.url}/checkout/pay/${session}?cancelUrl=*`);
    await expect(page.textContent('#amount')).resolves.toContain('KWD 14.125');
    await fillHostedCard(page, { expiry: '01/39' });
    await page.waitForURL(`${shopUrl}/return?**`);
    const back = new URL(page.url());
    expect(back.searchParams.get('attempt')).toBe('1');
    expect(back.searchParams.get('resultIndicator')).toBe(successIndicator);
    expect(back.searchParams.get('sessionVersion')).toMatch(/^[0-9a-f]{10}$/);
  });

  test('declined: the return carries another resultIndicator', async () => {
    const { session, successIndicator } = await initiate();
    const page = await context.newPage();
    await page.goto(`${shopUrl}/pay?session=${session}`);
    await page.waitForURL(`${mpgs.url}/checkout/pay/**`);
    await fillHostedCard(page, { expiry: '05/39' });
    await page.waitForURL(`${shopUrl}/return?**`);
    const indicator = new URL(page.url()).searchParams.get('resultIndicator');
    expect(indicator).toMatch(/^[0-9a-f]{16}$/);
    expect(indicator).not.toBe(successIndicator);
  });

  test("cancel: the payer goes to interaction.cancelUrl, else to the page's data-cancel URL", async () => {
    const page = await context.newPage();
    const withUrl = await initiate(true);
    await page.goto(`${shopUrl}/pay?session=${withUrl.session}`);
    await page.click('#cancel');
    await page.waitForURL(`${shopUrl}/cancel-url`);
    const without = await initiate(false);
    await page.goto(`${shopUrl}/pay?session=${without.session}`);
    await page.click('#cancel');
    await page.waitForURL(`${shopUrl}/cancelled`);
  });

  test('configure() with more than session.id calls the data-error callback and goes nowhere', async () => {
    const { session } = await initiate();
    const page = await context.newPage();
    await page.goto(`${shopUrl}/pay?session=${session}&extra=1`);
    await expect(page.textContent('#status')).resolves.toMatch(/error: configure\(\) takes only session.id/);
    expect(page.url()).toContain(shopUrl);
  });
});
