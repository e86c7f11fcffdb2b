import * as v from 'valibot';
import { isCountry } from './countries';
import { durationSeconds } from './expiration';
import { decimalText } from './money';
import { NOTIFICATION_EVENTS } from './state-machine';
import { PLUGINS } from './config';
import { agreementSchema, cardAcceptanceCriteriaSchema, PAYMENT_TYPES } from './agreement';
import { choice, date, dict, isCalendarDate, isDict, list, LONE_SURROGATE, notDict, requiredText, text, typeName } from './drf-fields';

export { addFieldError, charCount, parseWith, toFieldErrors } from './field-errors';
export { isCalendarDate } from './drf-fields';

/**
 * Request schemas for payment transactions, with Django REST framework's messages so that
 * clients written for Ottu read our errors as they read Ottu's. Every field of Ottu's request
 * schema is here: implemented, or refused by name when it carries a value we do not support yet
 * (docs/ottu-compatibility.md); its SDKs' defaults (`payment_type: "one_off"`, nulls) pass.
 * Fields unknown to Ottu's API too are ignored.
 */

const email = v.pipe(text(128), v.email('Enter a valid email address.'));
const optionalEmail = v.pipe(text(128), v.check((x) => x === '' || v.is(v.pipe(v.string(), v.email()), x), 'Enter a valid email address.'));

/** webhook_url and redirect_url (also the payment status query's webhook_url). */
export const httpUrl = v.pipe(
  text(200),
  v.metadata({ format: 'uri', description: 'An absolute http(s) URL.' }),
  v.check((x) => x === '' || isHttpUrl(x), 'Enter a valid URL.'),
);

/**
 * An absolute http(s) URL as a merchant writes it: `scheme://host[:port]` then an optional path,
 * query and fragment; no credentials, no whitespace, control characters or backslashes. The
 * WHATWG parser would "repair" `http:///host`, `http:\\host` or `https:host` into a different URL;
 * those are refused, so what is stored is what was sent and what will be called.
 */
const HTTP_URL = /^https?:\/\/[^/?#@\\\s]+(?:[/?#][^\s\\]*)?$/i;
export function isHttpUrl(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  if (!HTTP_URL.test(text) || /[\u0000-\u001f\u007f]/.test(text)) return false;
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}

const phoneOf = (max: number) => v.pipe(text(max), v.metadata({ pattern: '^(\\+?[0-9]{4,})?$' }), v.check((x) => x === '' || /^\+?[0-9]{4,}$/.test(x), 'Enter a valid phone number.'));
/** The seed's limit for customer_phone (Ottu allows 16). */
const phone = phoneOf(12);

const amount = v.pipe(
  v.custom<string | number>((x) => decimalText(x) !== undefined, 'A valid number is required.'),
  v.metadata({
    type: 'string',
    pattern: '^\\d+(\\.\\d+)?$',
    description: "A positive decimal string (a number is accepted too), with at most the currency's ISO 4217 minor units; responses show exactly that many.",
    examples: ['14', '14.500'],
  }),
  v.transform((x) => decimalText(x)!),
  v.check((x) => /^\d+(\.\d+)?$/.test(x), 'A valid number is required.'),
);

const currencyCode = v.pipe(requiredText(3), v.metadata({ description: "ISO 4217 code, enabled in the merchant's currencies.", examples: ['KWD'] }), v.toUpperCase());

const billingAddress = dict({
  line1: requiredText(128),
  line2: v.optional(text(128), ''),
  city: requiredText(40),
  state: requiredText(40),
  country: v.pipe(
    requiredText(2),
    v.check(isCountry, (issue) => `"${String(issue.input)}" is not a valid ISO 3166-1 alpha-2 country code.`),
    v.toUpperCase(),
  ),
  postal_code: requiredText(12),
});

/** The refusal of a field (or value) of Ottu's API that we do not implement yet. */
export const notSupportedYet = (what: string) => `${what} is not supported yet.`;

/**
 * A field of Ottu's API whose value would change what happens to the money, or needs a
 * capability we lack: absent, null or empty passes (what SDKs send by default); anything else is
 * refused by name, never silently dropped.
 */
const unsupported = (what: string) =>
  v.pipe(
    v.unknown(),
    // For the OpenAPI document: null is what a client should send (an empty value passes too).
    v.metadata({ type: 'null', description: `${notSupportedYet(what)} Only null (or an empty value) is accepted.` }),
    v.check((x) => isEmptyValue(x), notSupportedYet(what)),
  );
const isEmptyValue = (x: unknown) => x === undefined || x === null || x === '' || x === false || (Array.isArray(x) && x.length === 0) || (isDict(x) && Object.keys(x).length === 0);

/** Ottu's ShippingAddress: who receives the goods and where (stored, returned, sent in the webhook). */
const shippingAddress = dict({
  first_name: requiredText(64),
  last_name: requiredText(64),
  email: v.pipe(requiredText(128), v.email('Enter a valid email address.')),
  phone: v.pipe(phoneOf(16), v.nonEmpty('This field may not be blank.')),
  line1: requiredText(128),
  line2: v.optional(text(128), ''),
  city: requiredText(40),
  state: v.optional(text(40), ''),
  country: v.pipe(
    requiredText(2),
    v.check(isCountry, (issue) => `"${String(issue.input)}" is not a valid ISO 3166-1 alpha-2 country code.`),
    v.toUpperCase(),
  ),
  postal_code: v.optional(text(12), ''),
});

/**
 * DRF's DateTimeField: ISO 8601, stored as UTC (`2026-12-31T18:00:00.000Z`); a time without an
 * offset is read as UTC, the deployment's time zone.
 */
const dateTime = v.pipe(
  text(40),
  v.metadata({ format: 'date-time', examples: ['2026-12-31T18:00:00Z'] }),
  v.check((x) => x === '' || isoDateTime(x) !== undefined, 'Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].'),
  v.transform((x) => (x === '' ? '' : isoDateTime(x)!)),
);
export function isoDateTime(x: string): string | undefined {
  const match = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?$/i.exec(x);
  if (!match || !isCalendarDate(match[1]!)) return undefined;
  const seconds = match[3] ? match[3].slice(0, 7) : ':00';
  const zone = match[5] ? (match[5].toUpperCase() === 'Z' ? 'Z' : match[5].length === 5 ? `${match[5].slice(0, 3)}:${match[5].slice(3)}` : match[5]) : 'Z';
  const parsed = new Date(`${match[1]}T${match[2]}${seconds}${zone}`);
  return Number.isNaN(parsed.getTime()) ? undefined : parsed.toISOString();
}

const events = list(choice(NOTIFICATION_EVENTS));
/** `SMS` is Ottu's alias of `sms` (its dashboard and older payloads spell it so): both fold into `sms`. */
const notifications = v.pipe(
  dict({
    email: v.optional(events, []),
    sms: v.optional(events, []),
    SMS: v.optional(events, []),
    whatsapp: v.optional(unsupported('WhatsApp notifications')),
  }),
  v.transform(({ email, sms, SMS }) => ({ email, sms: [...sms, ...SMS] })),
);

export const EXTRA_MAX_CHARS = 16_384;
export const EXTRA_MAX_DEPTH = 8;
export const EXTRA_MAX_KEYS = 256;
/**
 * `extra` is stored and returned as is, so it is bounded: depth and member count are checked
 * first, iteratively, so no recursive step (JSON.stringify, a copy) ever sees a deep value.
 */
const extra = v.pipe(
  v.custom<Record<string, unknown>>(isDict, (issue) => `Expected a dictionary of items but got type "${typeName(issue.input)}".`),
  v.metadata({
    type: 'object',
    additionalProperties: true,
    description: `Any JSON object, stored and returned as is (at most ${EXTRA_MAX_CHARS} characters as JSON, ${EXTRA_MAX_DEPTH} levels deep, ${EXTRA_MAX_KEYS} keys and list items in all).`,
  }),
  v.rawCheck(({ dataset, addIssue }) => {
    const problem = dataset.typed ? extraProblem(dataset.value) : undefined;
    if (problem) addIssue({ message: problem });
  }),
);

function extraProblem(value: Record<string, unknown>): string | undefined {
  const shape = shapeOf(value, EXTRA_MAX_KEYS);
  if (shape.members > EXTRA_MAX_KEYS) return `Ensure this field has no more than ${EXTRA_MAX_KEYS} keys and list items in all.`;
  if (shape.depth > EXTRA_MAX_DEPTH) return `Ensure this field is nested no more than ${EXTRA_MAX_DEPTH} levels deep.`;
  if (shape.illFormed) return 'Surrogate characters are not allowed.';
  if (JSON.stringify(value).length > EXTRA_MAX_CHARS) return `Ensure this field has no more than ${EXTRA_MAX_CHARS} characters when serialised as JSON.`;
  return undefined;
}

/**
 * Depth, member count (keys plus list items, at every level) and whether any key or string holds
 * a lone surrogate, without recursion; stops counting past `budget` members.
 */
export function shapeOf(value: unknown, budget: number): { depth: number; members: number; illFormed: boolean } {
  let depth = 0;
  let members = 0;
  let illFormed = false;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [node, level] = stack.pop()!;
    if (typeof node === 'string') illFormed ||= LONE_SURROGATE.test(node);
    if (typeof node !== 'object' || node === null) continue;
    depth = Math.max(depth, level);
    for (const [key, child] of Object.entries(node)) {
      if (++members > budget) return { depth, members, illFormed };
      illFormed ||= LONE_SURROGATE.test(key);
      stack.push([child, level + 1]);
    }
  }
  return { depth, members, illFormed };
}

const expirationTime = v.pipe(
  text(16),
  v.metadata({ description: 'How long the session stays payable: HH:MM:SS or D HH:MM:SS, more than zero (default 01:00:00).', examples: ['01:00:00', '2 00:00:00'] }),
  v.check((x) => durationSeconds(x) !== undefined, 'Duration has wrong format. Use one of these formats instead: HH:MM:SS, D HH:MM:SS.'),
  // A malformed duration already has its message; this one is only for well-formed zero durations.
  v.check((x) => (durationSeconds(x) ?? 1) > 0, 'Ensure this value is greater than 00:00:00.'),
);

const initiatorId = v.nullable(v.pipe(v.number('A valid integer is required.'), v.integer('A valid integer is required.')));

const flag = v.boolean('Must be a valid boolean.');

/** Extra addresses for the session's e-mails (besides customer_email); duplicates count once. */
export const EMAIL_RECIPIENTS_MAX = 20;

/** Fields a merchant may write; each may be sent as null to mean "empty" where DRF allows it. */
const entries = {
  type: choice(PLUGINS),
  amount,
  currency_code: currencyCode,
  pg_codes: v.pipe(list(requiredText(64)), v.minLength(1, 'This list may not be empty.')),
  customer_id: v.nullish(text(64)),
  customer_first_name: v.nullish(text(64)),
  customer_last_name: v.nullish(text(64)),
  customer_email: v.nullish(optionalEmail),
  customer_phone: v.nullish(phone),
  billing_address: v.nullish(billingAddress),
  order_no: v.nullish(text(128)),
  notifications: v.nullish(notifications),
  vendor_name: v.nullish(text(64)),
  expiration_time: v.nullish(expirationTime),
  email_recipients: v.nullish(v.pipe(list(email), v.maxLength(EMAIL_RECIPIENTS_MAX, `Ensure this field has no more than ${EMAIL_RECIPIENTS_MAX} elements.`))),
  extra: v.nullish(extra),
  product_type: v.nullish(text(128)),
  language: v.nullish(choice(['en', 'ar'] as const)),
  mode: v.nullish(choice(['payment'] as const)),
  webhook_url: v.nullish(httpUrl),
  redirect_url: v.nullish(httpUrl),
  initiator_id: v.optional(initiatorId),
  shortify_checkout_url: v.optional(flag),
  shortify_attachment_url: v.optional(flag),
  customer_birthdate: v.nullish(date),
  customer_phone_2: v.nullish(phoneOf(16)),
  shipping_address: v.nullish(shippingAddress),
  due_datetime: v.nullish(dateTime),
  generate_qr_code: v.nullish(flag),
  // save_card and auto_debit keep the card at a tokenizing gateway (docs/saved-cards.md); the
  // rules that tie them to customer_id, agreement, amount and pg_codes are in session-rules.ts.
  payment_type: v.nullish(choice(PAYMENT_TYPES)),
  include_sdk_setup_preload: v.nullish(v.pipe(flag, v.check((x) => !x, notSupportedYet('The Checkout SDK preload payload')))),
  // A cache hint: the hosted page is rendered on each request, so there is nothing to preload.
  preload_checkout_page: v.nullish(flag),
  agreement: v.nullish(agreementSchema),
  payment_instrument: v.optional(unsupported('Paying with a payment instrument (Apple Pay, Google Pay, tokens, wallets)')),
  card_acceptance_criteria: v.nullish(cardAcceptanceCriteriaSchema),
  loyalty: v.optional(unsupported('Loyalty')),
  branding_options: v.optional(unsupported('Branding options')),
  unit_code: v.optional(unsupported('Units')),
};

/**
 * Fields that ask for something rather than being stored as sent: the shortify and QR flags
 * (the use cases act on them) and the fields accepted only with their default value.
 */
export const REQUEST_ONLY_FIELDS = [
  'shortify_checkout_url',
  'shortify_attachment_url',
  'generate_qr_code',
  'include_sdk_setup_preload',
  'preload_checkout_page',
  'payment_instrument',
  'loyalty',
  'branding_options',
  'unit_code',
] as const;

/** The names of the fields a merchant may write (a file part under one of them is refused). */
export const SESSION_FIELD_NAMES: readonly string[] = Object.keys(entries);

/** Create and PUT: the four required fields must be there. */
export const fullSchema = dict(entries);
/** PATCH: any subset. */
export const partialSchema = v.pipe(v.custom<Record<string, unknown>>(isDict, notDict), v.partial(v.object(entries, notDict)));

const uploadEntries = {
  session_id: v.nullish(text(128)),
  order_no: v.nullish(text(128)),
  shortify_attachment_url: v.optional(flag),
};
/** The fields of `upload-attachment` besides its `file` (Ottu's AttachmentUpload). */
export const uploadSchema = dict(uploadEntries);
export const UPLOAD_FIELD_NAMES: readonly string[] = Object.keys(uploadEntries);

export type FullInput = v.InferOutput<typeof fullSchema>;
export type PartialInput = v.InferOutput<typeof partialSchema>;
export type UploadFields = v.InferOutput<typeof uploadSchema>;
