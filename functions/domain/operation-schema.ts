import * as v from 'valibot';
import { PLUGINS, type Operation } from './config';
import { decimalText } from './money';
import { OPERATIONS } from './operations';
import { httpUrl, notSupportedYet } from './session-schema';
import { choice, dict, isDict, text } from './drf-fields';

/**
 * Request bodies of Ottu's operation, inquiry, payment-methods and message-notification
 * endpoints, with Django REST framework's messages. Every field of Ottu's schemas is here,
 * implemented or refused by name (docs/ottu-compatibility.md); fields unknown to Ottu's API are
 * ignored.
 */

/** DRF's BooleanField: true/false, 1/0 and their form spellings. */
const flag = v.pipe(
  v.custom<boolean | string | number>((x) => typeof x === 'boolean' || (typeof x === 'string' && /^(true|false|1|0|yes|no|on|off)$/i.test(x.trim())) || x === 1 || x === 0, 'Must be a valid boolean.'),
  v.metadata({ type: 'boolean', description: 'true or false (a form may send true/false, 1/0, yes/no, on/off).' }),
  v.transform((x) => (typeof x === 'boolean' ? x : /^(true|1|yes|on)$/i.test(String(x).trim()))),
);

/** A decimal amount as text; the currency's decimals are checked against the session. */
const amount = v.pipe(
  v.custom<string | number>((x) => decimalText(x) !== undefined, 'A valid number is required.'),
  v.metadata({ type: 'string', pattern: '^\\d+(\\.\\d+)?$', description: "A positive decimal, at most the currency's decimals (a JSON number is read as its text).", examples: ['4', '4.500'] }),
  v.transform((x) => decimalText(x)!),
  v.check((x) => /^\d+(\.\d+)?$/.test(x), 'A valid number is required.'),
);

/** The session an operation or inquiry names: `session_id` or `order_no` (one is required). */
const target = {
  session_id: v.nullish(text(128)),
  order_no: v.nullish(text(128)),
};
const hasTarget = (input: { session_id?: string | null; order_no?: string | null }) => !!(input.session_id || input.order_no);
const TARGET_REQUIRED = 'Either session_id or order_no must be provided.';

export const operationSchema = v.pipe(
  dict({
    ...target,
    operation: choice(OPERATIONS),
    // Blank means absent, as a form sends it.
    amount: v.nullish(v.union([v.literal(''), amount], 'A valid number is required.')),
    // A refund to the customer's wallet needs a wallet we do not have; `pg` is the default.
    destination: v.nullish(v.pipe(choice(['pg', 'wallet'] as const), v.check((x) => x === 'pg', notSupportedYet('Refunds to the wallet') + ' Only "pg" is.'))),
    // Gateway-specific parameters (IFG's partial-refund details): no connector here takes any.
    extra: v.nullish(
      v.pipe(
        v.unknown(),
        v.metadata({ type: 'object', properties: {}, additionalProperties: false, description: `${notSupportedYet('Operation parameters in extra')} Only an empty object (or null) is accepted.` }),
        v.check((x) => isDict(x) && Object.keys(x).length === 0, notSupportedYet('Operation parameters in extra')),
      ),
    ),
  }),
  v.check((input) => hasTarget(input), TARGET_REQUIRED),
);

export const inquirySchema = v.pipe(
  dict({
    ...target,
    notify_webhook_url: v.optional(flag),
    // Where to send the status instead of the session's webhook_url (Ottu: "or to a new one
    // specified during the inquiry API call"); blank means absent.
    webhook_url: v.nullish(httpUrl),
  }),
  v.check((input) => hasTarget(input), TARGET_REQUIRED),
);

const OPERATION_KINDS = ['purchase', 'authorize'] as const satisfies readonly Operation[];

export const paymentMethodsSchema = dict({
  plugin: choice(PLUGINS),
  currencies: v.optional(v.array(v.pipe(text(3), v.toUpperCase()), 'Expected a list of items.')),
  operation: v.optional(choice(OPERATION_KINDS)),
  type: v.optional(choice(['sandbox', 'production'] as const)),
  pg_names: v.optional(v.array(text(64), 'Expected a list of items.')),
  customer_id: v.optional(text(64)),
  // Narrowing filters: tokenization and auto-debit keep the gateways that keep cards; no gateway
  // here carries tags or payment services, so asking for them narrows the list to nothing;
  // false or empty is no filter.
  tokenizable: v.optional(flag),
  auto_debit: v.optional(flag),
  tags: v.optional(v.array(text(32), 'Expected a list of items.')),
  payment_services: v.optional(v.array(choice(['apple_pay', 'google_pay', 'samsung_pay', 'wallet'] as const), 'Expected a list of items.')),
});

/** Ottu's AutoDebit (`POST /b/pbl/v2/auto-debit/`): charge the customer's saved card for an auto_debit session. */
export const autoDebitSchema = dict({
  session_id: v.pipe(text(128), v.nonEmpty('This field may not be blank.')),
  token: v.pipe(text(50), v.nonEmpty('This field may not be blank.')),
});

/** Ottu's UserCards (`POST /b/pbl/v2/card/`): a customer's saved cards, of sandbox or production gateways, optionally of some pg_codes or the card an agreement charges. */
export const listCardsSchema = dict({
  customer_id: v.pipe(text(64), v.nonEmpty('This field may not be blank.')),
  type: choice(['sandbox', 'production'] as const),
  pg_codes: v.optional(v.array(text(64), 'Expected a list of items.')),
  agreement_id: v.nullish(text(128)),
});

/** The query of Ottu's `DELETE /b/pbl/v2/card/{token}/`: whose card, among which gateways' (sandbox or production). */
export const deleteCardSchema = dict({
  customer_id: v.pipe(text(64), v.nonEmpty('This field may not be blank.')),
  type: choice(['sandbox', 'production'] as const),
});

/** Ottu's MessageNotification (`POST /b/pbl/v2/message-notification/`): send a session's e-mail or SMS again. */
export const MESSAGE_CHANNELS = ['email', 'sms', 'whatsapp'] as const;
export const messageNotificationSchema = v.pipe(
  dict({
    ...target,
    channels: v.pipe(
      v.array(v.pipe(choice(MESSAGE_CHANNELS), v.check((x) => x !== 'whatsapp', notSupportedYet('WhatsApp notifications'))), 'Expected a list of items.'),
      v.minLength(1, 'This list may not be empty.'),
    ),
  }),
  v.check((input) => hasTarget(input), TARGET_REQUIRED),
);

export type OperationBody = v.InferOutput<typeof operationSchema>;
export type InquiryBody = v.InferOutput<typeof inquirySchema>;
export type PaymentMethodsBody = v.InferOutput<typeof paymentMethodsSchema>;
export type MessageNotificationBody = v.InferOutput<typeof messageNotificationSchema>;
