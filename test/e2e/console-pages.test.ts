import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { describeBrowser, launchChromium } from '../fixtures/browser';
import { DEMO_ENV, seedBody, startTestApi, type TestApi } from '../fixtures/local-api';
import { startReceiver, waitFor, type WebhookReceiver } from '../fixtures/webhook-receiver';

// /docs and /_local/ in Chromium: they render, load nothing from another origin, and the
// screenshots land in test-output/.
const OUT = join(__dirname, '../../test-output');

describeBrowser('console pages', () => {
  let api: TestApi;
  let browser: Browser;
  let refusing: WebhookReceiver;

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    refusing = await startReceiver(404);
    api = await startTestApi({ env: { ...DEMO_ENV, CHECKOUT_ALLOW_LOOPBACK_WEBHOOKS: '1' }, delayScale: 0.00001, webhookTimeoutMs: 1000 });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await refusing?.close();
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

  test('the dashboard searches as a user types and submits, and redrives a dead letter with its own button', async () => {
    const wanted = await api.request('POST', '/b/checkout/v1/pymt-txn/', { body: { ...seedBody(), order_no: 'FIND-ME-1', customer_email: 'findme@example.com' } });
    await api.request('POST', '/b/checkout/v1/pymt-txn/', { body: { ...seedBody(), order_no: 'OTHER-1' } });
    const dead = await api.request('POST', '/b/checkout/v1/pymt-txn/', { body: { ...seedBody(), order_no: 'DEAD-1', webhook_url: refusing.url } });
    await api.request('POST', `/_local/sessions/${dead.json.session_id}/pay`, { body: { card_number: '4111111111111111' }, auth: 'none' });
    const page = await browser.newPage();
    await page.goto(`${api.url}/_local/`);
    await page.fill('input[name="q"]', 'findme@example.com');
    await page.click('form.search button');
    await page.waitForURL(/q=findme/);
    expect(await page.locator('table tr').count()).toBe(2);
    expect(await page.locator('table tr').nth(1).textContent()).toContain('FIND-ME-1');
    await page.click(`a[href="/_local/sessions/${wanted.json.session_id}"]`);
    expect(await page.locator('h2').allTextContents()).toEqual(expect.arrayContaining(['Operations', 'Events', 'Webhook attempts', 'Requests']));

    await waitFor(() => api.ports.queue.deadLetters('webhook').some((letter) => letter.body.includes(dead.json.session_id) && letter.body.includes('"paid"')), { what: 'the dead letter' });
    await page.goto(`${api.url}/_local/dead-letters`);
    const letter = api.ports.queue.deadLetters('webhook').find((candidate) => candidate.body.includes(dead.json.session_id) && candidate.body.includes('"paid"'))!;
    const buttons = () => page.locator('form[action^="/_local/dead-letters/"] button').count();
    const before = await buttons();
    await page.screenshot({ path: join(OUT, 'dashboard-dead-letters.png') });
    refusing.fallback = 200;
    await page.click(`form[action="/_local/dead-letters/webhook/${letter.id}/redrive"] button`);
    await page.waitForURL(/\/_local\/dead-letters$/);
    expect(await buttons()).toBe(before - 1);
    expect(await page.locator(`form[action="/_local/dead-letters/webhook/${letter.id}/redrive"]`).count()).toBe(0);
    await waitFor(() => refusing.requests.filter((request) => request.body.session_id === dead.json.session_id && request.body.event_type === 'paid').length >= 2, { what: 'the redriven webhook' });
  }, 60_000);
});
