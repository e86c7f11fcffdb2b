import { currencyExponent, parseAmount } from './amounts';
import { invalid, missing, type ApiError } from './api-errors';
import type { CheckoutRequest, OperationRequest, TokenPaymentRequest } from './order-book';
import { AGREEMENT_TYPES, type AgreementRequest, type AgreementType } from './token-vault';

/**
 * The request bodies the fake takes, checked field by field the way MPGS names its fields in an
 * error (`field: "order.amount"`, `validationType: "MISSING" | "INVALID" | "UNSUPPORTED"`).
 */

type Json = Record<string, unknown>;

const MAX_ORDER_ID = 40;
const MAX_TRANSACTION_ID = 40;
const MAX_DESCRIPTION = 127;
const MAX_MERCHANT_NAME = 40;
/** `agreement.id` and a token: the v100 reference's lengths. */
const MAX_AGREEMENT_ID = 100;
const TOKEN_PATTERN = /^[0-9A-Za-z]{1,40}$/;

function object(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function text(body: Json, path: string): string | undefined | ApiError {
  let value: unknown = body;
  for (const part of path.split('.')) value = object(value)?.[part];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') return invalid(path, `Value for ${path} must be a string`);
  return value;
}

function required(body: Json, path: string): string | ApiError {
  const value = text(body, path);
  return value === undefined ? missing(path) : value;
}

function url(body: Json, path: string): string | undefined | ApiError {
  const value = text(body, path);
  if (typeof value !== 'string') return value;
  try {
    const parsed = new URL(value);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return value;
  } catch {
    // refused below
  }
  return invalid(path, `Value for ${path} must be an absolute http or https URL`);
}

const failed = (value: unknown): value is ApiError => typeof value === 'object' && value !== null && (value as ApiError).kind === 'api-error';

function amountAndCurrency(body: Json, prefix: 'order' | 'transaction', merchantCurrencies?: readonly string[]): { amount: bigint; currency: string } | ApiError {
  const currency = required(body, `${prefix}.currency`);
  if (failed(currency)) return currency;
  if (currencyExponent(currency) === undefined) return invalid(`${prefix}.currency`, `Value '${currency}' is invalid: not an ISO 4217 currency code`);
  if (merchantCurrencies && !merchantCurrencies.includes(currency)) {
    return invalid(`${prefix}.currency`, `Currency ${currency} is not supported for this merchant`, 'UNSUPPORTED');
  }
  const raw = object(body[prefix])?.amount;
  if (raw === undefined || raw === null || raw === '') return missing(`${prefix}.amount`);
  const amount = parseAmount(raw, currency);
  return typeof amount === 'string' ? invalid(`${prefix}.amount`, `Value for ${prefix}.amount is invalid: ${amount}`) : { amount, currency };
}

/** `agreement.{id, type, expiryDate}`, when the request names an agreement. */
function agreementOf(body: Json): AgreementRequest | undefined | ApiError {
  if (object(body.agreement) === undefined) {
    return body.agreement === undefined ? undefined : invalid('agreement', 'Value for agreement must be an object');
  }
  const id = required(body, 'agreement.id');
  if (failed(id)) return id;
  if (id.length > MAX_AGREEMENT_ID) return invalid('agreement.id', `Value for agreement.id is longer than ${MAX_AGREEMENT_ID} characters`);
  const type = required(body, 'agreement.type');
  if (failed(type)) return type;
  if (!(AGREEMENT_TYPES as readonly string[]).includes(type)) return invalid('agreement.type', `Value '${type}' is invalid: use one of ${AGREEMENT_TYPES.join(', ')}`);
  const expiryDate = text(body, 'agreement.expiryDate');
  if (failed(expiryDate)) return expiryDate;
  if (expiryDate !== undefined && !validDate(expiryDate)) return invalid('agreement.expiryDate', `Value '${expiryDate}' is not a date (YYYY-MM-DD)`);
  return { id, type: type as AgreementType, ...(expiryDate && { expiryDate }) };
}

function validDate(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
}

/** A verification charges nothing: no amount, or a zero one. */
function verificationCurrency(body: Json, prefix: 'order', merchantCurrencies?: readonly string[]): { amount: bigint; currency: string } | ApiError {
  const raw = object(body[prefix])?.amount;
  if (raw !== undefined && raw !== null && raw !== '' && !/^0+(\.0+)?$/.test(String(raw))) {
    return invalid(`${prefix}.amount`, 'A verification charges nothing: omit order.amount or send 0');
  }
  const currency = required(body, `${prefix}.currency`);
  if (failed(currency)) return currency;
  if (currencyExponent(currency) === undefined) return invalid(`${prefix}.currency`, `Value '${currency}' is invalid: not an ISO 4217 currency code`);
  if (merchantCurrencies && !merchantCurrencies.includes(currency)) {
    return invalid(`${prefix}.currency`, `Currency ${currency} is not supported for this merchant`, 'UNSUPPORTED');
  }
  return { amount: 0n, currency };
}

export function checkoutRequest(body: Json, merchantCurrencies?: readonly string[]): CheckoutRequest | ApiError {
  const apiOperation = required(body, 'apiOperation');
  if (failed(apiOperation)) return apiOperation;
  if (apiOperation !== 'INITIATE_CHECKOUT') return invalid('apiOperation', `Value '${apiOperation}' is invalid for this resource: use INITIATE_CHECKOUT`);
  const operation = required(body, 'interaction.operation');
  if (failed(operation)) return operation;
  if (operation !== 'PURCHASE' && operation !== 'AUTHORIZE' && operation !== 'VERIFY') {
    const known = operation === 'NONE';
    return invalid('interaction.operation', `Value '${operation}' is ${known ? 'not supported by this gateway' : 'invalid'}`, known ? 'UNSUPPORTED' : 'INVALID');
  }
  const merchantName = required(body, 'interaction.merchant.name');
  if (failed(merchantName)) return merchantName;
  if (merchantName.length > MAX_MERCHANT_NAME) return invalid('interaction.merchant.name', `Value for interaction.merchant.name is longer than ${MAX_MERCHANT_NAME} characters`);
  const returnUrl = url(body, 'interaction.returnUrl');
  if (failed(returnUrl)) return returnUrl;
  const cancelUrl = url(body, 'interaction.cancelUrl');
  if (failed(cancelUrl)) return cancelUrl;
  const id = required(body, 'order.id');
  if (failed(id)) return id;
  if (id.length > MAX_ORDER_ID) return invalid('order.id', `Value for order.id is longer than ${MAX_ORDER_ID} characters`);
  const money = operation === 'VERIFY' ? verificationCurrency(body, 'order', merchantCurrencies) : amountAndCurrency(body, 'order', merchantCurrencies);
  if (failed(money)) return money;
  const agreement = agreementOf(body);
  if (failed(agreement)) return agreement;
  const description = text(body, 'order.description');
  if (failed(description)) return description;
  if (description && description.length > MAX_DESCRIPTION) return invalid('order.description', `Value for order.description is longer than ${MAX_DESCRIPTION} characters`);
  const notificationUrl = url(body, 'order.notificationUrl');
  if (failed(notificationUrl)) return notificationUrl;
  return {
    operation,
    merchantName,
    ...(returnUrl && { returnUrl }),
    ...(cancelUrl && { cancelUrl }),
    ...(agreement && { agreement }),
    order: { id, ...money, ...(description && { description }), ...(notificationUrl && { notificationUrl }) },
  };
}

/**
 * PAY, AUTHORIZE or VERIFY with `sourceOfFunds.token` (the only source of funds the fake takes
 * through the API: it has no card form there). A merchant-initiated one (`transaction.source`
 * MERCHANT) must name its agreement and declare the card stored
 * (`sourceOfFunds.provided.card.storedOnFile` STORED), as the Credential on File guide asks.
 */
function tokenPaymentRequest(body: Json, apiOperation: 'PAY' | 'AUTHORIZE' | 'VERIFY', notify: { notificationUrl?: string }): TokenPaymentRequest | ApiError {
  const token = required(body, 'sourceOfFunds.token');
  if (failed(token)) {
    return object(object(body.sourceOfFunds)?.provided)?.card !== undefined
      ? invalid('sourceOfFunds.provided.card', 'This gateway takes card details only on its hosted page: pay with sourceOfFunds.token', 'UNSUPPORTED')
      : token;
  }
  if (!TOKEN_PATTERN.test(token)) return invalid('sourceOfFunds.token', 'Value for sourceOfFunds.token must be 1 to 40 letters or digits');
  const type = text(body, 'sourceOfFunds.type');
  if (failed(type)) return type;
  if (type !== undefined && type !== 'CARD') return invalid('sourceOfFunds.type', `Value '${type}' is not supported: a token here holds a CARD`, 'UNSUPPORTED');
  const money = apiOperation === 'VERIFY' ? verificationCurrency(body, 'order') : amountAndCurrency(body, 'order');
  if (failed(money)) return money;
  const source = text(body, 'transaction.source') ?? 'INTERNET';
  if (failed(source)) return source;
  if (source !== 'INTERNET' && source !== 'MERCHANT') return invalid('transaction.source', `Value '${source}' is not supported: use INTERNET or MERCHANT`, 'UNSUPPORTED');
  const agreement = agreementOf(body);
  if (failed(agreement)) return agreement;
  const storedOnFile = text(body, 'sourceOfFunds.provided.card.storedOnFile');
  if (failed(storedOnFile)) return storedOnFile;
  if (storedOnFile !== undefined && !['NOT_STORED', 'TO_BE_STORED', 'STORED'].includes(storedOnFile)) {
    return invalid('sourceOfFunds.provided.card.storedOnFile', `Value '${storedOnFile}' is invalid`);
  }
  if (source === 'MERCHANT') {
    if (!agreement) return missing('agreement.id');
    if (storedOnFile !== 'STORED') return invalid('sourceOfFunds.provided.card.storedOnFile', 'A merchant-initiated payment uses stored details: send STORED', storedOnFile ? 'INVALID' : 'MISSING');
  }
  return { apiOperation, ...money, token, source, ...(agreement && { agreement }), ...notify };
}

export function operationRequest(body: Json): OperationRequest | TokenPaymentRequest | ApiError {
  const apiOperation = required(body, 'apiOperation');
  if (failed(apiOperation)) return apiOperation;
  const notificationUrl = url(body, 'order.notificationUrl');
  if (failed(notificationUrl)) return notificationUrl;
  const notify = notificationUrl ? { notificationUrl } : {};
  if (apiOperation === 'CAPTURE' || apiOperation === 'REFUND') {
    const money = amountAndCurrency(body, 'transaction');
    return failed(money) ? money : { apiOperation, ...money, ...notify };
  }
  if (apiOperation === 'VOID') {
    const targetTransactionId = required(body, 'transaction.targetTransactionId');
    return failed(targetTransactionId) ? targetTransactionId : { apiOperation, targetTransactionId, ...notify };
  }
  if (apiOperation === 'PAY' || apiOperation === 'AUTHORIZE' || apiOperation === 'VERIFY') return tokenPaymentRequest(body, apiOperation, notify);
  const known = ['UPDATE_AUTHORIZATION', 'DISBURSEMENT'].includes(apiOperation);
  return invalid('apiOperation', `Value '${apiOperation}' is ${known ? 'not supported by this gateway' : 'invalid'}`, known ? 'UNSUPPORTED' : 'INVALID');
}

/** Create or Update Token from a checkout session: `session.id`, and `sourceOfFunds.type` CARD when given. */
export function tokenRequest(body: Json): { sessionId: string } | ApiError {
  const sessionId = required(body, 'session.id');
  if (failed(sessionId)) {
    return object(object(body.sourceOfFunds)?.provided)?.card !== undefined
      ? invalid('sourceOfFunds.provided.card', 'This gateway takes card details only on its hosted page: save the token from its session.id', 'UNSUPPORTED')
      : sessionId;
  }
  const type = text(body, 'sourceOfFunds.type');
  if (failed(type)) return type;
  if (type !== undefined && type !== 'CARD') return invalid('sourceOfFunds.type', `Value '${type}' is not supported: use CARD`, 'UNSUPPORTED');
  return { sessionId };
}

export function validToken(token: string): boolean {
  return TOKEN_PATTERN.test(token);
}

export function validTransactionId(id: string): boolean {
  return id.length > 0 && id.length <= MAX_TRANSACTION_ID;
}
