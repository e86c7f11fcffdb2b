import { PermissionDeniedError } from '../../domain/errors';
import { csrfToken, csrfTokenValid, deriveCsrfSecret, isNonce, newNonce } from '../../domain/csrf-token';
import { getPorts } from '../../runtime/ports';
import { baseUrl, type HttpEvent } from './http-event';

const COOKIE = 'checkout_csrf';

/** CHECKOUT_CSRF_SECRET when set, else a secret derived from the merchant's webhook key. */
async function secret(): Promise<string> {
  return process.env.CHECKOUT_CSRF_SECRET || deriveCsrfSecret(await getPorts().config.webhookKey());
}

/** API Gateway (payload v2) hands cookies over in `event.cookies`, one `name=value` each. */
function cookieNonce(event: HttpEvent): string | undefined {
  const pair = (event.cookies ?? []).map((cookie) => cookie.trim()).find((cookie) => cookie.startsWith(`${COOKIE}=`));
  const value = pair?.slice(COOKIE.length + 1);
  return isNonce(value) ? value : undefined;
}

/**
 * The token for the page's form and the cookie that goes with it. An existing nonce is kept so
 * a second tab of the same session does not invalidate the first one's form.
 */
export async function issueCsrf(event: HttpEvent, sessionId: string): Promise<{ token: string; cookies: string[] }> {
  const nonce = cookieNonce(event) ?? newNonce();
  const secure = baseUrl(event).startsWith('https:') ? '; Secure' : '';
  // Scoped to this session's pages; Strict, so no other site's form ever sends it.
  const cookie = `${COOKIE}=${nonce}; Path=/checkout/${sessionId}; HttpOnly; SameSite=Strict${secure}`;
  return { token: csrfToken(await secret(), sessionId, nonce), cookies: [cookie] };
}

/** Refuses (403) a post whose token does not match this session and the browser's cookie. */
export async function assertCsrf(event: HttpEvent, sessionId: string, token: unknown): Promise<void> {
  if (!csrfTokenValid(await secret(), sessionId, token, cookieNonce(event))) {
    throw new PermissionDeniedError('The payment form expired or did not come from the payment page. Go back, reload the page and try again.');
  }
}
