import { attemptAction, attemptLimit, attemptsLeft, openingAction, successRedirect } from '../../functions/domain/checkout';
import { randomBytes } from 'node:crypto';
import { csrfToken, csrfTokenValid, newNonce } from '../../functions/domain/csrf-token';
import type { PaymentAttempt } from '../../functions/domain/session';
import { errorResponse } from '../../functions/handlers/http/error-response';
import { NotFoundError, ValidationError } from '../../functions/domain/errors';
import { formatAmount } from '../../functions/views/checkout-page';
import { escapeHtml, html } from '../../functions/views/html';

const attempt = (result: PaymentAttempt['result']): PaymentAttempt => ({
  reference_number: 'ABCDEFGHJKLM',
  pg_code: 'sandbox-kwd',
  result,
  card_brand: 'visa',
  card_last4: '0002',
  attempted_at: '2026-11-25T10:00:00.000Z',
});

test('an attempt pays, authorizes, allows another try, or fails the session at the limit', () => {
  const none = { attempts: [] };
  const two = { attempts: [attempt('failed'), attempt('error')] };
  expect(attemptAction(none, 'success', 'purchase', 3)).toBe('pay');
  expect(attemptAction(none, 'success', 'authorize', 3)).toBe('authorize');
  expect(attemptAction(none, 'failed', 'purchase', 3)).toBe('attempt_failed');
  expect(attemptAction(two, 'error', 'purchase', 3)).toBe('fail');
  expect(attemptAction(two, 'success', 'purchase', 3)).toBe('pay');
  expect(attemptAction(none, 'failed', 'purchase', 1)).toBe('fail');
  expect(attemptsLeft(two, { attempt_limit: 3 })).toBe(1);
});

test('attempt limit defaults to 3 when the setting has none that makes sense', () => {
  expect(attemptLimit({ attempt_limit: 5 })).toBe(5);
  expect(attemptLimit({ attempt_limit: 0 })).toBe(3);
  expect(attemptLimit({ attempt_limit: undefined as unknown as number })).toBe(3);
});

test('opening: created opens, anything open past expiry expires, the rest stays', () => {
  const expiresAt = '2026-11-25T11:00:00.000Z';
  const before = new Date('2026-11-25T10:59:59.999Z');
  const at = new Date(expiresAt);
  expect(openingAction({ state: 'created', expires_at: expiresAt }, before)).toBe('open');
  expect(openingAction({ state: 'created', expires_at: expiresAt }, at)).toBe('expire');
  expect(openingAction({ state: 'attempted', expires_at: expiresAt }, at)).toBe('expire');
  expect(openingAction({ state: 'pending', expires_at: expiresAt }, before)).toBeUndefined();
  expect(openingAction({ state: 'paid', expires_at: expiresAt }, at)).toBeUndefined();
});

test('redirect after payment keeps the merchant query and adds ours, encoded', () => {
  const session = { redirect_url: 'https://shop.example/r?a=1#top', session_id: 'f'.repeat(40), order_no: 'A&B=1', reference_number: 'ABCDEFGHJKLM' };
  expect(successRedirect(session)).toBe(`https://shop.example/r?a=1&session_id=${'f'.repeat(40)}&order_no=A%26B%3D1&reference_number=ABCDEFGHJKLM#top`);
  expect(successRedirect({ ...session, order_no: null })).not.toContain('order_no');
  expect(successRedirect({ ...session, redirect_url: '' })).toBeUndefined();
});

test('CSRF tokens verify only for their session and cookie nonce', () => {
  const secret = randomBytes(32).toString('hex');
  const nonce = newNonce();
  const token = csrfToken(secret, 'a'.repeat(40), nonce);
  expect(csrfTokenValid(secret, 'a'.repeat(40), token, nonce)).toBe(true);
  expect(csrfTokenValid(secret, 'b'.repeat(40), token, nonce)).toBe(false);
  expect(csrfTokenValid(secret, 'a'.repeat(40), token, newNonce())).toBe(false);
  expect(csrfTokenValid(randomBytes(32).toString('hex'), 'a'.repeat(40), token, nonce)).toBe(false);
  expect(csrfTokenValid(secret, 'a'.repeat(40), `${nonce}.`, nonce)).toBe(false);
  expect(csrfTokenValid(secret, 'a'.repeat(40), undefined, nonce)).toBe(false);
  expect(csrfTokenValid(secret, 'a'.repeat(40), token, undefined)).toBe(false);
});

test('amounts are grouped from the decimal string', () => {
  expect(formatAmount('14.000')).toBe('14.000');
  expect(formatAmount('1234.5')).toBe('1,234.5');
  expect(formatAmount('12345678901234567.890')).toBe('12,345,678,901,234,567.890');
  expect(formatAmount('1000')).toBe('1,000');
});

test('html escapes interpolations unless they are html fragments', () => {
  expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  const inner = html`<b>${'<i>'}</b>`;
  expect(html`<p>${inner}${['<', html`<br>`]}${null}${false}${undefined}${0}</p>`.value).toBe('<p><b>&lt;i&gt;</b>&lt;<br>0</p>');
});

test('the one error mapper renders the same errors as JSON for the API and as pages for customers', () => {
  expect(errorResponse(new NotFoundError())).toMatchObject({ statusCode: 404, body: '{"detail":"Not found."}' });
  const page = errorResponse(new NotFoundError(), 'html');
  expect(page).toMatchObject({ statusCode: 404, headers: { 'content-type': 'text/html; charset=utf-8', 'x-frame-options': 'DENY' } });
  expect(page.body).toContain('Payment not found');
  expect(errorResponse(new ValidationError({ amount: ['bad'] }), 'html').statusCode).toBe(400);
  const crash = errorResponse(new Error('secret internals at db.ts:12'), 'html');
  expect(crash.statusCode).toBe(500);
  expect(crash.body).not.toContain('secret internals');
  expect(crash.body).toContain('Something went wrong on our side');
});
