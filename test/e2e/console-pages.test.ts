import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { describeBrowser, launchChromium } from '../fixtures/browser';
import { seedBody, startTestApi, type TestApi } from '../fixtures/local-api';

// /docs and /_local/ in Chromium: they render, load nothing from another origin, and the
// screenshots land in test-output/.
const OUT = join(__dirname, '../../test-output');

describeBrowser('console pages', () => {
  let api: TestApi;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    api = await startTestApi({ delayScale: 0.00001 });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  test('the API reference and the dashboard render with only their own resources', async () => {
    const created = await api.request('POST', '/b/checkout/v1/pymt-txn/', { body: { ...seedBody(), order_no: 'SHOT-1' } });
    await api.request('POST', `/_local/sessions/${created.json.session_id}/pay`, { body: { card_number: '4111111111111111' }, auth: 'none' });
    await api.request('POST', '/b/checkout/v1/pymt-txn/', { body: { ...seedBody(), order_no: 'SHOT-2' } });
    const page = await browser.newPage();
    const foreign: string[] = [];
    const violations: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(api.url)) foreign.push(request.url());
    });
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });

    await page.goto(`${api.url}/docs`);
    expect(await page.locator('#CreateSession h2').textContent()).toContain('/b/checkout/v1/pymt-txn');
    // The inline stylesheet applied (allowed by its hash): the header is dark.
    expect(await page.locator('header').evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).backgroundColor)).toBe('rgb(16, 42, 67)');
    await page.screenshot({ path: join(OUT, 'docs.png'), fullPage: false });
    // Every operation shows an example request; the webhooks have their own section, reached from the document's description.
    expect(await page.locator('section.op').count()).toBe(await page.locator('section.op:has(pre)').count());
    expect(await page.locator('#CreateSession pre').first().textContent()).toContain('"pg_codes"');
    await page.locator('header a[href="/docs#webhooks"]').click();
    expect(await page.locator('#operationEvent').textContent()).toContain('"event_type": "refunded"');
    await page.locator('#paymentEvent').screenshot({ path: join(OUT, 'docs-webhooks.png') });

    await page.goto(`${api.url}/_local/`);
    expect(await page.locator('table tr').count()).toBe(3);
    await page.screenshot({ path: join(OUT, 'dashboard.png') });
    await page.goto(`${api.url}/_local/sessions/${created.json.session_id}`);
    expect(await page.locator('h1').textContent()).toContain('paid');
    await page.screenshot({ path: join(OUT, 'dashboard-session.png'), fullPage: true });

    expect(foreign).toEqual([]);
    expect(violations).toEqual([]);
  }, 60_000);
});
