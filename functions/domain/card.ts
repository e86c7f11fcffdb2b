/**
 * Card input checks for the hosted payment form: pure, no I/O. The full number and the CVV only
 * ever live in the request being handled; what is kept of a card is its brand and last four.
 */

export type CardBrand = 'visa' | 'mastercard' | 'amex' | 'discover' | 'jcb' | 'diners' | 'unionpay' | 'card';

/** Why a form field was refused; the page words it in the customer's language. */
export type CardProblem =
  | 'card_number_invalid'
  | 'card_number_checksum'
  | 'expiry_invalid'
  | 'expiry_past'
  | 'cvv_invalid'
  | 'name_required'
  | 'name_too_long';

export interface CardForm {
  card_number?: unknown;
  expiry?: unknown;
  cvv?: unknown;
  name_on_card?: unknown;
}

/** What the gateway is given: the digits stay in memory for this one decision. */
export interface Card {
  number: string;
  brand: CardBrand;
  last4: string;
}

export type CardFormErrors = Partial<Record<'card_number' | 'expiry' | 'cvv' | 'name_on_card', CardProblem>>;

const NAME_MAX = 64;
// Cards are issued for at most about 20 years; further out is a typo.
const MAX_YEARS_AHEAD = 20;

/** Checks every field at once so the customer sees all problems in one round trip. */
export function readCardForm(form: CardForm, now: Date): { ok: true; card: Card } | { ok: false; errors: CardFormErrors } {
  const errors: CardFormErrors = {};
  const number = cardDigits(form.card_number);
  if (number === undefined) errors.card_number = 'card_number_invalid';
  else if (!luhnValid(number)) errors.card_number = 'card_number_checksum';

  const expiry = parseExpiry(form.expiry);
  if (!expiry) errors.expiry = 'expiry_invalid';
  else if (!expiryCurrent(expiry, now)) errors.expiry = 'expiry_past';

  const brand = number === undefined ? 'card' : cardBrand(number);
  const cvv = typeof form.cvv === 'string' ? form.cvv.trim() : '';
  if (!new RegExp(`^\\d{${brand === 'amex' ? 4 : 3}}$`).test(cvv)) errors.cvv = 'cvv_invalid';

  const name = typeof form.name_on_card === 'string' ? form.name_on_card.trim() : '';
  if (name === '') errors.name_on_card = 'name_required';
  else if (name.length > NAME_MAX) errors.name_on_card = 'name_too_long';

  if (Object.keys(errors).length > 0 || number === undefined) return { ok: false, errors };
  return { ok: true, card: { number, brand, last4: number.slice(-4) } };
}

/** The digits of a card number typed with spaces or dashes, or undefined when it cannot be one. */
export function cardDigits(input: unknown): string | undefined {
  if (typeof input !== 'string') return undefined;
  const digits = input.replace(/[\s-]/g, '');
  return /^\d{12,19}$/.test(digits) ? digits : undefined;
}

/** The Luhn (mod 10) check every card number carries in its last digit. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

const BRANDS: Array<[CardBrand, RegExp]> = [
  ['amex', /^3[47]/],
  ['diners', /^3(?:0[0-5]|[689])/],
  ['jcb', /^35(?:2[89]|[3-8])/],
  ['visa', /^4/],
  ['mastercard', /^(?:5[1-5]|2(?:2[2-9][1-9]|2[3-9]\d|[3-6]\d\d|7[01]\d|720))/],
  ['discover', /^(?:6011|64[4-9]|65)/],
  ['unionpay', /^62/],
];

export function cardBrand(digits: string): CardBrand {
  return BRANDS.find(([, prefix]) => prefix.test(digits))?.[0] ?? 'card';
}

export interface Expiry {
  month: number;
  /** Four-digit year. */
  year: number;
}

/** `MM/YY` (spaces around the slash allowed). */
export function parseExpiry(input: unknown): Expiry | undefined {
  if (typeof input !== 'string') return undefined;
  const match = /^(\d{2})\s*\/\s*(\d{2})$/.exec(input.trim());
  if (!match) return undefined;
  const month = Number(match[1]);
  if (month < 1 || month > 12) return undefined;
  return { month, year: 2000 + Number(match[2]) };
}

/** A card is good through the last day of its expiry month (UTC). */
export function expiryCurrent({ month, year }: Expiry, now: Date): boolean {
  const months = year * 12 + (month - 1);
  const current = now.getUTCFullYear() * 12 + now.getUTCMonth();
  return months >= current && months <= current + MAX_YEARS_AHEAD * 12;
}
