import { meetsMinExpiry, minExpiryDays, type Agreement } from '../domain/agreement';
import { cycleRefusal, type AgreementCycles } from '../domain/agreement-cycle';
import { attemptLimit, settleAttempt } from '../domain/checkout';
import { findGateway } from '../domain/config';
import { AgreementCycleRefusedError, ConflictError, PermissionDeniedError, ValidationError } from '../domain/errors';
import { capabilityProblem } from '../domain/gateway';
import { firstInquiry } from '../domain/inquiry';
import { statusDocument } from '../domain/payment-status';
import { unusableCodes, type Principal } from '../domain/permissions';
import type { PaymentAttempt, Session } from '../domain/session';
import { isOpen } from '../domain/state-machine';
import type { Ports } from '../ports';
import { changeSession } from './change-session';
import { getSession } from './get-session';
import { pendingAttempt, syncAttempt, type SyncAttemptPorts } from './sync-attempt';

export type AutoDebitPorts = SyncAttemptPorts & Pick<Ports, 'inquiries'>;

export interface AutoDebitInput {
  principal: Principal;
  sessionId: string;
  token: string;
  /** Where the gateway notifies us of the charge. */
  baseUrl: string;
}

/**
 * Ottu's auto-debit (POST /b/pbl/v2/auto-debit/): the merchant charges the customer's saved card
 * for an auto_debit session, without the customer, under the agreement the customer's own first
 * payment set up (merchant-initiated at the gateway). Refused with a 400 before anything is sent
 * when the session is not auto_debit, the token is not one of the customer's cards, is not the
 * card the agreement charges, or expires before min_expiry_time, the agreement has not started
 * or has expired, its `total_cycles` charges were made or its `cycle_interval_days` have not
 * passed since its last payment (409 while another charge under it awaits its gateway).
 * The attempt is committed pending (with its automatic inquiry) before the gateway is asked, so
 * a charge is never lost: the answer is read back by a sync, as any payment's, and an unanswered
 * charge stays pending, never failed. That write also takes the agreement's one charge slot under
 * its bounds, atomically (domain/agreement-cycle.ts), so concurrent charges cannot both pass the
 * checks; the sync that records the outcome counts a paid charge or frees the slot of a failed one.
 * Answers the session's status document (the webhook's shape).
 */
export async function autoDebit(ports: AutoDebitPorts, input: AutoDebitInput) {
  const session = await getSession(ports, input.sessionId);
  const { gateway, connector } = await chargeable(ports, session, input);
  const tokens = connector.tokens!;
  const now = ports.clock.now();
  const reference = ports.ids.referenceNumber();
  await ports.inquiries.schedule(firstInquiry(session.session_id, reference, gateway));
  const card = (await ports.savedCards.get(session.customer_id, input.token))!;
  const agreement = session.agreement! as Agreement & { id: string };
  const attempt: PaymentAttempt = { reference_number: reference, pg_code: gateway.code, result: 'pending', card_brand: 'card', card_last4: card.number.slice(-4), attempted_at: now.toISOString(), merchant_initiated: { customer_id: session.customer_id, agreement_id: agreement.id } };
  const started = await changeSession(ports, session, (current) => (isOpen(current.state) && !pendingAttempt(current) ? { action: 'start_attempt', changes: { attempts: [...current.attempts, attempt], reference_number: reference, result: 'pending' } } : undefined), { retry: true }).catch(async (error: unknown) => {
    // Another charge under the agreement got there first: say what its cycles now refuse.
    if (!(error instanceof AgreementCycleRefusedError)) throw error;
    throw refusalError(agreement, await ports.savedCards.agreementCycles(session.customer_id, agreement.id), now) ?? error;
  });
  if (!started.changed) throw new ConflictError('The payment transaction changed while the charge was prepared; nothing was charged. Retry with the current state.');
  const charged = await tokens.charge({
    reference,
    operation: gateway.operation,
    amount: session.amount,
    currency: session.currency_code,
    token: input.token,
    initiator: 'merchant',
    agreement: { id: agreement.id, type: agreement.type, ...(agreement.expiry_date ? { expiry_date: agreement.expiry_date } : {}) },
    notificationUrl: `${input.baseUrl}/checkout/notify/${encodeURIComponent(gateway.code)}/${session.session_id}`,
  });
  let result: Session;
  if (charged.kind === 'refused') {
    // The gateway refused the request itself: nothing was charged, the attempt failed.
    const failed = { ...attempt, result: 'failed' as const, pg_params: { pg_message: charged.explanation }, gateway_response: charged.gateway_response };
    result = (await changeSession(ports, started.session, (current) => (pendingAttempt(current, reference) ? settleAttempt(current, failed, gateway.operation, attemptLimit(gateway), now) : undefined), { retry: true })).session;
  } else {
    // Answered or not, Retrieve Order decides, as for every payment (an unknown stays pending).
    result = charged.kind === 'answered' ? (await syncAttempt(ports, session.session_id, reference)).session : started.session;
  }
  return statusDocument(result, await ports.config.webhookKey());
}

/** The gateway and connector that charge this session's card, or the 400/403/409 that says why not. */
async function chargeable(ports: AutoDebitPorts, session: Session, input: AutoDebitInput) {
  const agreement = session.agreement;
  if ((session.payment_type ?? 'one_off') !== 'auto_debit' || !agreement?.id) throw new ValidationError({ session_id: ['This payment transaction is not an auto_debit one: create it with payment_type auto_debit and its agreement.'] });
  if (!isOpen(session.state)) throw new ConflictError(`The payment transaction is ${session.state}: it cannot be charged.`);
  if (pendingAttempt(session)) throw new ConflictError('A payment attempt of this payment transaction awaits its gateway; ask the inquiry for its outcome.');
  const card = await ports.savedCards.get(session.customer_id, input.token);
  if (!card) throw new ValidationError({ token: ["No saved card of this payment transaction's customer has this token."] });
  if (unusableCodes(input.principal, [card.pg_code]).length > 0) throw new PermissionDeniedError(`You do not have permission to use the payment gateway(s): ${card.pg_code}.`);
  if (!session.pg_codes.includes(card.pg_code)) throw new ValidationError({ token: [`This card was saved with ${card.pg_code}, which this payment transaction does not offer.`] });
  const charging = await ports.savedCards.agreementCard(session.customer_id, agreement.id);
  if (charging !== input.token) {
    throw new ValidationError({ token: [charging ? `Agreement ${agreement.id} charges another card of the customer.` : `Agreement ${agreement.id} was never set up by a payment of the customer.`] });
  }
  const now = ports.clock.now();
  const today = now.toISOString().slice(0, 10);
  if (agreement.start_date && today < agreement.start_date) throw new ValidationError({ session_id: [`Agreement ${agreement.id} starts on ${agreement.start_date}.`] });
  if (agreement.expiry_date && today > agreement.expiry_date) throw new ValidationError({ session_id: [`Agreement ${agreement.id} expired on ${agreement.expiry_date}.`] });
  const refused = refusalError({ ...agreement, id: agreement.id }, await ports.savedCards.agreementCycles(session.customer_id, agreement.id), now);
  if (refused) throw refused;
  const minDays = minExpiryDays(session.card_acceptance_criteria ?? undefined, 'auto_debit')!;
  if (!meetsMinExpiry(card, minDays, now)) throw new ValidationError({ token: [`The card expires too soon: it must stay valid for at least ${minDays} more days.`] });
  const gateway = findGateway(await ports.config.load(), card.pg_code);
  const connector = gateway && (await ports.gateways.connect(gateway));
  if (!gateway || !connector?.tokens || capabilityProblem(connector.capabilities, { operation: gateway.operation, currency: session.currency_code })) {
    throw new ValidationError({ token: [`The payment gateway ${card.pg_code} cannot charge this card now.`] });
  }
  return { gateway, connector };
}

/** The 409 (a charge pending) or 400 (the bounds) for what the agreement's cycles refuse now, if anything. */
function refusalError(agreement: Agreement & { id: string }, cycles: AgreementCycles, now: Date): Error | undefined {
  const refusal = cycleRefusal(agreement, cycles, now);
  if (!refusal) return undefined;
  return refusal.kind === 'busy' ? new ConflictError(refusal.message) : new ValidationError({ session_id: [refusal.message] });
}
