import { successRedirect } from '../domain/checkout';
import type { SessionEvent } from '../domain/events';
import { isWebhookDelivered, type Session } from '../domain/session';
import { deliverWebhook, type DeliverWebhookPorts } from './deliver-webhook';
import { CLAIMED_ELSEWHERE } from './delivery-outcome';

/**
 * How long the payer's browser waits, after a successful payment, for the merchant's webhook to
 * answer before we decide where to send it. Ottu redirects to `redirect_url` only when the
 * webhook answered 200; so must we, and to know, we must wait. 5 s covers a merchant endpoint
 * that answers at all promptly (most answer in well under a second) while keeping the payer's
 * wait, and the route's 10 s Lambda timeout, in bounds; past it the payer sees our receipt page
 * and the durable delivery goes on with its own 15 s timeout and retries.
 */
export const REDIRECT_WAIT_MS = 5_000;
/** How often, while another copy holds the delivery's claim, the session is read for its outcome. */
const POLL_MS = 200;

export type RedirectAfterPaymentPorts = DeliverWebhookPorts;

/**
 * Where the payer goes after `event` (a paid or authorized event this request committed): the
 * merchant's `redirect_url` (with session_id, order_no, reference_number) when the session has
 * one and its webhook answered 200 within the wait, else undefined, meaning our payment summary
 * (receipt) page, as Ottu does (a 201 or any other answer, or none in time, shows the summary).
 * A session without a webhook_url has no answer to wait for: it is redirected at once.
 *
 * The webhook is the event's own, sent through the durable delivery's own step (deliverWebhook,
 * attempt 1, the same claim and the same record): delivered here, the queued copy finds it
 * delivered and sends nothing again; failed here, the claim is released and the queue retries as
 * always. When the queued copy got there first, the session is read until it records the outcome.
 * Called by the sandbox's payment form post, and meant for any connector's return route.
 */
export async function redirectAfterPayment(ports: RedirectAfterPaymentPorts, session: Session, event: SessionEvent, { waitMs = REDIRECT_WAIT_MS } = {}): Promise<string | undefined> {
  const target = successRedirect(session);
  if (!target || !session.webhook_url) return target;
  const deadline = ports.clock.now().getTime() + waitMs;
  const outcome = await deliverWebhook(ports, { message: { channel: 'webhook', event }, attempt: 1 }, { timeoutMs: waitMs });
  // This attempt failed (or was refused): the queue retries it later, the payer sees the summary.
  if (outcome.kind === 'dead' || (outcome.kind === 'retry' && outcome.reason !== CLAIMED_ELSEWHERE)) return undefined;
  // Delivered (by this attempt or before it), or the queued copy is delivering it: its record says how it was answered.
  for (;;) {
    const current = await ports.sessions.get(session.session_id);
    if (current && isWebhookDelivered(current, event.version)) return answered200(current, event) ? target : undefined;
    if (!current || ports.clock.now().getTime() + POLL_MS > deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Ottu redirects on a 200 only (a 201 keeps the payer on the summary page). */
function answered200(session: Session, event: SessionEvent): boolean {
  return session.webhook_status?.event === event.type && session.webhook_status.last_status_code === 200;
}
