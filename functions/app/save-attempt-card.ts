import { meetsMinExpiry, minExpiryDays } from '../domain/agreement';
import type { CardOnFile } from '../domain/saved-card';
import type { PaymentAttempt, Session } from '../domain/session';
import type { Ports } from '../ports';
import type { CardTokens } from '../ports/payment-gateway';
import type { CardKeeper } from '../ports/saved-cards';

export type SaveAttemptCardPorts = Pick<Ports, 'log'> & { savedCards: CardKeeper };

export type CardSaving =
  /** Kept at the gateway and in the customer's cards (and, for auto_debit, charged by the agreement). */
  | { kind: 'saved'; card: CardOnFile }
  /** Not kept: the gateway refused, or the card expires before the session's min_expiry_time. */
  | { kind: 'refused'; message: string }
  /** The gateway did not answer: nothing is known to be kept, ask again on the next sync. */
  | { kind: 'unknown' };

/**
 * Keeps the card of an attempt the gateway says succeeded (docs/saved-cards.md): the gateway
 * stores it and answers its token and masked card, the card must stay valid for the session's
 * `card_acceptance_criteria.min_expiry_time` (30 days by default for auto_debit; a card that
 * does not is deleted at the gateway), then it joins the customer's cards and, for auto_debit,
 * becomes the card the agreement charges. Done before the attempt is committed, so a Lambda
 * dying in between leaves at worst a second copy of the card, never a paid attempt whose card
 * was lost; the sync that loses the commit race gives its copy back (`releaseCard`).
 */
export async function saveAttemptCard(ports: SaveAttemptCardPorts, session: Session, attempt: PaymentAttempt, tokens: CardTokens, now: Date): Promise<CardSaving> {
  const saved = await tokens.save({ reference: attempt.reference_number, gateway: attempt.gateway });
  if (saved.kind === 'unknown') return { kind: 'unknown' };
  if (saved.kind === 'refused') return { kind: 'refused', message: saved.explanation };
  const paymentType = session.payment_type ?? 'one_off';
  const minDays = minExpiryDays(session.card_acceptance_criteria ?? undefined, paymentType);
  if (minDays !== undefined && !meetsMinExpiry(saved.card, minDays, now)) {
    await deleteAtGateway(ports, tokens, saved.token);
    return { kind: 'refused', message: `The card expires too soon: it must stay valid for at least ${minDays} more days.` };
  }
  const agreementId = paymentType === 'auto_debit' ? session.agreement?.id : undefined;
  await ports.savedCards.save({
    ...saved.card,
    token: saved.token,
    customer_id: session.customer_id,
    pg_code: attempt.pg_code,
    ...(agreementId ? { agreement_id: agreementId } : {}),
    created_at: now.toISOString(),
  });
  // The customer's payment sets the agreement up: the last payment under it, from which its cycle interval runs.
  if (agreementId) await ports.savedCards.useForAgreement(session.customer_id, agreementId, saved.token, now.toISOString());
  return { kind: 'saved', card: { token: saved.token, ...saved.card } };
}

/**
 * Another sync recorded this attempt first, with its own copy of the card: ours is given back
 * (the agreement moved to the copy that was recorded, then ours deleted here and at the gateway).
 */
export async function releaseCard(ports: SaveAttemptCardPorts, session: Session, reference: string, ours: CardOnFile, tokens: CardTokens): Promise<void> {
  const recorded = session.attempts.find((attempt) => attempt.reference_number === reference)?.saved_card;
  if (recorded?.token === ours.token) return;
  const agreementId = session.payment_type === 'auto_debit' ? session.agreement?.id : undefined;
  if (agreementId && recorded) await ports.savedCards.useForAgreement(session.customer_id, agreementId, recorded.token);
  if ((await ports.savedCards.delete(session.customer_id, ours.token)) === 'in_use') {
    ports.log.warn('a second copy of a saved card is still charged by its agreement', new Error(`session ${session.session_id} attempt ${reference}`));
    return;
  }
  await deleteAtGateway(ports, tokens, ours.token);
}

async function deleteAtGateway(ports: SaveAttemptCardPorts, tokens: CardTokens, token: string): Promise<void> {
  const deleted = await tokens.delete(token);
  // Never the token itself in a log line.
  if (typeof deleted !== 'string') ports.log.warn('a card token could not be deleted at the gateway', new Error(deleted.explanation));
}
