import type { AgreementCycles } from '../domain/agreement-cycle';

/**
 * Saved cards (Ottu's tokenization, issue 28): the gateway's token for a customer's card and
 * what may be shown of the card, per customer. Never a card number (only the masked one the
 * gateway answers), never a security code. The token pays without the customer: it is a secret
 * to the merchant's customers, never in a public answer or a log.
 */

export interface SavedCard {
  /** The gateway's token (e.g. MPGS `token`). */
  token: string;
  customer_id: string;
  /** The gateway configuration the token belongs to: a token pays only through it. */
  pg_code: string;
  /** The auto-debit agreement the card was saved under, when it was. */
  agreement_id?: string;
  /** The scheme as the gateway names it (MASTERCARD, VISA, …). */
  brand: string;
  /** First six and last four digits, the rest masked (domain/saved-card.ts maskedCardNumber). */
  number: string;
  /** MM and YY, as the gateway answers them. */
  expiry_month: string;
  expiry_year: string;
  name_on_card?: string;
  /** ISO 8601: when it was saved. */
  created_at: string;
}

/** A saved card with the active auto-debit agreements charging it (sorted). */
export interface StoredCard extends SavedCard {
  active_agreements: string[];
}

/** What keeping a paid attempt's card uses (a sync: no listing). */
export type CardKeeper = Pick<SavedCards, 'save' | 'useForAgreement' | 'delete' | 'get' | 'agreementCard' | 'agreementCycles'>;

export type DeleteCardResult = 'deleted' | 'not_found' | 'in_use';

export interface SavedCards {
  /**
   * Saves the card (the same customer and token again replaces what is shown of it, and keeps
   * the agreements charging it). Throws on an unmasked number: nothing is written.
   */
  save(card: SavedCard): Promise<void>;
  get(customerId: string, token: string): Promise<StoredCard | undefined>;
  /** The customer's cards, oldest first; only those of a pg_code or saved under an agreement when asked. */
  list(customerId: string, filter?: { pgCode?: string; agreementId?: string }): Promise<StoredCard[]>;
  /**
   * The active agreement now charges this card: the card it charged before is released (it may
   * then be deleted). Atomic: a card is never left locked by an agreement that charges another.
   * `paidAt`: the customer's payment that set it up, the last payment under the agreement (its
   * cycles otherwise unchanged). `not_found` (and nothing changes) when the customer has no such card.
   */
  useForAgreement(customerId: string, agreementId: string, token: string, paidAt?: string): Promise<'ok' | 'not_found'>;
  /** The card an active agreement charges, if any. */
  agreementCard(customerId: string, agreementId: string): Promise<string | undefined>;
  /**
   * The agreement's merchant-initiated charges so far (domain/agreement-cycle.ts), as the
   * session writes that start and settle them left them; none for an unknown agreement.
   */
  agreementCycles(customerId: string, agreementId: string): Promise<AgreementCycles>;
  /** The agreement is no longer active: its card is released (its cycles are kept). */
  endAgreement(customerId: string, agreementId: string): Promise<void>;
  /**
   * Deletes the card unless an active agreement charges it (`in_use`: Ottu's rule that such a
   * card cannot be deleted until another replaces it), as one conditional write.
   */
  delete(customerId: string, token: string): Promise<DeleteCardResult>;
}
