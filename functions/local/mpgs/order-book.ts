import { invalid, type ApiError } from './api-errors';
import { maskedNumber, type Brand, type CardDecision, type CardEntry, type CscResult, type Outcome, type TransactionResult } from './test-cards';
import type { AgreementRequest } from './token-vault';

/**
 * The gateway's state, pure: checkout sessions, orders, their transactions and running totals.
 * No I/O; the clock and the random identifiers are given. Amounts are bigint minor units.
 */

/** VERIFY: the hosted page verifies the card without charging it (a VERIFICATION of amount 0). */
export type InteractionOperation = 'PURCHASE' | 'AUTHORIZE' | 'VERIFY';

/** An INITIATE_CHECKOUT request, checked (api-requests.ts). */
export interface CheckoutRequest {
  operation: InteractionOperation;
  merchantName: string;
  returnUrl?: string;
  cancelUrl?: string;
  /** The payer consents, with this payment, to merchant-initiated payments under the agreement. */
  agreement?: AgreementRequest;
  order: { id: string; amount: bigint; currency: string; description?: string; notificationUrl?: string };
}

export interface CheckoutSession extends CheckoutRequest {
  id: string;
  merchantId: string;
  /** Changes every time the session changes (a payment attempt); the return carries it. */
  version: string;
  successIndicator: string;
  createdAt: Date;
}

/** The card as the gateway keeps it: masked, no security code. */
export interface StoredCard {
  brand: Brand;
  number: string;
  expiryMonth: string;
  expiryYear: string;
  nameOnCard: string;
}

export type TransactionType = 'AUTHORIZATION' | 'PAYMENT' | 'VERIFICATION' | 'CAPTURE' | 'REFUND' | 'VOID_AUTHORIZATION';

export interface Transaction {
  id: string;
  type: TransactionType;
  amount: bigint;
  currency: string;
  result: TransactionResult;
  gatewayCode: string;
  acquirerCode?: string;
  acquirerMessage?: string;
  csc?: CscResult;
  authorizationCode?: string;
  receipt?: string;
  acquirerTransactionId: string;
  targetTransactionId?: string;
  /** CHECKOUT: the hosted payment page; API: a merchant's PUT. */
  entryPoint: 'CHECKOUT' | 'API';
  /** `transaction.source`: INTERNET (the cardholder), MERCHANT (merchant-initiated). */
  source: 'INTERNET' | 'MERCHANT';
  /** The token the payment was made with (`sourceOfFunds.token`). */
  token?: string;
  agreement?: AgreementRequest;
  timeOfRecord: Date;
  /** What a repeated PUT of this id must match to be the same request. */
  request?: string;
}

export interface Order {
  merchantId: string;
  id: string;
  amount: bigint;
  currency: string;
  description?: string;
  notificationUrl?: string;
  creationTime: Date;
  lastUpdatedTime: Date;
  card?: StoredCard;
  transactions: Transaction[];
}

/** MPGS v100 `order.status` values this gateway can reach (the enumeration has more: 3-D Secure, disputes, funding). */
export type OrderStatus =
  | 'INITIATED'
  | 'FAILED'
  | 'VERIFIED'
  | 'AUTHORIZED'
  | 'PARTIALLY_CAPTURED'
  | 'CAPTURED'
  | 'PARTIALLY_REFUNDED'
  | 'REFUNDED'
  | 'CANCELLED';

export interface Totals {
  authorized: bigint;
  captured: bigint;
  refunded: bigint;
}

/** The random parts of what the gateway makes. */
export interface IdSource {
  /** `length` characters of [0-9A-Z]. */
  alphanumeric(length: number): string;
  /** `length` lowercase hex characters. */
  hex(length: number): string;
  /** `length` decimal digits. */
  digits(length: number): string;
}

/** The transactions that take the card: what the hosted page or a token payment makes. */
const PAYMENT_TYPES: readonly TransactionType[] = ['AUTHORIZATION', 'PAYMENT', 'VERIFICATION'];

const succeeded = (order: Order, ...types: TransactionType[]) =>
  order.transactions.filter((txn) => txn.result === 'SUCCESS' && types.includes(txn.type));
const sum = (txns: Transaction[]) => txns.reduce((total, txn) => total + txn.amount, 0n);

export function orderTotals(order: Order): Totals {
  const voided = succeeded(order, 'VOID_AUTHORIZATION').length > 0;
  return {
    authorized: voided ? 0n : sum(succeeded(order, 'AUTHORIZATION', 'PAYMENT')),
    captured: sum(succeeded(order, 'PAYMENT', 'CAPTURE')),
    refunded: sum(succeeded(order, 'REFUND')),
  };
}

/**
 * `order.status` from the transactions, as the v100 enumeration describes each value. An order
 * whose only attempts ended UNKNOWN stays INITIATED ("no payment has yet been made" as far as
 * the gateway knows): the documentation does not say which status such an order shows, and the
 * fake will not call an unknown outcome FAILED.
 */
export function orderStatus(order: Order): OrderStatus {
  if (succeeded(order, 'VOID_AUTHORIZATION').length > 0) return 'CANCELLED';
  const { authorized, captured, refunded } = orderTotals(order);
  if (refunded > 0n) return refunded >= captured ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
  if (captured > 0n) return captured < authorized ? 'PARTIALLY_CAPTURED' : 'CAPTURED';
  if (authorized > 0n) return 'AUTHORIZED';
  if (succeeded(order, 'VERIFICATION').length > 0) return 'VERIFIED';
  const payments = order.transactions.filter((txn) => PAYMENT_TYPES.includes(txn.type));
  return payments.length > 0 && payments.every((txn) => txn.result === 'FAILURE') ? 'FAILED' : 'INITIATED';
}

/** A merchant operation on an order, checked (api-requests.ts). */
export type OperationRequest =
  | { apiOperation: 'CAPTURE' | 'REFUND'; amount: bigint; currency: string; notificationUrl?: string }
  | { apiOperation: 'VOID'; targetTransactionId: string; notificationUrl?: string };

/** A payment with a stored token through the API (PAY, AUTHORIZE or VERIFY), checked. */
export interface TokenPaymentRequest {
  apiOperation: 'PAY' | 'AUTHORIZE' | 'VERIFY';
  /** 0 for VERIFY. */
  amount: bigint;
  currency: string;
  token: string;
  source: 'INTERNET' | 'MERCHANT';
  agreement?: AgreementRequest;
  notificationUrl?: string;
}

const TOKEN_TRANSACTION_TYPE = { PAY: 'PAYMENT', AUTHORIZE: 'AUTHORIZATION', VERIFY: 'VERIFICATION' } as const;

export type PaymentResult =
  | { kind: 'paid'; order: Order; transaction: Transaction; session: CheckoutSession; resultIndicator: string }
  | { kind: 'closed'; reason: string };

export class OrderBook {
  private readonly sessions = new Map<string, CheckoutSession>();
  private readonly orders = new Map<string, Order>();

  constructor(
    private readonly now: () => Date,
    private readonly ids: IdSource,
  ) {}

  session(id: string): CheckoutSession | undefined {
    return this.sessions.get(id);
  }

  order(merchantId: string, orderId: string): Order | undefined {
    return this.orders.get(key(merchantId, orderId));
  }

  /**
   * INITIATE_CHECKOUT. Order ids are unique per merchant: an id whose order already holds a
   * successful payment is refused; one whose earlier attempts all failed (or never happened)
   * takes a new session for the same order, with the same amount and currency (MPGS lets a
   * payer try again on an order that has no successful payment).
   */
  initiateCheckout(merchantId: string, request: CheckoutRequest): CheckoutSession | ApiError {
    const existing = this.order(merchantId, request.order.id);
    if (existing && orderStatus(existing) !== 'FAILED') {
      return invalid('order.id', `Order ID ${request.order.id} has already been used for a payment`);
    }
    if (existing && (existing.amount !== request.order.amount || existing.currency !== request.order.currency)) {
      return invalid('order.amount', `Order ${request.order.id} exists with a different amount or currency`);
    }
    const session: CheckoutSession = {
      ...request,
      id: `SESSION0002${this.ids.alphanumeric(20)}`,
      merchantId,
      version: this.ids.hex(10),
      successIndicator: this.ids.hex(16),
      createdAt: this.now(),
    };
    this.sessions.set(session.id, session);
    return session;
  }

  /**
   * The payer submitted the hosted form: one AUTHORIZATION (AUTHORIZE) or PAYMENT (PURCHASE)
   * on the session's order, its outcome decided by the test table. The return carries
   * `resultIndicator`: the session's successIndicator when the payment succeeded, a fresh
   * value otherwise.
   */
  pay(sessionId: string, card: CardEntry, decision: CardDecision): PaymentResult {
    const session = this.sessions.get(sessionId);
    if (!session) return { kind: 'closed', reason: 'This payment session does not exist.' };
    const now = this.now();
    const orderKey = key(session.merchantId, session.order.id);
    const order: Order = this.orders.get(orderKey) ?? {
      merchantId: session.merchantId,
      ...session.order,
      creationTime: now,
      lastUpdatedTime: now,
      transactions: [],
    };
    if (orderStatus(order) !== 'FAILED' && order.transactions.length > 0) {
      return { kind: 'closed', reason: 'This order has already been paid or is being processed.' };
    }
    if (session.order.notificationUrl) order.notificationUrl = session.order.notificationUrl;
    const approved = decision.outcome.result === 'SUCCESS';
    const transaction: Transaction = {
      id: this.freeTransactionId(order),
      type: session.operation === 'AUTHORIZE' ? 'AUTHORIZATION' : session.operation === 'VERIFY' ? 'VERIFICATION' : 'PAYMENT',
      amount: session.operation === 'VERIFY' ? 0n : order.amount,
      currency: order.currency,
      ...decision.outcome,
      csc: decision.csc,
      ...(approved && { authorizationCode: this.ids.digits(6) }),
      ...(decision.outcome.acquirerCode && { receipt: this.ids.digits(12) }),
      acquirerTransactionId: this.ids.digits(15),
      entryPoint: 'CHECKOUT',
      source: 'INTERNET',
      ...(session.agreement && { agreement: session.agreement }),
      timeOfRecord: now,
    };
    order.card = {
      brand: decision.brand,
      number: maskedNumber(card.number.replace(/[\s-]/g, '')),
      expiryMonth: String(Number(card.expiryMonth)),
      expiryYear: card.expiryYear,
      nameOnCard: card.nameOnCard,
    };
    order.transactions.push(transaction);
    order.lastUpdatedTime = now;
    this.orders.set(orderKey, order);
    session.version = this.ids.hex(10);
    const resultIndicator = approved ? session.successIndicator : this.ids.hex(16);
    return { kind: 'paid', order, transaction, session, resultIndicator };
  }

  /**
   * PUT …/order/{orderId}/transaction/{transactionId}: CAPTURE, REFUND or VOID. Capture up to
   * what is authorized and not yet captured, refund up to what is captured and not yet
   * refunded (in as many parts as wanted), void only an authorization nothing was captured
   * from. A refused operation is a 400 and records nothing.
   *
   * A transaction id already on the order: the documentation found says nothing of a repeated
   * PUT, so the fake answers the stored transaction again when the request is the same (what
   * Retrieve Transaction would answer; nothing moves twice), and refuses a different request
   * with that id.
   */
  operate(merchantId: string, orderId: string, transactionId: string, request: OperationRequest): { order: Order; transaction: Transaction; repeated: boolean } | ApiError {
    const order = this.order(merchantId, orderId);
    if (!order) return invalid(undefined, `No order with ID ${orderId}`);
    const fingerprint = fingerprintOf(request);
    const stored = order.transactions.find((txn) => txn.id === transactionId);
    if (stored) {
      if (stored.request === fingerprint) return { order, transaction: stored, repeated: true };
      return invalid('transaction.id', `Transaction ID ${transactionId} already exists on order ${orderId} for a different request`);
    }
    const refusal = this.refusal(order, request);
    if (refusal) return refusal;
    if (request.notificationUrl) order.notificationUrl = request.notificationUrl;
    const now = this.now();
    const target = request.apiOperation === 'VOID' ? order.transactions.find((txn) => txn.id === request.targetTransactionId)! : undefined;
    const transaction: Transaction = {
      id: transactionId,
      type: request.apiOperation === 'VOID' ? 'VOID_AUTHORIZATION' : request.apiOperation,
      amount: request.apiOperation === 'VOID' ? target!.amount : request.amount,
      currency: order.currency,
      result: 'SUCCESS',
      gatewayCode: 'APPROVED',
      acquirerCode: '00',
      acquirerMessage: 'Approved',
      ...(request.apiOperation !== 'REFUND' && { authorizationCode: target?.authorizationCode ?? succeeded(order, 'AUTHORIZATION')[0]?.authorizationCode }),
      receipt: this.ids.digits(12),
      acquirerTransactionId: this.ids.digits(15),
      ...(target && { targetTransactionId: target.id }),
      entryPoint: 'API',
      source: 'INTERNET',
      timeOfRecord: now,
      request: fingerprint,
    };
    order.transactions.push(transaction);
    order.lastUpdatedTime = now;
    return { order, transaction, repeated: false };
  }

  /**
   * PUT …/transaction/{id} paying with a stored token: a PAYMENT, AUTHORIZATION or VERIFICATION
   * on a new order (or one whose attempts all failed), its outcome decided by the stored card
   * (the caller: token-routes.ts). A repeated PUT answers as operate() does.
   */
  payWithToken(merchantId: string, orderId: string, transactionId: string, request: TokenPaymentRequest, card: StoredCard, outcome: Outcome): { order: Order; transaction: Transaction; repeated: boolean } | ApiError {
    const fingerprint = fingerprintOf(request);
    const existing = this.order(merchantId, orderId);
    const stored = existing?.transactions.find((txn) => txn.id === transactionId);
    if (stored) {
      if (stored.request === fingerprint) return { order: existing!, transaction: stored, repeated: true };
      return invalid('transaction.id', `Transaction ID ${transactionId} already exists on order ${orderId} for a different request`);
    }
    if (existing && (orderStatus(existing) !== 'FAILED' || existing.transactions.some((txn) => !PAYMENT_TYPES.includes(txn.type)))) {
      return invalid('order.id', `Order ID ${orderId} has already been used for a payment`);
    }
    if (existing && request.apiOperation !== 'VERIFY' && (existing.amount !== request.amount || existing.currency !== request.currency)) {
      return invalid('order.amount', `Order ${orderId} exists with a different amount or currency`);
    }
    const now = this.now();
    const order: Order = existing ?? { merchantId, id: orderId, amount: request.amount, currency: request.currency, creationTime: now, lastUpdatedTime: now, transactions: [] };
    if (request.notificationUrl) order.notificationUrl = request.notificationUrl;
    const transaction: Transaction = {
      id: transactionId,
      type: TOKEN_TRANSACTION_TYPE[request.apiOperation],
      amount: request.amount,
      currency: request.currency,
      ...outcome,
      ...(outcome.result === 'SUCCESS' && { authorizationCode: this.ids.digits(6) }),
      ...(outcome.acquirerCode && { receipt: this.ids.digits(12) }),
      acquirerTransactionId: this.ids.digits(15),
      entryPoint: 'API',
      source: request.source,
      token: request.token,
      ...(request.agreement && { agreement: request.agreement }),
      timeOfRecord: now,
      request: fingerprint,
    };
    order.card = { ...card };
    order.transactions.push(transaction);
    order.lastUpdatedTime = now;
    this.orders.set(key(merchantId, orderId), order);
    return { order, transaction, repeated: false };
  }

  /**
   * The acquirer's late answer to a payment whose outcome was UNKNOWN (for tests: the gateway
   * learns the outcome after the payer has gone). The documentation does not say how MPGS
   * settles an UNKNOWN transaction; here the same transaction takes the outcome, and the
   * gateway notifies it as an updated transaction.
   */
  resolveUnknown(merchantId: string, orderId: string, outcome: Outcome): { order: Order; transaction: Transaction } | string {
    const order = this.order(merchantId, orderId);
    if (!order) return `no order ${orderId} for merchant ${merchantId}`;
    const transaction = order.transactions.find((txn) => txn.result === 'UNKNOWN' && (txn.type === 'PAYMENT' || txn.type === 'AUTHORIZATION'));
    if (!transaction) return `order ${orderId} has no payment with an unknown outcome`;
    Object.assign(transaction, outcome, {
      ...(outcome.result === 'SUCCESS' && { authorizationCode: this.ids.digits(6) }),
      ...(outcome.acquirerCode && { receipt: this.ids.digits(12) }),
    });
    order.lastUpdatedTime = this.now();
    return { order, transaction };
  }

  private refusal(order: Order, request: OperationRequest): ApiError | undefined {
    const status = orderStatus(order);
    if (status === 'FAILED' || status === 'INITIATED') return invalid(undefined, `Order ${order.id} has no successful authorization or payment`);
    if (status === 'VERIFIED') return invalid(undefined, `Order ${order.id} holds only a verification: nothing was paid`);
    if (status === 'CANCELLED') return invalid(undefined, `Order ${order.id} has been voided`);
    const { authorized, captured, refunded } = orderTotals(order);
    if (request.apiOperation === 'VOID') {
      const target = order.transactions.find((txn) => txn.id === request.targetTransactionId);
      if (!target) return invalid('transaction.targetTransactionId', `No transaction ${request.targetTransactionId} on order ${order.id}`);
      if (target.type !== 'AUTHORIZATION' || target.result !== 'SUCCESS') {
        // The fake sends every capture, payment and refund to the acquirer at once, so only an
        // authorization is still voidable.
        return invalid('transaction.targetTransactionId', `Transaction ${target.id} cannot be voided: only an authorization can`);
      }
      if (captured > 0n) return invalid('transaction.targetTransactionId', `Authorization ${target.id} cannot be voided: it has been captured`);
      return undefined;
    }
    if (request.currency !== order.currency) return invalid('transaction.currency', `The order's currency is ${order.currency}`);
    if (request.apiOperation === 'CAPTURE') {
      if (succeeded(order, 'PAYMENT').length > 0) return invalid(undefined, `Order ${order.id} was paid in one step; there is nothing to capture`);
      if (request.amount > authorized - captured) return invalid('transaction.amount', 'Requested capture amount exceeds the authorized amount not yet captured');
      return undefined;
    }
    if (request.amount > captured - refunded) return invalid('transaction.amount', 'Requested refund amount exceeds the captured amount not yet refunded');
    return undefined;
  }

  /** Hosted payments number their transactions 1, 2, … skipping ids the merchant took. */
  private freeTransactionId(order: Order): string {
    for (let next = order.transactions.length + 1; ; next += 1) {
      if (!order.transactions.some((txn) => txn.id === String(next))) return String(next);
    }
  }
}

function fingerprintOf(request: object): string {
  return JSON.stringify(request, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
}

function key(merchantId: string, orderId: string): string {
  return `${merchantId}\n${orderId}`;
}
