import { openCheckout } from '../../app/open-checkout';
import { getPorts } from '../../runtime/ports';
import { issueCsrf } from './checkout-csrf';
import { checkoutPageResponse } from './checkout-response';
import type { HttpEvent } from './http-event';
import { httpHandler } from './http-handler';

/** The hosted checkout page: the payment form, or the receipt / expiry / failure of the session. */
export async function checkoutPageHttp(event: HttpEvent) {
  const { session, attemptsLeft } = await openCheckout(getPorts(), event.pathParameters?.session_id ?? '');
  const csrf = await issueCsrf(event, session.session_id);
  const pgCode = event.queryStringParameters?.pg_code;
  return checkoutPageResponse(200, { session, csrfToken: csrf.token, pgCode, attemptsLeft }, csrf.cookies);
}

export const handler = httpHandler(checkoutPageHttp, { auth: false, errors: 'html' });
