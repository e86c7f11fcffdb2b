import * as v from 'valibot';
import { minorUnits } from '../../domain/currencies';
import { MAX_BODY_BYTES } from './parse-body';
import { autoDebitSchema, deleteCardSchema, inquirySchema, listCardsSchema, messageNotificationSchema, operationSchema, paymentMethodsSchema } from '../../domain/operation-schema';
import { fullSchema, partialSchema, uploadSchema } from '../../domain/session-schema';
import { OPERATIONS } from '../../domain/operations';
import { NOTIFICATION_EVENTS, STATES, type EventType } from '../../domain/state-machine';
import {
  EXAMPLE_ATTACHMENT_TOKEN,
  EXAMPLE_BASE_URL,
  EXAMPLE_ORDER_NO,
  EXAMPLE_SESSION_ID,
  EXAMPLE_SHORT_CODE,
  EXAMPLE_WEBHOOK_KEY,
  paidExample,
  paidWebhookExample,
  refundAnswerExample,
  refundedWebhookExample,
  sessionExample,
  statusExample,
} from './api-examples';

/**
 * The API's contract, one entry per route of the route table (config/routes.ts), keyed by the
 * route's id. The OpenAPI document (openapi-document.ts) is generated from these entries and
 * the valibot schemas they name: the request schemas are the very ones the handlers validate
 * with (domain/session-schema.ts …); the response schemas below describe what the handlers
 * render. test/unit/openapi.test.ts fails when a route has no entry.
 *
 * A new route's contract is one entry: `summary`, `auth`, its `request` schema (from
 * functions/domain) and its `responses`.
 */
export interface RouteContract {
  summary: string;
  description?: string;
  tag: 'Payment transactions' | 'Attachments' | 'Checkout page' | 'Operations' | 'Reference';
  /** Needs `Authorization` (Api-Key or Basic); POSTs then honour Idempotency-Key. */
  auth?: boolean;
  /** Also honours Ottu's `Tracking-Key` header (the operation route). */
  trackingKey?: boolean;
  /** Query parameters, as one object schema. */
  query?: v.GenericSchema;
  /** The request body schema and the media types it may come as. */
  request?: { schema: v.GenericSchema; mediaTypes: readonly MediaType[]; files?: Record<string, string> };
  /**
   * An example request: its path and query parameters and its body (which must pass the request
   * schema). The reference shows it; test/unit/openapi.test.ts fails without one.
   */
  example: { path?: Record<string, string>; query?: Record<string, string>; body?: Record<string, unknown> };
  /** Status → what it means and, for JSON answers, the body's schema (or a shared one by name). */
  responses: Record<number, Response>;
}

type MediaType = 'application/json' | 'application/x-www-form-urlencoded' | 'multipart/form-data';
export interface Response {
  description: string;
  /** JSON body schema, or 'html' / 'redirect' / 'svg' / 'openapi' / 'file' for the other answers. */
  body?: v.GenericSchema | 'html' | 'redirect' | 'svg' | 'openapi' | 'file';
  /** An example answer: the JSON body (it must pass `body`), the page's text, or a redirect's Location. */
  example: unknown;
}

/** A webhook the API sends (the document's `webhooks`): when, its headers, its body's schema and examples. */
export interface WebhookContract {
  summary: string;
  description: string;
  /** Request headers beyond Content-Type, each with an example. */
  headers: Record<string, { description: string; example: string }>;
  schema: v.GenericSchema;
  /** Named examples of the body; each must pass `schema`. */
  examples: Record<string, unknown>;
}

const BODY_TYPES = ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data'] as const;

// ---- Shared response shapes (documentation only: the domain builds the values) -------------

const str = (description?: string) => (description ? v.pipe(v.string(), v.description(description)) : v.string());
const nullableStr = (description?: string) => v.nullable(str(description));
const money = str("Decimal string with exactly the currency's ISO 4217 minor units, e.g. \"14.000\" for KWD.");

const PAYMENT_RESULTS = ['success', 'failed', 'error'] as const;
const CARD_BRANDS = ['visa', 'mastercard', 'amex', 'discover', 'jcb', 'diners', 'unionpay', 'card'] as const;
const json = (description: string) => v.pipe(v.record(v.string(), v.unknown()), v.metadata({ additionalProperties: true }), v.description(description));

export const paymentMethodSchema = v.strictObject({
  code: str('The pg_code.'),
  name: v.string(),
  pg: v.string(),
  type: v.picklist(['sandbox', 'production']),
  amount: money,
  currency_code: v.string(),
  fee: money,
  icon: str('Absolute URL of the gateway icon.'),
  flow: v.picklist(['redirect']),
  redirect_url: str('The hosted page with this gateway preselected.'),
});

export const webhookStatusSchema = v.strictObject({
  state: v.pipe(v.picklist(['pending', 'delivered', 'retrying', 'failed']), v.description('pending: nothing attempted yet; failed: in the dead-letter queue.')),
  event: v.nullable(v.string()),
  attempts: v.number(),
  last_status_code: v.nullable(v.number()),
  last_error: v.nullable(v.string()),
  last_attempt_at: v.nullable(v.string()),
});

const attemptSchema = v.strictObject({
  reference_number: v.string(),
  result: v.picklist(PAYMENT_RESULTS),
  pg_code: v.string(),
  card_brand: v.picklist(CARD_BRANDS),
  card_last4: v.string(),
  attempted_at: v.string(),
});

/** Who did it (Ottu's `initiator`): a Basic user's username, or the API key's label; null before it was recorded. */
const initiatorSchema = v.nullable(v.strictObject({ username: v.string(), kind: v.picklist(['api_key', 'user']) }));

/** A refund, capture or void: Ottu's child transaction. */
export const childTransactionSchema = v.strictObject({
  session_id: str('The child\'s own id: the payment status query answers it.'),
  order_no: v.nullable(v.string()),
  pg_response: json('The gateway\'s answer to the operation.'),
  pg_params: json('Ottu\'s normalized fields of that answer.'),
  initiator: initiatorSchema,
  operation: v.picklist(['refund', 'capture', 'void']),
  state: v.pipe(v.picklist(['paid', 'refunded', 'voided']), v.description('Ottu\'s child states: a capture is paid, a refund refunded, a void voided.')),
  amount: money,
  currency_code: v.string(),
  reference_number: str('Unique per operation; sent to the gateway.'),
  pg_code: v.string(),
  created_at: v.string(),
});

const billingAddressSchema = v.strictObject({ line1: v.string(), line2: v.string(), city: v.string(), state: v.string(), country: str('ISO 3166-1 alpha-2.'), postal_code: v.string() });
const shippingAddressSchema = v.strictObject({ ...billingAddressSchema.entries, first_name: v.string(), last_name: v.string(), email: v.string(), phone: v.string() });

/** The payment transaction as every session route answers it. */
export const sessionDocumentSchema = v.pipe(
  v.strictObject({
    session_id: str('40 lowercase hex characters (160 random bits).'),
    type: v.string(),
    state: v.picklist(STATES),
    operation: v.picklist(['purchase', 'authorize']),
    amount: money,
    currency_code: v.string(),
    pg_codes: v.array(v.string()),
    payment_methods: v.array(paymentMethodSchema),
    checkout_url: str('Send the customer here to pay.'),
    checkout_short_url: str('A /s/{code} link when shortify_checkout_url was asked for, else empty.'),
    attachment: str('URL of the attached file, or empty.'),
    attachment_short_url: v.string(),
    customer_id: v.string(),
    customer_first_name: v.string(),
    customer_last_name: v.string(),
    customer_email: v.string(),
    customer_phone: v.string(),
    billing_address: v.nullable(billingAddressSchema),
    shipping_address: v.nullable(shippingAddressSchema),
    customer_birthdate: nullableStr('YYYY-MM-DD.'),
    customer_phone_2: v.string(),
    due_datetime: nullableStr('When the payment is due (ISO 8601, UTC).'),
    qr_code_url: v.optional(str('An SVG QR code of checkout_url; present when generate_qr_code was asked for.')),
    payment_type: v.picklist(['one_off']),
    agreement: v.null(),
    card_acceptance_criteria: v.null(),
    initiator: initiatorSchema,
    order_no: v.nullable(v.string()),
    notifications: v.strictObject({ email: v.array(v.picklist(NOTIFICATION_EVENTS)), sms: v.array(v.picklist(NOTIFICATION_EVENTS)) }),
    vendor_name: v.string(),
    expiration_time: v.string(),
    expires_at: str('When the session stops being payable (ISO 8601, UTC).'),
    email_recipients: v.array(v.string()),
    extra: json('The merchant\'s own JSON object, as it was sent.'),
    product_type: v.string(),
    language: v.picklist(['en', 'ar']),
    mode: v.string(),
    webhook_url: v.string(),
    redirect_url: v.string(),
    initiator_id: v.nullable(v.number()),
    remarks: nullableStr(),
    attempts: v.array(attemptSchema),
    reference_number: nullableStr('The latest attempt\'s reference.'),
    result: v.nullable(v.picklist(PAYMENT_RESULTS)),
    settled_pg_code: nullableStr(),
    paid_at: nullableStr(),
    transactions: v.pipe(v.array(childTransactionSchema), v.description('Refunds, captures and voids, oldest first.')),
    captured_amount: money,
    refunded_amount: money,
    voided_amount: money,
    webhook_status: v.optional(webhookStatusSchema),
    notification_status: v.optional(
      v.strictObject({
        rejected: v.array(v.strictObject({ channel: v.picklist(['email', 'sms']), recipient: v.string(), event: v.picklist(NOTIFICATION_EVENTS), reason: v.string(), at: v.string() })),
      }),
    ),
  }),
  v.description('A payment transaction (checkout session). Keys are in alphabetical order in responses.'),
);

/** Ottu's (Django REST framework's) validation errors: each field maps to its messages, nested objects to their fields' errors. */
/** Ottu's Card (and the webhook's `token` object): a saved card as the merchant sees it. */
const savedCardSchema = v.strictObject({
  agreements: v.pipe(v.array(v.string()), v.description('The active auto-debit agreements charging the card.')),
  brand: v.nullable(str('The scheme, as the gateway names it.')),
  customer_id: v.string(),
  cvv_required: v.pipe(v.boolean(), v.description('Always false: a saved card pays without its security code.')),
  expiry_month: str('MM.'),
  expiry_year: str('YY.'),
  is_expired: v.boolean(),
  is_preferred: v.boolean(),
  name_on_card: v.nullable(v.string()),
  number: v.nullable(str('Masked: first six and last four digits.')),
  pg_code: v.string(),
  pg_name: v.string(),
  token: str("The gateway's token: pays without the customer, keep it secret."),
});

const savedCardExample = {
  agreements: ['sub-monthly'],
  brand: 'MASTERCARD',
  customer_id: 'cust-42',
  cvv_required: false,
  expiry_month: '01',
  expiry_year: '39',
  is_expired: false,
  is_preferred: false,
  name_on_card: 'Sara Al-Ahmad',
  number: '512345xxxxxx0008',
  pg_code: 'mpgs-kwd',
  pg_name: 'mpgs',
  token: '9123456789012345',
};

export const fieldErrorsSchema = v.pipe(
  v.record(v.string(), v.union([v.array(v.string()), v.record(v.string(), v.array(v.string()))])),
  v.metadata({ examples: [{ amount: ['Ensure that there are no more than 3 decimal places.'] }, { notifications: { sms: ['To use sms notifications provide the `customer_phone` field.'] } }] }),
  v.description('Field errors, in Django REST framework\'s shape.'),
);

/** Every other error: 401, 403, 404, 405, 409, 413, 415, 429 and 5xx. */
export const detailErrorSchema = v.pipe(
  v.strictObject({ detail: v.string() }),
  v.metadata({ examples: [{ detail: 'Authentication credentials were not provided.' }] }),
);

const uploadResponseSchema = v.strictObject({
  file_url: str('Pass it as attachment_upload_url on create or PATCH.'),
  original_filename: v.string(),
  attachment_short_url: v.optional(v.string()),
});

/**
 * The hosted page's payment form (documentation only: domain/card.ts reads it). A hosted
 * gateway's form (MPGS) carries csrf_token and pg_code only: the card is typed on its own page.
 */
export const payFormSchema = v.object({
  csrf_token: str('From the page\'s form (signed double-submit token; its cookie must come along).'),
  pg_code: v.optional(str('The gateway to pay with; the first usable one when absent.')),
  card_number: v.optional(str('Sandbox only: 4111 1111 1111 1111 succeeds, 4000 0000 0000 0002 declines, 4000 0000 0000 0119 errors.')),
  name_on_card: v.optional(v.string()),
  expiry: v.optional(str('MM/YY')),
  cvv: v.optional(v.pipe(v.string(), v.regex(/^\d{3,4}$/))),
});

// ---- What the webhooks carry -------------------------------------------------------------

const signature = str("HMAC-SHA256 (lowercase hex) with the merchant's webhook key over Ottu's field list; see the webhooks' description.");
const EVENT_TYPES = [...NOTIFICATION_EVENTS, 'pending', 'attempted'] as const satisfies readonly EventType[];
const eventFields = {
  event_id: str('Unique per event; a redelivery repeats it, so drop duplicates by it. Not signed.'),
  event_type: v.pipe(v.picklist(EVENT_TYPES), v.description('The event (not signed).')),
};

/** Ottu's payment webhook (reference/ottu-webhook-schema.json), as domain/webhook-payload.ts builds it. */
const paymentStatusEntries = {
  session_id: v.string(),
  order_no: v.nullable(v.string()),
  amount: money,
  currency_code: v.string(),
  amount_details: v.strictObject({ amount: money, currency_code: v.string(), fee: money, total: money }),
  fee: str('The fee with its currency, e.g. "0.000 KWD".'),
  paid_amount: money,
  settled_amount: money,
  remaining_amount: money,
  state: v.pipe(v.picklist(STATES), v.description('The state the event recorded.')),
  result: v.picklist(['pending', 'success', 'failed', 'canceled']),
  message: v.string(),
  reference_number: str('The latest payment attempt\'s reference, or empty.'),
  gateway_account: str('The pg_code of the gateway, or empty when the session offers several and none was tried.'),
  gateway_name: v.string(),
  is_sandbox: v.boolean(),
  payment_type: v.picklist(['one_off']),
  timestamp_utc: str('"YYYY-MM-DD HH:MM:SS", UTC.'),
  customer_id: v.string(),
  customer_first_name: v.string(),
  customer_last_name: v.string(),
  customer_email: v.string(),
  customer_phone: v.string(),
  customer_address_line1: v.string(),
  customer_address_line2: v.string(),
  customer_address_city: v.string(),
  customer_address_state: v.string(),
  customer_address_country: v.string(),
  customer_address_postal_code: v.string(),
  extra: json('The session\'s extra, as the merchant sent it.'),
  gateway_response: json('The gateway\'s raw answer (empty for the sandbox).'),
  pg_params: json('Gateway-specific parameters (empty for the sandbox).'),
  customer_birthdate: nullableStr('YYYY-MM-DD.'),
  shipping_address: v.nullable(shippingAddressSchema),
  captured_amount: money,
  refunded_amount: money,
  voided_amount: money,
  transactions: v.array(childTransactionSchema),
  initiator: initiatorSchema,
  agreement: v.pipe(v.null(), v.description('Recurring payments are not supported yet.')),
  card_acceptance_criteria: v.pipe(v.null(), v.description('Card rules are not supported yet.')),
  signature,
};
export const paymentEventSchema = v.strictObject({ ...eventFields, ...paymentStatusEntries });

/** The payment status query's answer: the payment payload of the session's current state, with its child transactions. */
export const paymentStatusSchema = v.strictObject(paymentStatusEntries);

/** The payment status query's answer for a child transaction's own session_id. */
export const childStatusSchema = v.strictObject({
  ...paymentStatusEntries,
  state: v.picklist(['paid', 'refunded', 'voided']),
  operation: v.picklist(['refund', 'capture', 'void']),
  parent_session_id: v.string(),
});

/** Ottu's operation payload (domain/operation-payload.ts): what one refund, capture or void did. */
const operationPayloadEntries = {
  amount: v.pipe(money, v.description('This operation\'s amount.')),
  currency_code: v.string(),
  session_id: v.string(),
  order_no: str('The parent\'s order_no, or empty.'),
  operation: v.picklist(['refund', 'capture', 'void']),
  pg_code: v.string(),
  is_sandbox: v.boolean(),
  reference_number: str('The child transaction\'s reference.'),
  result: v.picklist(['success']),
  success: v.boolean(),
  source: v.picklist(['input']),
  timestamp_utc: v.string(),
  pg_response: json('The gateway\'s answer to the operation.'),
  pg_params: json('Ottu\'s normalized fields of that answer.'),
  initiator: initiatorSchema,
  txn: v.pipe(
    v.strictObject({ amount: money, currency_code: v.string(), order_no: v.string(), session_id: v.string(), state: v.picklist(['paid', 'refunded', 'voided']) }),
    v.description('The child transaction.'),
  ),
  signature,
};
export const operationEventSchema = v.strictObject({ ...eventFields, ...operationPayloadEntries });

/** The operation route's answer: the operation payload (refund, capture, void) or a sentence (cancel, expire, delete). */
const operationResultSchema = v.union([
  v.strictObject({ detail: str('What happened, in a sentence.'), ...operationPayloadEntries }),
  v.strictObject({ detail: str('What happened, in a sentence.'), operation: v.picklist(['cancel', 'expire', 'delete']), result: v.picklist(['success']) }),
]);
const operationRefusedSchema = v.strictObject({ detail: str('Why, in a sentence.'), operation: v.picklist(OPERATIONS), result: v.picklist(['failed']) });

const paymentMethodsAnswerSchema = v.strictObject({
  customer_payment_methods: v.pipe(v.array(savedCardSchema), v.description("With customer_id: the customer's saved cards (Card objects, as POST /b/pbl/v2/card/ lists them) of the listed gateways that keep cards; empty otherwise.")),
  payment_methods: v.array(
    v.strictObject({
      code: v.string(),
      name: v.string(),
      pg: v.string(),
      is_sandbox: v.boolean(),
      logo: str('Absolute URL of the gateway icon.'),
      wallets: v.array(v.string()),
      payment_services: v.array(v.string()),
      default_currency: v.string(),
      accepted_currencies: v.array(v.string()),
      operation: v.picklist(['purchase', 'authorize']),
      operations: v.array(v.picklist(['refund', 'capture', 'void'])),
      is_tokenizable: v.boolean(),
      auto_debit_enabled: v.boolean(),
      tags: v.array(v.string()),
    }),
  ),
});

// ---- The routes ---------------------------------------------------------------------------

const detail = (text: string) => ({ detail: text });
const authErrors = {
  401: { description: 'No or unknown credentials.', body: detailErrorSchema, example: detail('Authentication credentials were not provided.') },
  403: { description: 'The caller may not do this (permission or payment gateway).', body: detailErrorSchema, example: detail('You do not have permission to perform this action.') },
} as const;
const sessionErrors = {
  400: { description: 'Validation failed.', body: fieldErrorsSchema, example: { amount: ['Ensure that there are no more than 3 decimal places.'] } },
  ...authErrors,
  409: {
    description: 'The session cannot change in its state, a concurrent change won, or the Idempotency-Key was used with another body.',
    body: detailErrorSchema,
    example: detail('This Idempotency-Key was already used with a different request body.'),
  },
  413: { description: 'The body or the attachment is too large.', body: detailErrorSchema, example: detail(`Request body exceeds the limit of ${MAX_BODY_BYTES} bytes.`) },
  415: { description: 'Unsupported Content-Type.', body: detailErrorSchema, example: detail('Unsupported media type "text/plain" in request.') },
} as const;
const notFound = { 404: { description: 'No such session.', body: detailErrorSchema, example: detail('Not found.') } } as const;
const sessionFiles = { attachment: 'pdf, jpeg, jpg, png, doc, docx, xls or xlsx; at most 2.5 MB; the content must match the extension.' };
const operationErrors = {
  400: {
    description: 'Not allowed in the session\'s state, too much, refused by the gateway (`result: "failed"`), or a malformed field.',
    body: v.union([operationRefusedSchema, fieldErrorsSchema]),
    example: { detail: 'The amount exceeds what is left to refund (10.000 KWD).', operation: 'refund', result: 'failed' },
  },
  ...authErrors,
  ...notFound,
} as const;

/** The body of the example create request (the seed's example, with the fields a merchant usually sends). */
const createBody = {
  type: 'payment_request',
  pg_codes: ['sandbox-kwd'],
  amount: '14',
  currency_code: 'KWD',
  order_no: EXAMPLE_ORDER_NO,
  customer_id: 'cust-1',
  customer_first_name: 'Huda',
  customer_last_name: 'Saleh',
  customer_email: 'huda@example.com',
  customer_phone: '96550000000',
  billing_address: { line1: 'Block 3, Street 5', city: 'Kuwait City', state: 'Capital', country: 'KW', postal_code: '13001' },
  notifications: { email: ['paid', 'refunded'] },
  extra: { cart_id: 'c-981' },
  webhook_url: 'https://merchant.example.com/webhooks/checkout',
  redirect_url: 'https://merchant.example.com/thanks',
};
const sessionPath = { session_id: EXAMPLE_SESSION_ID };
const page = (title: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>…</html>`;

export const CONTRACTS: Record<string, RouteContract> = {
  CreateSession: {
    tag: 'Payment transactions',
    summary: 'Create a payment transaction',
    description: `Validates the fields, prices every payment gateway and answers the session with its checkout_url. Decimal places per currency: ${['KWD', 'BHD', 'OMR', 'JOD', 'USD', 'EUR', 'SAR', 'AED', 'JPY'].map((code) => `${code} ${minorUnits(code)}`).join(', ')}. Every field of Ottu\'s request schema is implemented or refused by name with a 400 (those that would change what happens to the money or need what this API lacks); fields unknown to Ottu\'s API are ignored.`,
    auth: true,
    request: { schema: fullSchema, mediaTypes: BODY_TYPES, files: sessionFiles },
    example: { body: createBody },
    responses: { 201: { description: 'Created.', body: sessionDocumentSchema, example: sessionExample() }, ...sessionErrors },
  },
  RetrieveSession: {
    tag: 'Payment transactions',
    summary: 'Retrieve a payment transaction',
    description: 'Public, as in the seed: the 160-bit session id is the capability. A deleted session answers 404.',
    example: { path: sessionPath },
    responses: { 200: { description: 'The session.', body: sessionDocumentSchema, example: sessionExample(paidExample) }, ...notFound },
  },
  PatchSession: {
    tag: 'Payment transactions',
    summary: 'Update some fields',
    description: 'Partial update; the merged session is validated again. Only while the session is created, pending or attempted.',
    auth: true,
    request: { schema: partialSchema, mediaTypes: BODY_TYPES, files: sessionFiles },
    example: { path: sessionPath, body: { customer_phone: '96551111111', expiration_time: '2 00:00:00' } },
    responses: {
      200: { description: 'The updated session.', body: sessionDocumentSchema, example: sessionExample() },
      ...sessionErrors,
      409: { description: 'The session cannot change in its state, or a concurrent change won.', body: detailErrorSchema, example: detail('The payment transaction can no longer be changed: it is paid.') },
      ...notFound,
    },
  },
  PutSession: {
    tag: 'Payment transactions',
    summary: 'Replace the fields',
    description: 'Full update with the same rules as create. Only while the session is created, pending or attempted.',
    auth: true,
    request: { schema: fullSchema, mediaTypes: BODY_TYPES, files: sessionFiles },
    example: { path: sessionPath, body: createBody },
    responses: {
      200: { description: 'The updated session.', body: sessionDocumentSchema, example: sessionExample() },
      ...sessionErrors,
      409: { description: 'The session cannot change in its state, or a concurrent change won.', body: detailErrorSchema, example: detail('The payment transaction can no longer be changed: it is paid.') },
      ...notFound,
    },
  },
  UploadAttachment: {
    tag: 'Attachments',
    summary: 'Upload an attachment first',
    description: 'Stores a file (multipart field `file`) to attach later with attachment_upload_url; with session_id or order_no it is attached to that session at once.',
    auth: true,
    request: { schema: uploadSchema, mediaTypes: ['multipart/form-data'], files: { file: sessionFiles.attachment } },
    example: { body: { shortify_attachment_url: true } },
    responses: {
      201: {
        description: 'Stored.',
        body: uploadResponseSchema,
        example: { file_url: `${EXAMPLE_BASE_URL}/b/checkout/v1/attachments/${EXAMPLE_ATTACHMENT_TOKEN}`, original_filename: 'invoice.pdf', attachment_short_url: `${EXAMPLE_BASE_URL}/s/${EXAMPLE_SHORT_CODE}` },
      },
      ...sessionErrors,
    },
  },
  DownloadAttachment: {
    tag: 'Attachments',
    summary: 'Download an attachment',
    description: 'The file itself (embedded) or a redirect to a short-lived presigned link (AWS).',
    example: { path: { token: EXAMPLE_ATTACHMENT_TOKEN } },
    responses: {
      200: { description: 'The file, with its Content-Type.', body: 'file', example: '%PDF-1.7 …' },
      302: { description: 'To a presigned S3 link.', body: 'redirect', example: 'https://checkout-attachments.s3.amazonaws.com/attachments/f3b1c2d4….pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256&…' },
      404: { description: 'No such attachment.', body: detailErrorSchema, example: detail('Not found.') },
    },
  },
  FollowShortLink: {
    tag: 'Checkout page',
    summary: 'Follow a short link',
    example: { path: { code: EXAMPLE_SHORT_CODE } },
    responses: {
      302: { description: 'To the checkout page or the attachment.', body: 'redirect', example: `${EXAMPLE_BASE_URL}/b/checkout/redirect/start/?session_id=${EXAMPLE_SESSION_ID}` },
      404: { description: 'No such link.', body: 'html', example: page('Not found') },
    },
  },
  CheckoutRedirect: {
    tag: 'Checkout page',
    summary: 'checkout_url: send the customer to the hosted page',
    query: v.object({ session_id: str('The session to pay.') }),
    example: { query: sessionPath },
    responses: {
      302: { description: 'To /checkout/{session_id}.', body: 'redirect', example: `${EXAMPLE_BASE_URL}/checkout/${EXAMPLE_SESSION_ID}` },
      404: { description: 'No such session.', body: detailErrorSchema, example: detail('Not found.') },
    },
  },
  CheckoutPage: {
    tag: 'Checkout page',
    summary: 'The hosted checkout page',
    description: 'Server-rendered HTML in the session\'s language; opening it moves a created session to pending.',
    query: v.object({ pg_code: v.optional(str('Preselects a gateway.')) }),
    example: { path: sessionPath, query: { pg_code: 'sandbox-kwd' } },
    responses: {
      200: { description: 'The page (or the receipt once paid).', body: 'html', example: page('Pay 14.000 KWD') },
      404: { description: 'No such session.', body: 'html', example: page('Not found') },
    },
  },
  CheckoutPay: {
    tag: 'Checkout page',
    summary: 'The payment form\'s post',
    description: "The sandbox decides at once (303). A hosted gateway (MPGS) answers 200 with a small page that loads the gateway's checkout.min.js (CSP allows that one script host) and sends the customer to the gateway's own page; 503 when the gateway could not be reached (nothing was attempted).",
    request: { schema: payFormSchema, mediaTypes: ['application/x-www-form-urlencoded'] },
    example: {
      path: sessionPath,
      body: { csrf_token: 'q3Jx0c8VfN2m.5b2f0e7d41c9…', pg_code: 'sandbox-kwd', card_number: '4111 1111 1111 1111', name_on_card: 'Huda Saleh', expiry: '12/29', cvv: '123' },
    },
    responses: {
      303: {
        description: 'Processed: to redirect_url after a success, else back to the page, which shows the outcome.',
        body: 'redirect',
        example: `https://merchant.example.com/thanks?session_id=${EXAMPLE_SESSION_ID}&order_no=${EXAMPLE_ORDER_NO}&reference_number=K7Q2M9X4T1LP`,
      },
      400: { description: 'The form has errors; shown again.', body: 'html', example: page('Pay 14.000 KWD') },
      403: { description: 'Missing or wrong CSRF token.', body: 'html', example: page('Forbidden') },
      409: { description: 'A concurrent payment won.', body: 'html', example: page('Pay 14.000 KWD') },
      200: { description: "A hosted gateway: the page that hands the customer to the gateway's own page.", body: 'html', example: page('Taking you to the secure payment page…') },
      503: { description: 'The gateway could not start a payment; nothing was charged.', body: 'html', example: page('Pay 14.000 KWD') },
    },
  },
  CheckoutReturn: {
    tag: 'Checkout page',
    summary: "A hosted gateway's return (MPGS Hosted Checkout)",
    description:
      "Where the gateway sends the customer back after paying or cancelling on its own page. It only triggers a sync: the gateway's server API (MPGS's Retrieve Order) decides, and an answer that is late or unknown leaves the attempt pending (a notification, an inquiry or the automatic inquiry settles it).",
    query: v.object({ attempt: str('Our attempt reference, as given to the gateway.'), resultIndicator: v.optional(str("MPGS's proof of success, compared in constant time with the stored successIndicator (advisory).")) }),
    example: { path: sessionPath, query: { attempt: 'K7Q2M9X4T1LP', resultIndicator: '4d7a9c0e1b2f4a68' } },
    responses: {
      303: { description: "To redirect_url once paid or authorized, else to the hosted page, which shows the outcome.", body: 'redirect', example: `${EXAMPLE_BASE_URL}/checkout/${EXAMPLE_SESSION_ID}` },
      404: { description: 'No such session.', body: 'html', example: page('Not found') },
    },
  },
  GatewayNotification: {
    tag: 'Checkout page',
    summary: "A hosted gateway's notification (MPGS webhook)",
    description:
      "MPGS POSTs the transaction here (order.notificationUrl) with X-Notification-Secret. A wrong or missing secret is a 401 and changes nothing; a right one queues a sync of the attempt the notification names (its content is never taken as the outcome) and answers 200 at once, without asking the gateway. A sync that could not be queued is a 500, so the gateway sends the notification again.",
    request: { schema: v.object({ order: v.optional(v.object({ id: str('Our attempt reference.') })) }), mediaTypes: ['application/json'] },
    example: { path: { pg_code: 'mpgs-kwd', session_id: EXAMPLE_SESSION_ID }, body: { order: { id: 'K7Q2M9X4T1LP' }, result: 'SUCCESS' } },
    responses: {
      200: { description: "Received: the attempt's sync is queued (or there is nothing to sync: settled already, or not ours).", body: detailErrorSchema, example: detail('Received.') },
      401: { description: 'Wrong or missing X-Notification-Secret; nothing changed.', body: detailErrorSchema, example: detail('Invalid notification secret.') },
      500: { description: 'The sync could not be queued; nothing changed (the gateway retries).', body: detailErrorSchema, example: detail('A server error occurred.') },
    },
  },
  CheckoutQrCode: {
    tag: 'Checkout page',
    summary: 'The QR code of a session\'s checkout URL',
    description: 'The session\'s `qr_code_url` when it was created or updated with `generate_qr_code: true`. Public, as the session is.',
    example: { path: { session_id: EXAMPLE_SESSION_ID } },
    responses: { 200: { description: 'SVG image.', body: 'svg', example: '<?xml version="1.0" encoding="UTF-8"?>\n<svg version="1.1" xmlns="http://www.w3.org/2000/svg" …><path d="M16,16l4,0 0,4 -4,0 0,-4z …"/></svg>' }, ...notFound },
  },
  StaticIcon: {
    tag: 'Reference',
    summary: 'The generic card icon of the demo gateways',
    example: {},
    responses: { 200: { description: 'SVG image.', body: 'svg', example: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 32">…</svg>' } },
  },
  SessionOperation: {
    tag: 'Operations',
    summary: 'Refund, capture, void, cancel, expire or delete a payment transaction',
    description:
      'Names the session by session_id or order_no. amount (refund, capture) defaults to what is left. Refund, capture and void answer Ottu\'s signed operation payload with the child transaction in txn (also sent as the refunded, captured or voided webhook); cancel, expire and delete answer a sentence. A Tracking-Key header (or Idempotency-Key) names one operation: a repeat with the same key and body returns the first result and performs nothing again; the same key with another body is a 409.',
    auth: true,
    trackingKey: true,
    request: { schema: operationSchema, mediaTypes: BODY_TYPES },
    example: { body: { session_id: EXAMPLE_SESSION_ID, operation: 'refund', amount: '4' } },
    responses: {
      200: { description: 'Performed.', body: operationResultSchema, example: refundAnswerExample() },
      ...operationErrors,
      409: {
        description: 'A concurrent change won, or the Tracking-Key (Idempotency-Key) was used with another body.',
        body: detailErrorSchema,
        example: detail('This Tracking-Key was already used with a different request body.'),
      },
    },
  },
  Inquiry: {
    tag: 'Operations',
    summary: 'Payment status query',
    description:
      'The session\'s status in the payment-webhook shape, signed, with its child transactions; with notify_webhook_url it is also sent to the session\'s webhook_url (or to the inquiry\'s own webhook_url), through the webhook queue (retried like every webhook). An attempt still pending at a hosted gateway is asked about first, and so is a refund, capture or void left in flight for over 2 minutes by a request that died (committed if the gateway did it, released if not).',
    auth: true,
    request: { schema: inquirySchema, mediaTypes: BODY_TYPES },
    example: { body: { order_no: EXAMPLE_ORDER_NO } },
    responses: { 200: { description: 'The signed status (of a child transaction when its own session_id is named).', body: v.union([paymentStatusSchema, childStatusSchema]), example: statusExample() }, ...operationErrors },
  },
  AutoDebit: {
    tag: 'Operations',
    summary: "Charge a customer's saved card without the customer (auto-debit)",
    description:
      "Ottu's Native Payment API (auto-debit): the session (payment_type auto_debit, with its agreement and customer_id) is charged with the saved card's token, merchant-initiated under the agreement the customer's own first payment set up. Refused with a 400 before anything is sent when the session is not auto_debit, the token is not one of the customer's cards or not the card the agreement charges, the card expires before card_acceptance_criteria.min_expiry_time (30 days by default), the agreement has not started or has expired, its total_cycles merchant-initiated charges were made, or its cycle_interval_days (whole UTC days) have not passed since its last payment (the customer's first included). One charge under an agreement at a time: 409 while another awaits its gateway. The attempt is recorded before the gateway is asked; the answer is the session's signed status in the payment webhook's shape (an unanswered charge stays pending until the gateway says, never failed), and the payment's webhook is sent as for any payment.",
    auth: true,
    request: { schema: autoDebitSchema, mediaTypes: BODY_TYPES },
    example: { body: { session_id: EXAMPLE_SESSION_ID, token: '9123456789012345' } },
    responses: {
      200: { description: 'Charged (or pending at the gateway): the signed status.', body: paymentStatusSchema, example: statusExample() },
      400: { description: 'Not chargeable (see above), or a malformed field.', body: fieldErrorsSchema, example: { token: ["No saved card of this payment transaction's customer has this token."] } },
      ...authErrors,
      ...notFound,
      409: { description: "The session is closed, or an attempt of it or another charge under its agreement awaits its gateway.", body: detailErrorSchema, example: detail('The payment transaction is paid: it cannot be charged.') },
    },
  },
  ListCards: {
    tag: 'Operations',
    summary: "A customer's saved cards",
    description:
      "Ottu's get_user_cards: the cards saved for customer_id (by save_card, auto_debit or the page's \"Save this card\") on the type's gateways (sandbox or production) the caller may use, oldest first; pg_codes narrows to those gateways, agreement_id to the one card the agreement charges. Each card is Ottu's Card object; its token pays without the customer: keep it secret.",
    auth: true,
    request: { schema: listCardsSchema, mediaTypes: BODY_TYPES },
    example: { body: { customer_id: 'cust-42', type: 'production' } },
    responses: {
      200: { description: 'The cards (possibly none).', body: v.array(savedCardSchema), example: [savedCardExample] },
      400: { description: 'A malformed field.', body: fieldErrorsSchema, example: { type: ['This field is required.'] } },
      ...authErrors,
    },
  },
  DeleteCard: {
    tag: 'Operations',
    summary: "Delete a customer's saved card",
    description:
      "Ottu's delete_user_cards: the card (by its token) of customer_id, among the sandbox or production gateways' cards (type), is deleted at the gateway, then here. A card an active auto-debit agreement charges cannot be deleted until another card replaces it (400). A gateway that does not answer leaves the card (503): retry.",
    auth: true,
    query: deleteCardSchema,
    example: { path: { token: '9123456789012345' }, query: { customer_id: 'cust-42', type: 'production' } },
    responses: {
      204: { description: 'Deleted (at the gateway and here).', example: null },
      400: { description: 'The card is charged by an active agreement, or a malformed parameter.', body: fieldErrorsSchema, example: { token: ['This card is charged by an active auto-debit agreement; it can be deleted once another card replaces it.'] } },
      ...authErrors,
      404: { description: "No such card of this customer among that type's gateways.", body: detailErrorSchema, example: detail('Not found.') },
      503: { description: 'The payment gateway did not answer: the card is kept.', body: detailErrorSchema, example: detail('The payment gateway did not answer; the card is kept. Try again.') },
    },
  },
  MessageNotification: {
    tag: 'Operations',
    summary: 'Send a session\'s e-mail or SMS again',
    description: 'Ottu\'s message notification: on each channel asked for (email, sms), the session\'s message for its current state is queued again, when its notifications ask for that event on that channel. whatsapp is not supported yet.',
    auth: true,
    request: { schema: messageNotificationSchema, mediaTypes: BODY_TYPES },
    example: { body: { session_id: EXAMPLE_SESSION_ID, channels: ['email', 'sms'] } },
    responses: {
      200: { description: 'Queued.', body: v.strictObject({ message: v.literal('Customer notified.') }), example: { message: 'Customer notified.' } },
      400: {
        description: 'A malformed field, or nothing to send on a channel (`result: "failed"`).',
        body: v.union([fieldErrorsSchema, v.strictObject({ session_id: v.string(), order_no: v.nullable(v.string()), channels: v.string(), result: v.literal('failed'), detail: v.string() })]),
        example: { session_id: EXAMPLE_SESSION_ID, order_no: EXAMPLE_ORDER_NO, channels: 'sms', result: 'failed', detail: 'Nothing to send by sms for this payment transaction: its notifications do not ask for "paid" by sms.' },
      },
      ...authErrors,
      ...notFound,
    },
  },
  PaymentMethods: {
    tag: 'Operations',
    summary: 'The caller\'s usable payment gateway codes',
    description: "Filtered by plugin, currencies, operation, type and gateway names; a Basic user sees only the codes it may use. With customer_id, customer_payment_methods lists the customer's saved cards of the listed gateways that keep cards.",
    auth: true,
    request: { schema: paymentMethodsSchema, mediaTypes: BODY_TYPES },
    example: { body: { plugin: 'payment_request', currencies: ['KWD'], type: 'sandbox' } },
    responses: {
      200: {
        description: 'The payment methods.',
        body: paymentMethodsAnswerSchema,
        example: {
          customer_payment_methods: [],
          payment_methods: [
            {
              code: 'sandbox-kwd',
              name: 'Sandbox KWD',
              pg: 'Ottu PG',
              is_sandbox: true,
              logo: `${EXAMPLE_BASE_URL}/static/pg-icons/card.svg`,
              wallets: [],
              payment_services: [],
              default_currency: 'KWD',
              accepted_currencies: ['KWD'],
              operation: 'purchase',
              operations: ['refund'],
              is_tokenizable: false,
              auto_debit_enabled: false,
              tags: [],
            },
          ],
        },
      },
      400: { description: 'Validation failed.', body: fieldErrorsSchema, example: { plugin: ['"shop" is not a valid choice.'] } },
      ...authErrors,
    },
  },
  OpenApiDocument: {
    tag: 'Reference',
    summary: 'This OpenAPI 3.1 document',
    example: {},
    responses: { 200: { description: 'The document.', body: 'openapi', example: { openapi: '3.1.0', info: { title: 'Checkout API', version: '1.0.0' }, servers: [{ url: EXAMPLE_BASE_URL }] } } },
  },
  ApiReference: {
    tag: 'Reference',
    summary: 'The HTML API reference',
    description: 'Rendered on the server from the OpenAPI document; no script, and nothing from another origin.',
    example: {},
    responses: { 200: { description: 'The reference.', body: 'html', example: page('Checkout API reference') } },
  },
};

const VERIFY =
  "Verify `signature` (Ottu's rule): take amount, currency_code, customer_first_name, customer_last_name, customer_email, customer_phone, customer_address_line1, customer_address_line2, customer_address_city, customer_address_state, customer_address_country, customer_address_postal_code, gateway_account, gateway_name, order_no, reference_number, result and state from the parsed JSON; drop the absent, null or empty ones; sort by key; concatenate key and value with no separator; HMAC-SHA256 that UTF-8 text with your webhook key and compare the lowercase hex with `signature` in constant time. " +
  `The examples here are signed with the key "${EXAMPLE_WEBHOOK_KEY}", so a receiver's check can be tried on them. ` +
  'Answer any 2xx within 15 s; a timeout, connection error, 5xx, 408 or 429 is retried with backoff for up to 24 hours (13 attempts), any other answer goes straight to the dead-letter queue. Redirects are not followed. An event may arrive more than once: drop duplicates by event_id.';

/** The webhooks the API sends to a session's webhook_url (the document's `webhooks`). */
export const WEBHOOKS: Record<string, WebhookContract> = {
  paymentEvent: {
    summary: 'A payment event (created, pending, attempted, paid, authorized, failed, canceled, expired)',
    description: `Ottu's payment webhook, POSTed to the session's webhook_url after every completed payment attempt whatever its result, a cancel or an expiry (created and pending only when the merchant's configuration asks). ${VERIFY}`,
    headers: { 'User-Agent': { description: 'Identifies the sender.', example: 'checkout-api-webhooks/1.0' } },
    schema: paymentEventSchema,
    examples: { paid: paidWebhookExample() },
  },
  operationEvent: {
    summary: 'An operation event (refunded, captured, voided)',
    description: `Ottu's operation webhook: the document the operation answered, with its child transaction in txn, POSTed after a refund, capture or void. Signed by the same rule, so the same check accepts both. ${VERIFY}`,
    headers: { 'User-Agent': { description: 'Identifies the sender.', example: 'checkout-api-webhooks/1.0' } },
    schema: operationEventSchema,
    examples: { refunded: refundedWebhookExample() },
  },
  paymentStatus: {
    summary: 'A payment status query\'s notification (inquiry with notify_webhook_url)',
    description: `The inquiry's answer (the payment payload of the session's current state, with its transactions, without event_id and event_type), sent to the session's webhook_url or to the inquiry's own. ${VERIFY}`,
    headers: { 'User-Agent': { description: 'Identifies the sender.', example: 'checkout-api-webhooks/1.0' } },
    schema: paymentStatusSchema,
    examples: { status: statusExample() },
  },
};
