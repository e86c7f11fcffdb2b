import { formatAmount } from './amounts';
import { JsonDecimal } from './json-text';
import { orderStatus, orderTotals, type CheckoutSession, type Order, type Transaction } from './order-book';

/**
 * The API's JSON for an order and a transaction (API version 100, REST-JSON). A transaction is
 * what Retrieve Transaction answers, and also the answer to its PUT and the body of its webhook
 * notification; Retrieve Order is the order with all its transactions. Amounts are JSON numbers
 * with the currency's decimals; the card is masked; the security code is never kept.
 */

const API_VERSION = '100';
const ACQUIRER_ID = 'LOCAL_MPGS_ACQUIRER';
/** The CSC result as an acquirer code (Visa/Mastercard style). */
const CSC_ACQUIRER_CODE = { MATCH: 'M', NOT_PROCESSED: 'P', NO_MATCH: 'N' } as const;

const amount = (minor: bigint, currency: string) => new JsonDecimal(formatAmount(minor, currency));

function orderFields(order: Order) {
  const totals = orderTotals(order);
  return {
    amount: amount(order.amount, order.currency),
    creationTime: order.creationTime.toISOString(),
    currency: order.currency,
    description: order.description,
    id: order.id,
    lastUpdatedTime: order.lastUpdatedTime.toISOString(),
    merchantAmount: amount(order.amount, order.currency),
    merchantCurrency: order.currency,
    notificationUrl: order.notificationUrl,
    status: orderStatus(order),
    totalAuthorizedAmount: amount(totals.authorized, order.currency),
    totalCapturedAmount: amount(totals.captured, order.currency),
    totalRefundedAmount: amount(totals.refunded, order.currency),
  };
}

function sourceOfFunds(order: Order, token?: string) {
  const card = order.card;
  if (!card) return undefined;
  return {
    ...(token && { token }),
    provided: {
      card: {
        brand: card.brand,
        expiry: { month: card.expiryMonth, year: card.expiryYear },
        fundingMethod: 'CREDIT',
        nameOnCard: card.nameOnCard || undefined,
        number: card.number,
        scheme: card.brand,
      },
    },
    type: 'CARD',
  };
}

export function transactionJson(order: Order, txn: Transaction): object {
  const day = txn.timeOfRecord.toISOString().slice(0, 10);
  return {
    ...(txn.agreement && { agreement: txn.agreement }),
    gatewayEntryPoint: txn.entryPoint === 'CHECKOUT' ? 'CHECKOUT' : 'WEB_SERVICES_API',
    merchant: order.merchantId,
    order: orderFields(order),
    response: {
      acquirerCode: txn.acquirerCode,
      acquirerMessage: txn.acquirerMessage,
      ...(txn.csc && { cardSecurityCode: { acquirerCode: CSC_ACQUIRER_CODE[txn.csc], gatewayCode: txn.csc } }),
      gatewayCode: txn.gatewayCode,
    },
    result: txn.result,
    sourceOfFunds: sourceOfFunds(order, txn.token),
    timeOfLastUpdate: order.lastUpdatedTime.toISOString(),
    timeOfRecord: txn.timeOfRecord.toISOString(),
    transaction: {
      acquirer: {
        batch: Number(day.replace(/-/g, '')),
        date: day.slice(5, 7) + day.slice(8, 10),
        id: ACQUIRER_ID,
        merchantId: order.merchantId,
        settlementDate: day,
        timeZone: '+0000',
        transactionId: txn.acquirerTransactionId,
      },
      amount: amount(txn.amount, txn.currency),
      authorizationCode: txn.authorizationCode,
      currency: txn.currency,
      id: txn.id,
      receipt: txn.receipt,
      source: txn.source,
      targetTransactionId: txn.targetTransactionId,
      terminal: 'LOCAL001',
      type: txn.type,
    },
    version: API_VERSION,
  };
}

/** Retrieve Order. `result` is SUCCESS, FAILURE for an order whose payments all failed, UNKNOWN while none has a known outcome. */
export function orderJson(order: Order): object {
  const status = orderStatus(order);
  return {
    ...orderFields(order),
    merchant: order.merchantId,
    result: status === 'FAILED' ? 'FAILURE' : status === 'INITIATED' ? 'UNKNOWN' : 'SUCCESS',
    sourceOfFunds: sourceOfFunds(order),
    transaction: order.transactions.map((txn) => transactionJson(order, txn)),
  };
}

/** The INITIATE_CHECKOUT answer. */
export function checkoutJson(session: CheckoutSession): object {
  return {
    checkoutMode: 'WEBSITE',
    merchant: session.merchantId,
    result: 'SUCCESS',
    session: { id: session.id, updateStatus: 'SUCCESS', version: session.version },
    successIndicator: session.successIndicator,
  };
}
