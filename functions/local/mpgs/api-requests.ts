import { currencyExponent, parseAmount } from './amounts';
import { invalid, missing, type ApiError } from './api-errors';
import type { CheckoutRequest, OperationRequest } from './order-book';

/**
 * The request bodies the fake takes, checked field by field the way MPGS names its fields in an
 * error (`field: "order.amount"`, `validationType: "MISSING" | "INVALID" | "UNSUPPORTED"`).
 */

type Json = Record<string, unknown>;

const MAX_ORDER_ID = 40;
const MAX_TRANSACTION_ID = 40;
const MAX_DESCRIPTION = 127;
const MAX_MERCHANT_NAME = 40;

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

export function checkoutRequest(body: Json, merchantCurrencies?: readonly string[]): CheckoutRequest | ApiError {
  const apiOperation = required(body, 'apiOperation');
  if (failed(apiOperation)) return apiOperation;
  if (apiOperation !== 'INITIATE_CHECKOUT') return invalid('apiOperation', `Value '${apiOperation}' is invalid for this resource: use INITIATE_CHECKOUT`);
  const operation = required(body, 'interaction.operation');
  if (failed(operation)) return operation;
  if (operation !== 'PURCHASE' && operation !== 'AUTHORIZE') {
    const known = operation === 'VERIFY' || operation === 'NONE';
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
  const money = amountAndCurrency(body, 'order', merchantCurrencies);
  if (failed(money)) return money;
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
    order: { id, ...money, ...(description && { description }), ...(notificationUrl && { notificationUrl }) },
  };
}

export function operationRequest(body: Json): OperationRequest | ApiError {
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
  const known = ['PAY', 'AUTHORIZE', 'VERIFY', 'UPDATE_AUTHORIZATION', 'DISBURSEMENT'].includes(apiOperation);
  return invalid('apiOperation', `Value '${apiOperation}' is ${known ? 'not supported by this gateway (Hosted Checkout only)' : 'invalid'}`, known ? 'UNSUPPORTED' : 'INVALID');
}

export function validTransactionId(id: string): boolean {
  return id.length > 0 && id.length <= MAX_TRANSACTION_ID;
}
