import { getSession } from '../../app/get-session';
import { getPorts } from '../../runtime/ports';
import { baseUrl, redirect, type HttpEvent } from './http-event';
import { httpHandler } from './http-handler';

/** `checkout_url`: sends the customer on to the hosted page (404 page for an unknown session). */
export async function checkoutRedirectHttp(event: HttpEvent) {
  const session = await getSession(getPorts(), event.queryStringParameters?.session_id ?? '');
  return redirect(302, `${baseUrl(event)}/checkout/${session.session_id}`);
}

export const handler = httpHandler(checkoutRedirectHttp, { auth: false, errors: 'html' });
