import { successRedirect } from '../domain/checkout';
import { findGateway } from '../domain/config';
import { AuthenticationError, NotFoundError } from '../domain/errors';
import type { Session } from '../domain/session';
import { firstInquiry, notificationInquiry } from '../domain/inquiry';
import type { Ports } from '../ports';
import { getSession, type GetSessionPorts } from './get-session';
import { redirectAfterPayment, type RedirectAfterPaymentPorts } from './redirect-after-payment';
import { pendingAttempt, syncAttempt, type SyncAttemptPorts, type SyncOutcome } from './sync-attempt';

/**
 * What the customer's return and the gateway's notification do: check what they carry, then
 * trigger a sync (the return runs it; the notification queues it). Neither is ever taken as the
 * payment's outcome.
 */

export interface GatewayReturn {
  sessionId: string;
  /** Our attempt reference (`?attempt=` of the return URL we gave the gateway). */
  reference?: string;
  query: Readonly<Record<string, string | undefined>>;
}

export type GatewayReturnPorts = SyncAttemptPorts & RedirectAfterPaymentPorts & Pick<Ports, 'inquiries'>;

/**
 * The customer is back from the gateway's page: sync the attempt, then where the customer goes.
 * `redirectTo` is the merchant's redirect_url only as Ottu sends the customer there, once the
 * session's webhook answered 200 (redirect-after-payment.ts, as the sandbox's form post does);
 * absent, the customer sees our page, which shows the outcome (the receipt once paid).
 */
export async function returnFromGateway(ports: GatewayReturnPorts, input: GatewayReturn): Promise<SyncOutcome & { redirectTo?: string }> {
  const outcome = await syncReturn(ports, input);
  const redirectTo = await destination(ports, outcome);
  return redirectTo ? { ...outcome, redirectTo } : outcome;
}

/** After a success this return committed, its own webhook is sent and waited for; after one another trigger committed, its recorded answer decides. */
async function destination(ports: RedirectAfterPaymentPorts, outcome: SyncOutcome): Promise<string | undefined> {
  const { session } = outcome;
  if (session.state !== 'paid' && session.state !== 'authorized') return undefined;
  if (outcome.kind === 'settled' && (outcome.event?.type === 'paid' || outcome.event?.type === 'authorized')) return redirectAfterPayment(ports, session, outcome.event);
  if (!session.webhook_url) return successRedirect(session);
  const answered = session.webhook_status;
  return answered && (answered.event === 'paid' || answered.event === 'authorized') && answered.last_status_code === 200 ? successRedirect(session) : undefined;
}

async function syncReturn(ports: SyncAttemptPorts & Pick<Ports, 'inquiries'>, input: GatewayReturn): Promise<SyncOutcome> {
  const outcome = await syncAttempt(ports, input.sessionId, input.reference);
  const attempt = input.reference ? outcome.session.attempts.find((candidate) => candidate.reference_number === input.reference) : undefined;
  if (!attempt?.gateway) return outcome;
  const setting = findGateway(await ports.config.load(), attempt.pg_code);
  // The browser's proof (MPGS's resultIndicator) is compared for the record only: a success it
  // claims that the gateway does not confirm stays pending (the automatic inquiry asks again).
  const connector = setting && (await ports.gateways.connect(setting));
  const claimed = connector?.onReturn({ reference: attempt.reference_number, gateway: attempt.gateway }, input.query).matches ?? false;
  if (claimed !== (attempt.result === 'success')) {
    ports.log.info('gateway return and sync disagree (the sync decides)', { session_id: input.sessionId, attempt: attempt.reference_number, claimed_success: claimed, result: attempt.result });
  }
  // The customer is back but the gateway gave no final answer (a timeout, or not final yet): the
  // tries scheduled with the payment may all be spent by now, so the return schedules its own. A
  // failure to queue is a 5xx, which the customer's reload retries: never left pending unasked.
  if (outcome.kind === 'pending' && setting) await ports.inquiries.schedule(firstInquiry(input.sessionId, attempt.reference_number, setting));
  return outcome;
}

export interface GatewayNotification {
  pgCode: string;
  sessionId: string;
  headers: Readonly<Record<string, string | undefined>>;
  body: unknown;
}

export type GatewayNotificationPorts = GetSessionPorts & Pick<Ports, 'config' | 'gateways' | 'inquiries'>;

/** What became of an authentic notification: its sync queued, or nothing to sync. */
export type NotificationOutcome = 'queued' | 'settled' | 'not_ours';

/**
 * A gateway's notification: authentic (its shared secret, checked in constant time by the
 * connector) or a 401 that changes nothing; then the sync of the attempt it names is queued on
 * the automatic inquiry's queue, and the gateway is answered at once, without waiting on its own
 * API. A queueing failure throws (a 5xx), so the gateway retries: never acknowledged unqueued.
 */
export async function notificationFromGateway(ports: GatewayNotificationPorts, input: GatewayNotification): Promise<NotificationOutcome> {
  const setting = findGateway(await ports.config.load(), input.pgCode);
  const connector = setting && (await ports.gateways.connect(setting));
  const verdict = connector?.onNotification({ headers: input.headers, body: input.body });
  if (!verdict?.authentic) throw new AuthenticationError('Invalid notification secret.');
  let session: Session;
  try {
    session = await getSession(ports, input.sessionId);
  } catch (error) {
    // Nothing of ours: acknowledged, so the gateway stops retrying.
    if (error instanceof NotFoundError) return 'not_ours';
    throw error;
  }
  const reference = verdict.reference;
  if (!reference || !session.attempts.some((attempt) => attempt.reference_number === reference && attempt.pg_code === input.pgCode)) return 'not_ours';
  // Settled already (the return, the inquiry or an earlier notification): a duplicate queues nothing.
  if (!pendingAttempt(session, reference)) return 'settled';
  await ports.inquiries.schedule(notificationInquiry(session.session_id, reference));
  return 'queued';
}
