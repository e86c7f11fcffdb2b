import * as v from 'valibot';
import { minorUnits } from '../../domain/currencies';
import { inquirySchema, messageNotificationSchema, operationSchema, paymentMethodsSchema } from '../../domain/operation-schema';
import { fullSchema, partialSchema, uploadSchema } from '../../domain/session-schema';
import { NOTIFICATION_EVENTS, STATES } from '../../domain/state-machine';

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
  /** Query parameters, as one object schema. */
  query?: v.GenericSchema;
  /** The request body schema and the media types it may come as. */
  request?: { schema: v.GenericSchema; mediaTypes: readonly MediaType[]; files?: Record<string, string> };
  /** Status → what it means and, for JSON answers, the body's schema (or a shared one by name). */
  responses: Record<number, Response>;
}

type MediaType = 'application/json' | 'application/x-www-form-urlencoded' | 'multipart/form-data';
export interface Response {
  description: string;
  /** JSON body schema, or 'html' / 'redirect' / 'svg' / 'openapi' for the other answers. */
  body?: v.GenericSchema | 'html' | 'redirect' | 'svg' | 'openapi';
}

const BODY_TYPES = ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data'] as const;

// ---- Shared response shapes (documentation only: the domain builds the values) -------------

const str = (description?: string) => (description ? v.pipe(v.string(), v.description(description)) : v.string());
const nullableStr = (description?: string) => v.nullable(str(description));
const money = str("Decimal string with exactly the currency's ISO 4217 minor units, e.g. \"14.000\" for KWD.");

export const paymentMethodSchema = v.object({
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

export const webhookStatusSchema = v.object({
  state: v.picklist(['pending', 'delivered', 'retrying', 'failed']),
  event: v.nullable(v.string()),
  attempts: v.number(),
  last_status_code: v.nullable(v.number()),
  last_error: v.nullable(v.string()),
  last_attempt_at: v.nullable(v.string()),
});

const attemptSchema = v.object({
  reference_number: v.string(),
  result: v.picklist(['success', 'failed', 'error']),
  pg_code: v.string(),
  card_brand: v.string(),
  card_last4: v.string(),
  attempted_at: v.string(),
});

/** The payment transaction as every session route answers it. */
export const sessionDocumentSchema = v.pipe(
  v.object({
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
    billing_address: v.nullable(v.record(v.string(), v.string())),
    shipping_address: v.nullable(v.record(v.string(), v.string())),
    customer_birthdate: nullableStr('YYYY-MM-DD.'),
    customer_phone_2: v.string(),
    due_datetime: nullableStr('When the payment is due (ISO 8601, UTC).'),
    qr_code_url: v.optional(str('An SVG QR code of checkout_url; present when generate_qr_code was asked for.')),
    payment_type: v.picklist(['one_off']),
    agreement: v.null(),
    card_acceptance_criteria: v.null(),
    transactions: v.array(v.looseObject({ session_id: v.string(), operation: v.string(), state: v.string(), amount: money })),
    captured_amount: money,
    refunded_amount: money,
    voided_amount: money,
    order_no: v.nullable(v.string()),
    notifications: v.object({ email: v.array(v.picklist(NOTIFICATION_EVENTS)), sms: v.array(v.picklist(NOTIFICATION_EVENTS)) }),
    vendor_name: v.string(),
    expiration_time: v.string(),
    expires_at: str('When the session stops being payable (ISO 8601, UTC).'),
    email_recipients: v.array(v.string()),
    extra: v.record(v.string(), v.unknown()),
    product_type: v.string(),
    language: v.picklist(['en', 'ar']),
    mode: v.string(),
    webhook_url: v.string(),
    redirect_url: v.string(),
    remarks: nullableStr(),
    attempts: v.array(attemptSchema),
    reference_number: nullableStr('The latest attempt\'s reference.'),
    result: v.nullable(v.picklist(['success', 'failed', 'error'])),
    settled_pg_code: nullableStr(),
    paid_at: nullableStr(),
    webhook_status: v.optional(webhookStatusSchema),
    notification_status: v.optional(v.object({ rejected: v.array(v.record(v.string(), v.string())) })),
  }),
  v.description('A payment transaction (checkout session). Keys are in alphabetical order in responses.'),
);

/** Ottu's (Django REST framework's) validation errors: each field maps to its messages, nested objects to their fields' errors. */
export const fieldErrorsSchema = v.pipe(
  v.record(v.string(), v.union([v.array(v.string()), v.record(v.string(), v.array(v.string()))])),
  v.metadata({ examples: [{ amount: ['Ensure that there are no more than 3 decimal places.'] }, { notifications: { sms: ['To use sms notifications provide the `customer_phone` field.'] } }] }),
  v.description('Field errors, in Django REST framework\'s shape.'),
);

/** Every other error: 401, 403, 404, 405, 409, 413, 415, 429 and 5xx. */
export const detailErrorSchema = v.pipe(
  v.object({ detail: v.string() }),
  v.metadata({ examples: [{ detail: 'Authentication credentials were not provided.' }] }),
);

const uploadResponseSchema = v.object({
  file_url: str('Pass it as attachment_upload_url on create or PATCH.'),
  original_filename: v.string(),
  attachment_short_url: v.optional(v.string()),
});

/** The sandbox payment form of the hosted page (documentation only: domain/card.ts reads it). */
export const payFormSchema = v.object({
  csrf_token: str('From the page\'s form (signed double-submit token; its cookie must come along).'),
  pg_code: v.optional(str('The gateway to pay with; the first usable one when absent.')),
  card_number: str('Sandbox: 4111 1111 1111 1111 succeeds, 4000 0000 0000 0002 declines, 4000 0000 0000 0119 errors.'),
  name_on_card: v.string(),
  expiry: str('MM/YY'),
  cvv: v.pipe(v.string(), v.regex(/^\d{3,4}$/)),
});

// ---- The routes ---------------------------------------------------------------------------

const authErrors = {
  401: { description: 'No or unknown credentials.', body: detailErrorSchema },
  403: { description: 'The caller may not do this (permission or payment gateway).', body: detailErrorSchema },
} as const;
const sessionErrors = {
  400: { description: 'Validation failed.', body: fieldErrorsSchema },
  ...authErrors,
  409: { description: 'The session cannot change in its state, a concurrent change won, or the Idempotency-Key was used with another body.', body: detailErrorSchema },
  413: { description: 'The body or the attachment is too large.', body: detailErrorSchema },
  415: { description: 'Unsupported Content-Type.', body: detailErrorSchema },
} as const;
const notFound = { 404: { description: 'No such session.', body: detailErrorSchema } } as const;
const sessionFiles = { attachment: 'pdf, jpeg, jpg, png, doc, docx, xls or xlsx; at most 2.5 MB; the content must match the extension.' };

const operationResultSchema = v.looseObject({
  operation: str('refund, capture, void, cancel, expire or delete.'),
  result: v.picklist(['success', 'failed']),
  detail: v.optional(str('What happened, in a sentence (cancel, expire, delete, and every refusal).')),
  amount: v.optional(money),
  session_id: v.optional(v.string()),
  order_no: v.optional(nullableStr()),
  pg_code: v.optional(v.string()),
  is_sandbox: v.optional(v.boolean()),
  reference_number: v.optional(str('The child transaction\'s reference.')),
  success: v.optional(v.boolean()),
  signature: v.optional(str('HMAC-SHA256 over Ottu\'s field list, with the webhook key (docs/webhooks.md).')),
  timestamp_utc: v.optional(v.string()),
  txn: v.optional(v.looseObject({}, 'The child transaction.')),
});
const operationErrors = {
  400: { description: 'Not allowed in the session\'s state, too much, or a malformed field (`result: "failed"`).', body: v.union([operationResultSchema, fieldErrorsSchema]) },
  ...authErrors,
  ...notFound,
} as const;

export const CONTRACTS: Record<string, RouteContract> = {
  CreateSession: {
    tag: 'Payment transactions',
    summary: 'Create a payment transaction',
    description: `Validates the fields, prices every payment gateway and answers the session with its checkout_url. Decimal places per currency: ${['KWD', 'BHD', 'OMR', 'JOD', 'USD', 'EUR', 'SAR', 'AED', 'JPY'].map((code) => `${code} ${minorUnits(code)}`).join(', ')}. Every field of Ottu\'s request schema is implemented or refused by name (docs/ottu-compatibility.md); fields unknown to Ottu\'s API are ignored.`,
    auth: true,
    request: { schema: fullSchema, mediaTypes: BODY_TYPES, files: sessionFiles },
    responses: { 201: { description: 'Created.', body: sessionDocumentSchema }, ...sessionErrors },
  },
  RetrieveSession: {
    tag: 'Payment transactions',
    summary: 'Retrieve a payment transaction',
    description: 'Public, as in the seed: the 160-bit session id is the capability.',
    responses: { 200: { description: 'The session.', body: sessionDocumentSchema }, ...notFound },
  },
  PatchSession: {
    tag: 'Payment transactions',
    summary: 'Update some fields',
    description: 'Partial update; the merged session is validated again. Only while the session is created, pending or attempted.',
    auth: true,
    request: { schema: partialSchema, mediaTypes: BODY_TYPES, files: sessionFiles },
    responses: { 200: { description: 'The updated session.', body: sessionDocumentSchema }, ...sessionErrors, ...notFound },
  },
  PutSession: {
    tag: 'Payment transactions',
    summary: 'Replace the fields',
    description: 'Full update with the same rules as create. Only while the session is created, pending or attempted.',
    auth: true,
    request: { schema: fullSchema, mediaTypes: BODY_TYPES, files: sessionFiles },
    responses: { 200: { description: 'The updated session.', body: sessionDocumentSchema }, ...sessionErrors, ...notFound },
  },
  UploadAttachment: {
    tag: 'Attachments',
    summary: 'Upload an attachment first',
    description: 'Stores a file (multipart field `file`) to attach later with attachment_upload_url; with session_id or order_no it is attached to that session at once.',
    auth: true,
    request: { schema: uploadSchema, mediaTypes: ['multipart/form-data'], files: { file: sessionFiles.attachment } },
    responses: { 201: { description: 'Stored.', body: uploadResponseSchema }, ...sessionErrors },
  },
  DownloadAttachment: {
    tag: 'Attachments',
    summary: 'Download an attachment',
    description: 'The file itself (embedded) or a redirect to a short-lived presigned link (AWS).',
    responses: { 200: { description: 'The file.' }, 302: { description: 'To a presigned S3 link.', body: 'redirect' }, 404: { description: 'No such attachment.', body: detailErrorSchema } },
  },
  FollowShortLink: {
    tag: 'Checkout page',
    summary: 'Follow a short link',
    responses: { 302: { description: 'To the checkout page or the attachment.', body: 'redirect' }, 404: { description: 'No such link.', body: 'html' } },
  },
  CheckoutRedirect: {
    tag: 'Checkout page',
    summary: 'checkout_url: send the customer to the hosted page',
    query: v.object({ session_id: str('The session to pay.') }),
    responses: { 302: { description: 'To /checkout/{session_id}.', body: 'redirect' }, 404: { description: 'No such session.', body: detailErrorSchema } },
  },
  CheckoutPage: {
    tag: 'Checkout page',
    summary: 'The hosted checkout page',
    description: 'Server-rendered HTML in the session\'s language; opening it moves a created session to pending.',
    query: v.object({ pg_code: v.optional(str('Preselects a gateway.')) }),
    responses: { 200: { description: 'The page (or the receipt once paid).', body: 'html' }, 404: { description: 'No such session.', body: 'html' } },
  },
  CheckoutPay: {
    tag: 'Checkout page',
    summary: 'The sandbox payment form\'s post',
    request: { schema: payFormSchema, mediaTypes: ['application/x-www-form-urlencoded'] },
    responses: {
      303: { description: 'Processed: to redirect_url after a success, else back to the page, which shows the outcome.', body: 'redirect' },
      400: { description: 'The form has errors; shown again.', body: 'html' },
      403: { description: 'Missing or wrong CSRF token.', body: 'html' },
      409: { description: 'A concurrent payment won.', body: 'html' },
    },
  },
  CheckoutQrCode: {
    tag: 'Checkout page',
    summary: 'The QR code of a session\'s checkout URL',
    description: 'The session\'s `qr_code_url` when it was created or updated with `generate_qr_code: true`. Public, as the session is.',
    responses: { 200: { description: 'SVG image.', body: 'svg' }, ...notFound },
  },
  StaticIcon: {
    tag: 'Reference',
    summary: 'The generic card icon of the demo gateways',
    responses: { 200: { description: 'SVG image.', body: 'svg' } },
  },
  SessionOperation: {
    tag: 'Operations',
    summary: 'Refund, capture, void, cancel, expire or delete a payment transaction',
    description: 'Names the session by session_id or order_no. amount (refund, capture) defaults to what is left. A Tracking-Key header returns the first result for a repeated key and performs nothing again. See docs/operations.md.',
    auth: true,
    request: { schema: operationSchema, mediaTypes: BODY_TYPES },
    responses: { 200: { description: 'Performed.', body: operationResultSchema }, ...operationErrors },
  },
  Inquiry: {
    tag: 'Operations',
    summary: 'Payment status query',
    description: 'The session\'s status in the payment-webhook shape, signed; with notify_webhook_url it is also sent to the session\'s webhook_url (or to the inquiry\'s own webhook_url), through the webhook queue (retried like every webhook).',
    auth: true,
    request: { schema: inquirySchema, mediaTypes: BODY_TYPES },
    responses: { 200: { description: 'The signed status.', body: v.looseObject({ session_id: v.string(), state: v.picklist(STATES), signature: v.string() }) }, ...operationErrors },
  },
  MessageNotification: {
    tag: 'Operations',
    summary: 'Send a session\'s e-mail or SMS again',
    description: 'Ottu\'s message notification: on each channel asked for (email, sms), the session\'s message for its current state is queued again, when its notifications ask for that event on that channel. whatsapp is not supported yet.',
    auth: true,
    request: { schema: messageNotificationSchema, mediaTypes: BODY_TYPES },
    responses: {
      200: { description: 'Queued.', body: v.object({ message: v.literal('Customer notified.') }) },
      400: {
        description: 'A malformed field, or nothing to send on a channel (`result: "failed"`).',
        body: v.union([fieldErrorsSchema, v.object({ session_id: v.string(), order_no: v.nullable(v.string()), channels: v.string(), result: v.literal('failed'), detail: v.string() })]),
      },
      ...authErrors,
      ...notFound,
    },
  },
  PaymentMethods: {
    tag: 'Operations',
    summary: 'The caller\'s usable payment gateway codes',
    description: 'Filtered by plugin, currencies, operation, type and gateway names; a Basic user sees only the codes it may use.',
    auth: true,
    request: { schema: paymentMethodsSchema, mediaTypes: BODY_TYPES },
    responses: { 200: { description: 'The payment methods.', body: v.looseObject({ payment_methods: v.array(v.looseObject({ code: v.string() })) }) }, 400: { description: 'Validation failed.', body: fieldErrorsSchema }, ...authErrors },
  },
  OpenApiDocument: {
    tag: 'Reference',
    summary: 'This OpenAPI 3.1 document',
    responses: { 200: { description: 'The document.', body: 'openapi' } },
  },
  ApiReference: {
    tag: 'Reference',
    summary: 'The HTML API reference',
    description: 'Rendered on the server from the OpenAPI document; no script, and nothing from another origin.',
    responses: { 200: { description: 'The reference.', body: 'html' } },
  },
};
