import { agreementErrors } from './agreement';
import { findGateway, type GatewaySetting, type MerchantConfig, type Operation } from './config';
import { tokenizes } from './gateway';
import { isIsoCurrency, minorUnits } from './currencies';
import type { FieldErrors } from './errors';
import { formatMinor, parseAmount, percentOf, type AmountProblem } from './money';
import type { PartialInput } from './session-schema';
import { addFieldError, REQUEST_ONLY_FIELDS } from './session-schema';
import { defaultFields, paymentMethodType, type PaymentMethod, type SessionFields } from './session';

/**
 * Rules that need the configuration or more than one field. They run on the merged session
 * (defaults + stored fields + the request), so PATCH and PUT are held to create's rules.
 */

const AMOUNT_MESSAGES: Record<Exclude<AmountProblem, 'too_many_decimals'>, string> = {
  invalid: 'A valid number is required.',
  too_many_digits: 'Ensure that there are no more than 20 digits in total.',
  not_positive: 'Ensure this value is greater than 0.',
};

export interface ResolvedSession {
  fields: SessionFields;
  operation: Operation;
  payment_methods: PaymentMethod[];
}

type Draft = Omit<SessionFields, 'type' | 'amount' | 'currency_code' | 'pg_codes'> & Partial<SessionFields>;

/** Applies a validated request to a base (defaults for create and PUT, the stored session for PATCH). */
export function mergeInput(base: Draft, input: PartialInput): Draft {
  const empty = defaultFields(base.expiration_time);
  const merged: Draft = { ...base };
  for (const [key, value] of Object.entries(input)) {
    // Requests, not fields: the use cases act on the flags (stage-session-links); the others
    // passed the schema only with their default value.
    if ((REQUEST_ONLY_FIELDS as readonly string[]).includes(key) || value === undefined) continue;
    const target = merged as Record<string, unknown>;
    target[key] = value === null ? (empty as Record<string, unknown>)[key] ?? null : value;
  }
  if (input.notifications) merged.notifications = { email: unique(input.notifications.email), sms: unique(input.notifications.sms) };
  if (input.pg_codes) merged.pg_codes = unique(input.pg_codes);
  // Each address once (case-insensitively, as deliveries.ts sends), in the order first given.
  if (input.email_recipients) merged.email_recipients = input.email_recipients.filter((address, i, all) => all.findIndex((other) => other.toLowerCase() === address.toLowerCase()) === i);
  if (input.order_no === '') merged.order_no = null;
  return merged;
}

export function resolveSession(
  draft: Draft,
  config: MerchantConfig,
): { ok: true; value: ResolvedSession } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const fail = (path: string[], message: string) => addFieldError(errors, path, message);
  const { currency_code: currency = '', amount = '', pg_codes: codes = [] } = draft;

  const paymentType = draft.payment_type ?? 'one_off';
  const decimals = minorUnits(currency);
  const enabled = isIsoCurrency(currency) && config.currencies.includes(currency);
  if (!isIsoCurrency(currency)) fail(['currency_code'], `"${currency}" is not a valid ISO 4217 currency code.`);
  else if (!enabled) fail(['currency_code'], `Currency "${currency}" is not enabled for this merchant.`);

  let minor: bigint | undefined;
  if (decimals !== undefined) {
    const parsed = parseAmount(amount, decimals, { zero: paymentType === 'save_card' });
    if (parsed.ok) minor = parsed.minor;
    else if (parsed.problem === 'too_many_decimals') fail(['amount'], `Ensure that there are no more than ${decimals} decimal places.`);
    else fail(['amount'], AMOUNT_MESSAGES[parsed.problem]);
    // Ottu: "The amount must be zero for the save card operation."
    if (paymentType === 'save_card' && parsed.ok && parsed.minor !== 0n) fail(['amount'], 'Ensure this value is 0: a save_card payment verifies the card without charging it.');
  }
  savedCardRules(draft, paymentType, decimals, minor, fail);

  const gateways: GatewaySetting[] = [];
  for (const code of codes) {
    const gateway = findGateway(config, code);
    if (!gateway) fail(['pg_codes'], `Object with code=${code} does not exist.`);
    else if (enabled && !gateway.currencies.includes(currency)) fail(['pg_codes'], `Payment gateway "${code}" does not accept ${currency}.`);
    else if (paymentType !== 'one_off' && !tokenizes(gateway)) fail(['pg_codes'], `Payment gateway "${code}" does not support tokenization, which payment_type ${paymentType} needs.`);
    else gateways.push(gateway);
  }
  const operations = new Set(gateways.map((gateway) => gateway.operation));
  if (operations.size > 1) fail(['pg_codes'], 'All payment gateways of one payment transaction must use the same operation (purchase or authorize).');

  if (draft.notifications.email.length > 0 && !draft.customer_email) {
    fail(['notifications', 'email'], 'To use email notifications provide the `customer_email` field.');
  }
  if (draft.notifications.sms.length > 0 && !draft.customer_phone) {
    fail(['notifications', 'sms'], 'To use sms notifications provide the `customer_phone` field.');
  }

  if (Object.keys(errors).length > 0 || minor === undefined || decimals === undefined || !draft.type || gateways.length === 0) {
    return { ok: false, errors };
  }
  // Ottu's plugin configuration: a session written without a webhook_url or redirect_url gets
  // the merchant's default for its plugin, copied in so that the session shows where it goes.
  const defaults = config.plugin_defaults?.[draft.type];
  const fields: SessionFields = {
    ...draft,
    type: draft.type,
    currency_code: currency,
    pg_codes: codes,
    amount: formatMinor(minor, decimals),
    webhook_url: draft.webhook_url || defaults?.webhook_url || '',
    redirect_url: draft.redirect_url || defaults?.redirect_url || '',
  };
  return {
    ok: true,
    value: {
      fields,
      operation: gateways[0]!.operation,
      payment_methods: gateways.map((gateway) => paymentMethod(gateway, minor!, decimals, currency)),
    },
  };
}

/**
 * Ottu's rules for saved cards (payment_type's description): save_card and auto_debit name the
 * customer whose card is kept; auto_debit needs its agreement, and an agreement means nothing
 * without it; the agreement's own rules and its max_amount_per_cycle in the session's currency
 * (the first payment under it included).
 */
function savedCardRules(draft: Draft, paymentType: string, decimals: number | undefined, minor: bigint | undefined, fail: (path: string[], message: string) => void): void {
  if (paymentType !== 'one_off' && !draft.customer_id) fail(['customer_id'], `This field is required when payment_type is ${paymentType}.`);
  const agreement = draft.agreement;
  if (paymentType === 'auto_debit' && !agreement) fail(['agreement'], 'This field is required when payment_type is auto_debit.');
  if (paymentType !== 'auto_debit' && agreement) fail(['agreement'], 'An agreement is only for payment_type auto_debit.');
  if (paymentType === 'one_off' && draft.card_acceptance_criteria) fail(['card_acceptance_criteria'], 'Card acceptance criteria apply to a card being saved: payment_type save_card or auto_debit.');
  if (!agreement) return;
  // The agreement's id is what later charges name (Ottu makes it mandatory for recurring ones).
  if (paymentType === 'auto_debit' && agreement.type !== 'recurring' && !agreement.id) fail(['agreement', 'id'], 'This field is required.');
  const nested = agreementErrors(agreement);
  for (const [field, messages] of Object.entries(nested)) for (const message of messages as string[]) fail(['agreement', field], message);
  if (agreement.max_amount_per_cycle === undefined || decimals === undefined) return;
  const cap = parseAmount(agreement.max_amount_per_cycle, decimals);
  if (!cap.ok) fail(['agreement', 'max_amount_per_cycle'], cap.problem === 'too_many_decimals' ? `Ensure that there are no more than ${decimals} decimal places.` : AMOUNT_MESSAGES[cap.problem]);
  else if (minor !== undefined && minor > cap.minor) fail(['amount'], 'Ensure this value is not more than the agreement\'s max_amount_per_cycle.');
}

function paymentMethod(gateway: GatewaySetting, minor: bigint, decimals: number, currency: string): PaymentMethod {
  const fee = percentOf(minor, gateway.fee_percent);
  return {
    code: gateway.code,
    name: gateway.name,
    pg: gateway.pg,
    type: paymentMethodType(gateway),
    amount: formatMinor(minor + fee, decimals),
    currency_code: currency,
    fee: formatMinor(fee, decimals),
    icon: gateway.icon,
    flow: 'redirect',
  };
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}
