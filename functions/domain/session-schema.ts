import * as v from 'valibot';
import { isCountry } from './countries';
import type { FieldErrors } from './errors';
import { durationSeconds } from './expiration';
import { decimalText } from './money';
import { NOTIFICATION_EVENTS } from './state-machine';
import { PLUGINS } from './config';

/**
 * Request schemas for payment transactions, with Django REST framework's messages so that
 * clients written for Ottu read our errors as they read Ottu's. Unknown fields are dropped,
 * not rejected: Ottu's SDKs send fields of its newer API that we do not implement.
 */

const typeName = (input: unknown): string =>
  input === null ? 'null' : Array.isArray(input) ? 'list' : typeof input === 'object' ? 'dict' : typeof input === 'string' ? 'str' : typeof input;

const maxChars = (max: number) => v.maxLength<string, number, string>(max, `Ensure this field has no more than ${max} characters.`);

/** DRF's CharField: a string (numbers are turned into one), trimmed, at most `max` characters. */
const text = (max: number) =>
  v.pipe(
    v.custom<string | number>((x) => typeof x === 'string' || (typeof x === 'number' && Number.isFinite(x)), 'Not a valid string.'),
    // For the OpenAPI document (custom and transform have no JSON Schema of their own).
    v.metadata({ type: 'string' }),
    v.transform((x) => String(x).trim()),
    maxChars(max),
  );
const requiredText = (max: number) => v.pipe(text(max), v.nonEmpty('This field may not be blank.'));

const choice = <const T extends readonly string[]>(options: T) =>
  v.picklist(options, (issue) => `"${String(issue.input)}" is not a valid choice.`);

const list = <T extends v.GenericSchema>(item: T) =>
  v.array(item, (issue) => `Expected a list of items but got type "${typeName(issue.input)}".`);

const notDict = (issue: v.BaseIssue<unknown>) => `Invalid data. Expected a dictionary, but got ${typeName(issue.input)}.`;
const isDict = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
// valibot's object() accepts arrays; DRF does not.
const dict = <T extends v.ObjectEntries>(entries: T) => v.pipe(v.custom<Record<string, unknown>>(isDict, notDict), v.object(entries, notDict));

const email = v.pipe(text(128), v.email('Enter a valid email address.'));
const optionalEmail = v.pipe(text(128), v.check((x) => x === '' || v.is(v.pipe(v.string(), v.email()), x), 'Enter a valid email address.'));

const httpUrl = v.pipe(
  text(200),
  v.metadata({ format: 'uri', description: 'An absolute http(s) URL.' }),
  v.check((x) => x === '' || isHttpUrl(x), 'Enter a valid URL.'),
);

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

const phone = v.pipe(text(12), v.metadata({ pattern: '^(\\+?[0-9]{4,})?$' }), v.check((x) => x === '' || /^\+?[0-9]{4,}$/.test(x), 'Enter a valid phone number.'));

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

const events = list(choice(NOTIFICATION_EVENTS));
const notifications = dict({
  email: v.optional(events, []),
  sms: v.optional(events, []),
});

const EXTRA_MAX_CHARS = 16_384;
const extra = v.pipe(
  v.custom<Record<string, unknown>>(isDict, (issue) => `Expected a dictionary of items but got type "${typeName(issue.input)}".`),
  v.metadata({ type: 'object', description: `Any JSON object, stored and returned as is (at most ${EXTRA_MAX_CHARS} characters as JSON).` }),
  v.check((x) => JSON.stringify(x).length <= EXTRA_MAX_CHARS, `Ensure this field has no more than ${EXTRA_MAX_CHARS} characters when serialised as JSON.`),
);

const expirationTime = v.pipe(
  text(16),
  v.metadata({ description: 'How long the session stays payable: HH:MM:SS or D HH:MM:SS, more than zero (default 01:00:00).', examples: ['01:00:00', '2 00:00:00'] }),
  v.check((x) => durationSeconds(x) !== undefined, 'Duration has wrong format. Use one of these formats instead: HH:MM:SS, D HH:MM:SS.'),
  // A malformed duration already has its message; this one is only for well-formed zero durations.
  v.check((x) => (durationSeconds(x) ?? 1) > 0, 'Ensure this value is greater than 00:00:00.'),
);

const initiatorId = v.nullable(v.pipe(v.number('A valid integer is required.'), v.integer('A valid integer is required.')));

const flag = v.boolean('Must be a valid boolean.');

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
  email_recipients: v.nullish(list(email)),
  extra: v.nullish(extra),
  product_type: v.nullish(text(128)),
  language: v.nullish(choice(['en', 'ar'] as const)),
  mode: v.nullish(choice(['payment'] as const)),
  webhook_url: v.nullish(httpUrl),
  redirect_url: v.nullish(httpUrl),
  initiator_id: v.optional(initiatorId),
  shortify_checkout_url: v.optional(flag),
  shortify_attachment_url: v.optional(flag),
};

/** Create and PUT: the four required fields must be there. */
export const fullSchema = dict(entries);
/** PATCH: any subset. */
export const partialSchema = v.pipe(v.custom<Record<string, unknown>>(isDict, notDict), v.partial(v.object(entries, notDict)));

/** The fields of `upload-attachment` besides its `file` (Ottu's AttachmentUpload). */
export const uploadSchema = dict({
  session_id: v.nullish(text(128)),
  order_no: v.nullish(text(128)),
  shortify_attachment_url: v.optional(flag),
});

export type FullInput = v.InferOutput<typeof fullSchema>;
export type PartialInput = v.InferOutput<typeof partialSchema>;
export type UploadFields = v.InferOutput<typeof uploadSchema>;

/** DRF-style nested field errors from valibot issues, one list of messages per field path. */
export function toFieldErrors(issues: readonly v.BaseIssue<unknown>[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const path = (issue.path ?? []).map((item) => String(item.key));
    if (path.length === 0) path.push('non_field_errors');
    const message = issue.input === undefined ? 'This field is required.' : issue.input === null ? 'This field may not be null.' : issue.message;
    addFieldError(errors, path, message);
  }
  return errors;
}

export function addFieldError(errors: FieldErrors, path: string[], message: string): void {
  let node = errors;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (Array.isArray(next)) return; // the parent already failed as a whole
    node = node[key] = next ?? {};
  }
  const leaf = path[path.length - 1]!;
  const messages = node[leaf];
  if (messages === undefined) node[leaf] = [message];
  else if (Array.isArray(messages) && !messages.includes(message)) messages.push(message);
}

export function parseWith<S extends v.GenericSchema>(schema: S, input: unknown): { ok: true; value: v.InferOutput<S> } | { ok: false; errors: FieldErrors } {
  const result = v.safeParse(schema, input, { abortEarly: false });
  return result.success ? { ok: true, value: result.output } : { ok: false, errors: toFieldErrors(result.issues) };
}
