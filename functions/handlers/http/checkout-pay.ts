import { paySession } from '../../app/pay-session';
import { successRedirect } from '../../domain/checkout';
import { isOpen } from '../../domain/state-machine';
import { getPorts } from '../../runtime/ports';
import { assertCsrf, issueCsrf } from './checkout-csrf';
import { checkoutPageResponse } from './checkout-response';
import { baseUrl, redirect, type HttpEvent } from './http-event';
import { httpHandler } from './http-handler';

/**
 * The payment form's post. A processed attempt answers 303 (post/redirect/get): to the
 * merchant's redirect_url after a success, else back to the page, which shows the outcome.
 * A refused form is shown again with its errors; nothing is attempted.
 */
export async function checkoutPayHttp(event: HttpEvent) {
  const sessionId = event.pathParameters?.session_id ?? '';
  const form = typeof event.body === 'object' && event.body !== null ? (event.body as Record<string, unknown>) : {};
  await assertCsrf(event, sessionId, form.csrf_token);
  const outcome = await paySession(getPorts(), { sessionId, form });
  const page = `${baseUrl(event)}/checkout/${sessionId}`;
  if (outcome.kind === 'charged') return redirect(303, successRedirect(outcome.session) ?? page);
  if (outcome.kind === 'declined') return redirect(303, page);

  const csrf = await issueCsrf(event, sessionId);
  const model = { session: outcome.session, csrfToken: csrf.token };
  if (outcome.kind === 'invalid') {
    const values = { name_on_card: text(form.name_on_card), expiry: text(form.expiry) };
    return checkoutPageResponse(400, { ...model, errors: outcome.errors, values, pgCode: outcome.pgCode }, csrf.cookies);
  }
  // Nothing charged: a replay of a paid session shows its receipt; a lost race, the form again.
  const conflict = outcome.conflict && isOpen(outcome.session.state);
  return checkoutPageResponse(conflict ? 409 : 200, { ...model, conflict, pgCode: text(form.pg_code) }, csrf.cookies);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export const handler = httpHandler(checkoutPayHttp, { auth: false, errors: 'html' });
