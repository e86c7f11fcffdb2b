import * as v from 'valibot';
import type { FieldErrors } from './errors';
import { decimalText } from './money';
import { addFieldError, parseWith } from './field-errors';
import { choice, date, dict, integer, text } from './drf-fields';

/**
 * Ottu's `payment_type`, `agreement` and `card_acceptance_criteria` (ottu-openapi.yaml:
 * Agreement, AgreementSeller, CardAcceptanceCriteria), for saved cards and auto-debit (issue 28,
 * docs/saved-cards.md). Pure schemas with Django REST framework's messages; the create schema
 * takes them, and session-rules.ts applies the rules across fields.
 */

export const PAYMENT_TYPES = ['one_off', 'auto_debit', 'save_card'] as const;
export type PaymentType = (typeof PAYMENT_TYPES)[number];

export const AGREEMENT_TYPES = ['event_based', 'installment', 'recurring', 'unscheduled', 'other'] as const;
export type AgreementType = (typeof AGREEMENT_TYPES)[number];
export const AGREEMENT_FREQUENCIES = ['irregular', 'daily', 'weekly', 'semi_monthly', 'monthly', 'quarterly', 'semi_annually', 'yearly', 'other'] as const;
export const AMOUNT_VARIABILITIES = ['fixed', 'variable'] as const;

/** Ottu: "For `recurring` agreements, the following fields are mandatory". */
export const RECURRING_REQUIRED = ['amount_variability', 'cycle_interval_days', 'expiry_date', 'frequency', 'id', 'total_cycles'] as const;

/** Ottu: min_expiry_time "defaults to 30 days when the payment_type is auto_debit", no default otherwise. */
export const AUTO_DEBIT_MIN_EXPIRY_DAYS = 30;

/**
 * A positive decimal string (a JSON number is taken as the decimal it prints as); the
 * currency's decimals are checked against the session's currency when the schema joins the
 * create schema, as `amount` is.
 */
const decimal = v.pipe(
  v.custom<string | number>((x) => decimalText(x) !== undefined, 'A valid number is required.'),
  v.metadata({ type: 'string', pattern: '^\\d+(\\.\\d+)?$' }),
  v.transform((x) => decimalText(x)!),
  v.check((x) => /^\d+(\.\d+)?$/.test(x), 'A valid number is required.'),
  v.check((x) => /[1-9]/.test(x), 'Ensure this value is greater than 0.'),
);

const seller = dict({
  name: v.optional(text(128)),
  short_name: v.optional(text(64)),
  category_code: v.optional(text(64)),
});

export const agreementSchema = v.pipe(
  dict({
    id: v.optional(text(128)),
    type: v.optional(choice(AGREEMENT_TYPES), 'recurring'),
    amount_variability: v.optional(choice(AMOUNT_VARIABILITIES)),
    start_date: v.optional(date),
    expiry_date: v.optional(date),
    max_amount_per_cycle: v.optional(decimal),
    cycle_interval_days: v.optional(integer(1, 366)),
    total_cycles: v.optional(integer(1, 999)),
    frequency: v.optional(choice(AGREEMENT_FREQUENCIES)),
    seller: v.optional(seller),
  }),
);

export type Agreement = v.InferOutput<typeof agreementSchema>;

export const cardAcceptanceCriteriaSchema = dict({
  min_expiry_time: v.optional(integer(1, 365)),
});

export type CardAcceptanceCriteria = v.InferOutput<typeof cardAcceptanceCriteriaSchema>;

/**
 * The agreement, checked field by field and then as a whole: a recurring agreement names every
 * field Ottu makes mandatory for it, an id is never blank, and it does not expire before it
 * starts (Ottu does not word that rule; an agreement ending before its start could never be
 * charged, so it is refused rather than stored).
 */
export function parseAgreement(input: unknown): { ok: true; value: Agreement } | { ok: false; errors: FieldErrors } {
  const parsed = parseWith(agreementSchema, input);
  if (!parsed.ok) return parsed;
  const errors = agreementErrors(parsed.value);
  return Object.keys(errors).length > 0 ? { ok: false, errors } : parsed;
}

/** The rules across an agreement's fields (after its schema), as field errors. */
export function agreementErrors(agreement: Agreement): FieldErrors {
  const errors: FieldErrors = {};
  if (agreement.id === '') addFieldError(errors, ['id'], 'This field may not be blank.');
  if (agreement.type === 'recurring') {
    for (const field of RECURRING_REQUIRED) if (agreement[field] === undefined) addFieldError(errors, [field], 'This field is required.');
  }
  if (agreement.start_date && agreement.expiry_date && agreement.expiry_date < agreement.start_date) {
    addFieldError(errors, ['expiry_date'], 'Ensure the expiry date is not before the start date.');
  }
  return errors;
}

export function parseCardAcceptanceCriteria(input: unknown): { ok: true; value: CardAcceptanceCriteria } | { ok: false; errors: FieldErrors } {
  return parseWith(cardAcceptanceCriteriaSchema, input);
}

/** The minimum card validity in days for a payment: what the merchant set, else 30 for auto_debit, else none. */
export function minExpiryDays(criteria: CardAcceptanceCriteria | undefined, paymentType: string): number | undefined {
  return criteria?.min_expiry_time ?? (paymentType === 'auto_debit' ? AUTO_DEBIT_MIN_EXPIRY_DAYS : undefined);
}

/**
 * Whether a card is still valid `minDays` days from `now`. A card is valid to the last day of
 * its expiry month (MM, YY or YYYY); Ottu: "If set to 30 days … cards set to expire within the
 * next month would be declined".
 */
export function meetsMinExpiry(card: { expiry_month: string; expiry_year: string }, minDays: number, now: Date): boolean {
  const month = Number(card.expiry_month);
  const year = card.expiry_year.length === 2 ? 2000 + Number(card.expiry_year) : Number(card.expiry_year);
  if (!Number.isInteger(month) || month < 1 || month > 12 || !Number.isInteger(year)) return false;
  const firstInvalidDay = Date.UTC(year, month, 1);
  const day = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return day + minDays * 24 * 60 * 60 * 1000 < firstInvalidDay;
}
