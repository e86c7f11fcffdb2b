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
