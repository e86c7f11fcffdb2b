import type { CardBrand } from '../../domain/card';
import type { Operation } from '../../domain/config';
import type { PaymentStatus, PgParams } from '../../domain/gateway';
import type { ExternalOperation } from '../../domain/operations';
import type { AgreementType } from '../../domain/agreement';
import type { ChargeSaved, GatewayAgreement, GatewayPayment, SavedToken, StartPayment } from '../../ports/payment-gateway';

/**
 * Between our types and MPGS's wire types (API version 100, REST-JSON): the INITIATE_CHECKOUT
 * and operation bodies we send, and the Retrieve Order / transaction answers we read, into a
 * payment status, Ottu's `pg_params` and a scrubbed `gateway_response`. Pure.
 */

type Json = Record<string, unknown>;

const OPERATIONS: Record<Operation, 'PURCHASE' | 'AUTHORIZE'> = { purchase: 'PURCHASE', authorize: 'AUTHORIZE' };
// MPGS's limits on these display fields.
const MERCHANT_NAME_MAX = 40;
const DESCRIPTION_MAX = 127;

/** Ottu's agreement types in MPGS's terms (v100 `agreement.type`): event_based and other have no match but OTHER. */
const AGREEMENT_TYPES: Record<AgreementType, string> = { recurring: 'RECURRING', installment: 'INSTALLMENT', unscheduled: 'UNSCHEDULED', event_based: 'OTHER', other: 'OTHER' };

export function agreementJson(agreement: GatewayAgreement): Json {
  return { id: agreement.id, type: AGREEMENT_TYPES[agreement.type], ...(agreement.expiry_date ? { expiryDate: agreement.expiry_date } : {}) };
}

/**
 * The INITIATE_CHECKOUT request: our attempt reference is the order id, the amount a decimal
 * string with the currency's exponent. A verification (save_card) sends no amount: the page
 * verifies the card without charging it. An agreement is the payer's consent to the
 * merchant-initiated payments that name it later.
 */
export function checkoutRequest(request: StartPayment): Json {
  return {
    apiOperation: 'INITIATE_CHECKOUT',
    ...(request.agreement ? { agreement: agreementJson(request.agreement) } : {}),
    interaction: {
      operation: request.verify ? 'VERIFY' : OPERATIONS[request.operation],
      returnUrl: request.returnUrl,
      ...(request.cancelUrl ? { cancelUrl: request.cancelUrl } : {}),
      merchant: { name: request.merchantName.slice(0, MERCHANT_NAME_MAX) },
    },
    order: {
      id: request.reference,
      ...(request.verify ? {} : { amount: request.amount }),
      currency: request.currency,
      ...(request.description ? { description: request.description.slice(0, DESCRIPTION_MAX) } : {}),
      notificationUrl: request.notificationUrl,
    },
  };
}

/**
 * A payment with a saved card: `PUT …/order/{our reference}/transaction/{our reference}`.
 * Merchant-initiated (auto-debit) says so (`transaction.source` MERCHANT), names the agreement
 * and declares the card stored on file, as MPGS's Credential on File guide asks.
 */
export function tokenPaymentRequest(request: ChargeSaved): Json {
  const merchant = request.initiator === 'merchant';
  return {
    apiOperation: request.operation === 'authorize' ? 'AUTHORIZE' : 'PAY',
    order: { amount: request.amount, currency: request.currency, notificationUrl: request.notificationUrl },
    sourceOfFunds: { type: 'CARD', token: request.token, ...(merchant ? { provided: { card: { storedOnFile: 'STORED' } } } : {}) },
    transaction: { source: merchant ? 'MERCHANT' : 'INTERNET' },
    ...(request.agreement ? { agreement: agreementJson(request.agreement) } : {}),
  };
}

/** A transaction answer (a PUT's, or Retrieve Transaction's) read as Retrieve Order would say it: the order with this one payment. */
export function paymentFromTransaction(transaction: Json): GatewayPayment {
  return paymentFromOrder({ ...obj(transaction.order), sourceOfFunds: transaction.sourceOfFunds, transaction: [transaction] });
}

/**
 * The token answer (`POST …/token`): the token and the card as MPGS masks it; the expiry comes
 * as MMYY here. Undefined when the answer lacks any of them or the number is not masked.
 */
export function savedTokenFrom(answer: Json): SavedToken | undefined {
  const token = str(answer.token);
  const card = obj(obj(obj(answer.sourceOfFunds).provided).card);
  const number = str(card.number);
  const expiry = /^(\d{2})(\d{2})$/.exec(str(card.expiry) ?? '');
  const brand = str(card.brand) ?? str(card.scheme);
  if (!token || !number || !expiry || !brand || !/^\d{6}[xX*]+\d{4}$/.test(number)) return undefined;
  const nameOnCard = str(card.nameOnCard);
  return { kind: 'saved', token, card: { brand, number, expiry_month: expiry[1]!, expiry_year: expiry[2]!, ...(nameOnCard ? { name_on_card: nameOnCard } : {}) } };
}

/** The body of `PUT …/order/{order}/transaction/{our id}`. */
export function operationRequest(operation: ExternalOperation, amount: string, currency: string, targetTransactionId?: string): Json {
  if (operation === 'void') return { apiOperation: 'VOID', transaction: { targetTransactionId } };
  return { apiOperation: operation === 'capture' ? 'CAPTURE' : 'REFUND', transaction: { amount, currency } };
}

const obj = (value: unknown): Json => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {});
const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** The payment transactions of an order (a PURCHASE's PAYMENT, an AUTHORIZE's AUTHORIZATION, a VERIFY's VERIFICATION), oldest first. */
function paymentTransactions(order: Json): Json[] {
  const list = Array.isArray(order.transaction) ? (order.transaction as unknown[]).map(obj) : [];
  return list.filter((entry) => ['PAYMENT', 'AUTHORIZATION', 'VERIFICATION'].includes(String(obj(entry.transaction).type)));
}

/** Gateway codes that are the issuer's or the card's "no": the customer may try another card. */
const DECLINES = new Set(['DECLINED', 'DECLINED_AVS', 'DECLINED_AVS_CSC', 'DECLINED_CSC', 'DECLINED_PAYMENT_PLAN', 'DECLINED_DO_NOT_CONTACT', 'EXPIRED_CARD', 'INSUFFICIENT_FUNDS', 'BLOCKED', 'REFERRED', 'AUTHENTICATION_FAILED', 'NOT_ENROLLED_3D_SECURE', 'CANCELLED']);

/**
 * What Retrieve Order says of the attempt: the payment transaction that succeeded if any, else
 * the latest one. SUCCESS is paid (PAYMENT, and a VERIFICATION of amount 0: Ottu counts a
 * save_card as successful without any funds charged) or authorized (AUTHORIZATION); FAILURE a decline or
 * a gateway error by its gatewayCode; PENDING, UNKNOWN, or no payment yet: pending.
 */
export function paymentFromOrder(order: Json): GatewayPayment {
  const payments = paymentTransactions(order);
  const chosen = payments.find((entry) => entry.result === 'SUCCESS') ?? payments.at(-1);
  const status = chosen ? transactionStatus(chosen) : 'pending';
  const card = obj(obj(obj(order.sourceOfFunds).provided).card);
  const number = str(card.number);
  return {
    status,
    order: { id: String(order.id ?? ''), amount: String(order.amount ?? ''), currency: String(order.currency ?? '') },
    ...(number ? { card: { brand: cardBrand(str(card.brand)), last4: number.slice(-4) } } : {}),
    pg_params: pgParams(order, chosen),
    gateway_response: scrub({ ...order, transaction: payments.slice(-3) }) as Json,
  };
}

function transactionStatus(entry: Json): PaymentStatus {
  const type = obj(entry.transaction).type;
  if (entry.result === 'SUCCESS') return type === 'AUTHORIZATION' ? 'authorized' : 'paid';
  if (entry.result !== 'FAILURE') return 'pending';
  return DECLINES.has(String(obj(entry.response).gatewayCode)) ? 'declined' : 'error';
}

/** Ottu's normalized fields from an order and its payment transaction (only what MPGS gave). */
export function pgParams(order: Json, entry: Json | undefined): PgParams {
  const card = obj(obj(obj(order.sourceOfFunds ?? entry?.sourceOfFunds).provided).card);
  const transaction = obj(entry?.transaction);
  const response = obj(entry?.response);
  const expiry = obj(card.expiry);
  const params: PgParams = {
    card_number: str(card.number),
    card_type: str(card.fundingMethod)?.toLowerCase(),
    card_holder: str(card.nameOnCard),
    card_expiry_month: str(expiry.month),
    card_expiry_year: str(expiry.year),
    auth_code: str(transaction.authorizationCode),
    transaction_id: str(transaction.id),
    receipt_no: str(transaction.receipt),
    // MPGS's receipt is the acquirer's retrieval reference number.
    rrn: str(transaction.receipt),
    ref: str(order.id),
    result: str(response.gatewayCode),
    pg_message: str(response.acquirerMessage),
  };
  return Object.fromEntries(Object.entries(params).filter(([, value]) => value !== undefined)) as PgParams;
}

/** An operation's answer (a transaction): SUCCESS confirmed, FAILURE refused with MPGS's reason, anything else unknown. */
export function operationOutcome(transaction: Json): { kind: 'confirmed' | 'refused' | 'unknown'; explanation: string; pg_params: PgParams; pg_response: Json } {
  const response = obj(transaction.response);
  const gatewayCode = str(response.gatewayCode) ?? String(transaction.result ?? '');
  const kind = transaction.result === 'SUCCESS' ? 'confirmed' : transaction.result === 'FAILURE' ? 'refused' : 'unknown';
  return { kind, explanation: `The payment gateway answered ${gatewayCode}.`, pg_params: pgParams(obj(transaction.order), transaction), pg_response: scrub(transaction) as Json };
}

/** The id of the order's successful AUTHORIZATION: what a VOID targets. */
export function authorizationId(order: Json): string | undefined {
  const authorization = paymentTransactions(order).find((entry) => entry.result === 'SUCCESS' && obj(entry.transaction).type === 'AUTHORIZATION');
  return str(obj(authorization?.transaction).id);
}

const BRANDS: Record<string, CardBrand> = { MASTERCARD: 'mastercard', VISA: 'visa', AMEX: 'amex', DINERS_CLUB: 'diners', JCB: 'jcb', DISCOVER: 'discover', UNIONPAY: 'unionpay' };

function cardBrand(brand: string | undefined): CardBrand {
  return (brand && BRANDS[brand]) || 'card';
}

// The card's security code itself (never its check result, `cardSecurityCode`), and anything that is a credential.
const SECRET_KEYS = /^(securityCode|cvv|csc|password|apiPassword|secret|notificationSecret|token|authorization)$/i;

/**
 * The gateway's answer as it may be kept and shown (Ottu's gateway_response): no key that could
 * hold a secret, and no run of 13 to 19 digits that could be a card number (MPGS masks them; this
 * holds even if a gateway did not).
 */
export function scrub(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrub);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).filter(([key]) => !SECRET_KEYS.test(key)).map(([key, inner]) => [key, scrub(inner)]));
  }
  if (typeof value === 'string') return value.replace(/\d{13,19}/g, (digits) => `${digits.slice(0, 6)}${'x'.repeat(digits.length - 10)}${digits.slice(-4)}`);
  return value;
}
