/**
 * What may be kept of a card: the masked number the gateway answers (first six and last four
 * digits, the rest masked with x or *), 12 to 19 characters. A saved-card store refuses
 * anything else, so a full card number can never be written by mistake.
 */
const MASKED_NUMBER = /^\d{6}[x*X]{2,9}\d{4}$/;

export function maskedCardNumber(number: string): boolean {
  return MASKED_NUMBER.test(number);
}

export class UnmaskedCardNumber extends Error {
  constructor() {
    // Never the number itself.
    super('refusing to store a card number that is not masked (first six and last four digits only)');
    this.name = 'UnmaskedCardNumber';
  }
}

/** Throws UnmaskedCardNumber unless the number is masked. */
export function assertMaskedCardNumber(number: string): void {
  if (!maskedCardNumber(number)) throw new UnmaskedCardNumber();
}

/**
 * The card an attempt saved: the gateway's token and what may be shown of the card. Kept on the
 * attempt for the merchant's webhook and inquiry (Ottu's `token` object); the token is never in
 * a public answer.
 */
export interface CardOnFile {
  token: string;
  /** The scheme as the gateway names it (MASTERCARD, VISA, …). */
  brand: string;
  /** Masked: first six and last four digits. */
  number: string;
  /** MM and YY. */
  expiry_month: string;
  expiry_year: string;
  name_on_card?: string;
}

/** Whether a card (MM, YY) has expired on `now`: it is valid to the last day of its expiry month. */
export function cardExpired(card: Pick<CardOnFile, 'expiry_month' | 'expiry_year'>, now: Date): boolean {
  const firstInvalidDay = Date.UTC(2000 + Number(card.expiry_year), Number(card.expiry_month), 1);
  return !(now.getTime() < firstInvalidDay);
}

/**
 * Ottu's `token` object (ottu-webhook-schema.json `token`, and its Card schema): a saved card as
 * the merchant sees it. The merchant's only (signed webhook, authenticated inquiry, card list):
 * the token pays without the customer. `cvv_required` false: a saved card pays without its
 * security code (merchant-initiated). `agreements`: the ids of the active agreements charging it.
 */
export function tokenObject(card: CardOnFile, owner: { customer_id: string; pg_code: string; pg_name: string; agreements: readonly string[] }, now: Date) {
  return {
    agreements: [...owner.agreements],
    brand: card.brand,
    customer_id: owner.customer_id,
    cvv_required: false,
    expiry_month: card.expiry_month,
    expiry_year: card.expiry_year,
    is_expired: cardExpired(card, now),
    is_preferred: false,
    name_on_card: card.name_on_card ?? null,
    number: card.number,
    pg_code: owner.pg_code,
    pg_name: owner.pg_name,
    token: card.token,
  };
}
