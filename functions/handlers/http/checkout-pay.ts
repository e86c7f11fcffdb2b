import { dynamoWebhookSigner } from '../../adapters/aws/dynamo-config-store';
import { dynamoIdempotency } from '../../adapters/aws/dynamo-idempotency-store';
import { csrfSecret } from '../../adapters/aws/secrets-manager-secret';
import type { Ports } from '../../ports';
import { dynamoSessions } from '../../adapters/aws/dynamo-session-repository';
import { HttpWebhookSender } from '../../adapters/http-webhook-sender';
import { randomIds } from '../../adapters/random-ids';
import { systemClock } from '../../adapters/system-clock';
import { paySession, type PaySessionPorts } from '../../app/pay-session';
import { redirectAfterPayment, type RedirectAfterPaymentPorts } from '../../app/redirect-after-payment';
import { setting } from '../../config/env';
import { isOpen } from '../../domain/state-machine';
import { lambdaEntry } from '../lambda-entry';
import { csrf, type Csrf } from './checkout-csrf';
import { checkoutPageResponse } from './checkout-response';
import { renderGatewayRedirect } from '../../views/gateway-redirect';
import { awsPaymentGateways } from '../../adapters/aws/gateway-secrets';
import { sqsInquiryScheduler } from '../../adapters/aws/sqs-event-queue';
import { html, redirect, type HttpEvent } from './http-event';
import { httpHandler } from './http-handler';
import { meteredGateways, observedLog } from '../metrics';

type CheckoutPayPorts = PaySessionPorts & RedirectAfterPaymentPorts;

/**
 * The payment form's post. A processed attempt answers 303 (post/redirect/get): after a success
 * to the merchant's redirect_url when its webhook answered 200 in time (redirect-after-payment.ts),
 * else back to the page, which shows the outcome (the receipt). A refused form is shown again
 * with its errors; nothing is attempted.
 */
async function pay(ports: CheckoutPayPorts, tokens: Csrf, event: HttpEvent) {
  const sessionId = event.pathParameters?.session_id ?? '';
  const form = typeof event.body === 'object' && event.body !== null ? (event.body as Record<string, unknown>) : {};
  await tokens.assert(event, sessionId, form.csrf_token);
  const outcome = await paySession(ports, { sessionId, form, baseUrl: event.baseUrl });
  const page = `${event.baseUrl}/checkout/${sessionId}`;
  if (outcome.kind === 'charged') return redirect(303, (await redirectAfterPayment(ports, outcome.session, outcome.event)) ?? page);
  if (outcome.kind === 'declined') return redirect(303, page);
  if (outcome.kind === 'hosted') {
    if (outcome.page.kind === 'redirect') return redirect(303, outcome.page.url);
    const { body, policy } = renderGatewayRedirect(outcome.session, outcome.page);
    return html(200, body, { 'content-security-policy': policy });
  }

  const issued = await tokens.issue(event, sessionId);
  const model = { session: outcome.session, csrfToken: issued.token };
  if (outcome.kind === 'invalid') {
    const values = { name_on_card: text(form.name_on_card), expiry: text(form.expiry) };
    return checkoutPageResponse(400, { ...model, errors: outcome.errors, values, pgCode: outcome.pgCode }, issued.cookies);
  }
  // The gateway could not be reached to start: nothing was attempted, the page says so.
  if (outcome.kind === 'unavailable') return checkoutPageResponse(503, { ...model, unavailable: true, pgCode: outcome.pgCode }, issued.cookies);
  // Nothing charged: a replay of a paid session shows its receipt; a lost race, the form again.
  const conflict = outcome.conflict && isOpen(outcome.session.state);
  return checkoutPageResponse(conflict ? 409 : 200, { ...model, conflict, pgCode: text(form.pg_code) }, issued.cookies);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function wire(ports: CheckoutPayPorts & Pick<Ports, 'csrfSecret'>) {
  const tokens = csrf(ports);
  return httpHandler((event) => pay(ports, tokens, event), { errors: 'html' });
}

export const build = () =>
  wire({
    sessions: dynamoSessions(),
    // The configuration read-only, and the webhook key to sign the paid webhook sent from here.
    config: dynamoWebhookSigner(),
    csrfSecret: csrfSecret(),
    clock: systemClock,
    ids: randomIds,
    gateways: meteredGateways(awsPaymentGateways()),
    inquiries: sqsInquiryScheduler(),
    // The paid webhook is sent from here first (redirect-after-payment.ts), claimed like the queue's.
    idempotency: dynamoIdempotency(),
    webhooks: new HttpWebhookSender({ allowLoopback: setting('CHECKOUT_ALLOW_LOOPBACK_WEBHOOKS') }),
    // Its webhook attempt counts in the Deliveries metric like the worker's (handlers/metrics.ts).
    log: observedLog,
  });
export const handler = lambdaEntry(build);
