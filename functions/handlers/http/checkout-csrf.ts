import { csrfToken, csrfTokenValid, isNonce, newNonce } from '../../domain/csrf-token';
import { PermissionDeniedError } from '../../domain/errors';
import type { Ports } from '../../ports';
import type { HttpEvent } from './http-event';

const COOKIE = 'checkout_csrf';

export interface Csrf {
  issue(event: HttpEvent, sessionId: string): Promise<{ token: string; cookies: string[] }>;
  assert(event: HttpEvent, sessionId: string, token: unknown): Promise<void>;
}

/**
 * The payment form's signed double-submit token, under its own secret (CHECKOUT_CSRF_SECRET_ID):
 * the public checkout functions never hold the webhook key.
 */
export function csrf(ports: Pick<Ports, 'csrfSecret'>): Csrf {
  const secret = () => ports.csrfSecret.value();
  return {
    /**
     * The token for the page's form and the cookie that goes with it. An existing nonce is kept so
     * a second tab of the same session does not invalidate the first one's form.
     */
    issue: async (event, sessionId) => {
      const nonce = cookieNonce(event) ?? newNonce();
      const secure = event.baseUrl.startsWith('https:') ? '; Secure' : '';
      // Scoped to this session's pages; Strict, so no other site's form ever sends it.
      const cookie = `${COOKIE}=${nonce}; Path=/checkout/${sessionId}; HttpOnly; SameSite=Strict${secure}`;
      return { token: csrfToken(await secret(), sessionId, nonce), cookies: [cookie] };
    },
    /** Refuses (403) a post whose token does not match this session and the browser's cookie. */
    assert: async (event, sessionId, token) => {
      if (!csrfTokenValid(await secret(), sessionId, token, cookieNonce(event))) {
        throw new PermissionDeniedError('The payment form expired or did not come from the payment page. Go back, reload the page and try again.');
      }
    },
  };
}

/** API Gateway (payload v2) hands cookies over in `event.cookies`, one `name=value` each. */
function cookieNonce(event: HttpEvent): string | undefined {
  const pair = (event.cookies ?? []).map((cookie) => cookie.trim()).find((cookie) => cookie.startsWith(`${COOKIE}=`));
  const value = pair?.slice(COOKIE.length + 1);
  return isNonce(value) ? value : undefined;
}
