import type { Operation } from './config';
import type { ExternalOperation } from './operations';

/**
 * What every payment gateway connector shares, in our terms: an attempt's result, Ottu's
 * normalized gateway fields (`pg_params`), and the capabilities a connector declares so a use
 * case can refuse what the gateway cannot do before calling it. Pure: connectors live in
 * functions/adapters/<gateway>/, behind the PaymentGateway port (functions/ports/payment-gateway.ts).
 */

/**
 * An attempt's result: `pending` while the gateway has not said (the customer is on its page, or
 * a call timed out): unknown is never a failure, a sync resolves it.
 */
export type GatewayResult = 'success' | 'failed' | 'error' | 'pending';

/**
 * Ottu's `pg_params` (reference/ottu-docs/developers/webhooks/pg-params.md): the gateway's answer
 * in fixed names, whatever the gateway. Only what the gateway returned is set; the card number
 * is masked by the gateway itself (never a full PAN).
 */
export interface PgParams {
  auth_code?: string;
  card_type?: string;
  card_holder?: string;
  card_expiry_month?: string;
  card_expiry_year?: string;
  card_number?: string;
  card_issuer?: string;
  ref?: string;
  result?: string;
  track_id?: string;
  transaction_id?: string;
  payment_id?: string;
  pg_message?: string;
  receipt_no?: string;
  transaction_no?: string;
  rrn?: string;
  decision?: string;
}

/** What a gateway can do, declared by its connector and checked before calling it. */
export interface GatewayCapabilities {
  /** purchase, authorize, or both. */
  operations: readonly Operation[];
  capture: boolean;
  /** Several captures, each of part of the authorized amount. */
  partialCapture: boolean;
  refund: boolean;
  /** Refunds of part of what was paid, repeated until nothing is left. */
  partialRefund: boolean;
  void: boolean;
  /** ISO 4217 codes; undefined: whatever the gateway setting lists. */
  currencies?: readonly string[];
  tokenization: boolean;
  /**
   * The customer types the card on our own page (the sandbox only). A real gateway takes the
   * card on its own page, so card data never reaches our functions.
   */
  cardFormOnOurPage: boolean;
  /** The gateway can be asked for an attempt's real state (sync). */
  sync: boolean;
}

/** Why a gateway cannot do what is asked, or undefined when its capabilities allow it. */
export function capabilityProblem(capabilities: GatewayCapabilities, request: { operation: Operation | ExternalOperation; currency?: string; partial?: boolean; repeated?: boolean }): string | undefined {
  const { operation } = request;
  if (request.currency && capabilities.currencies && !capabilities.currencies.includes(request.currency)) return `The payment gateway does not accept ${request.currency}.`;
  if (operation === 'purchase' || operation === 'authorize') return capabilities.operations.includes(operation) ? undefined : `The payment gateway cannot ${operation}.`;
  if (!capabilities[operation]) return `The payment gateway cannot ${operation}.`;
  if (operation === 'capture' && request.partial && !capabilities.partialCapture) return 'The payment gateway cannot capture part of an authorization.';
  if (operation === 'refund' && (request.partial || request.repeated) && !capabilities.partialRefund) return 'The payment gateway can only refund the whole amount, once.';
  return undefined;
}

/** Where a gateway's answer takes an attempt: the outcome of a payment, in our terms. */
export type PaymentStatus =
  /** The money was taken (purchase) or held (authorize). */
  | 'paid'
  | 'authorized'
  /** The gateway declined; the customer may try again. */
  | 'declined'
  /** The gateway failed to process it (acquirer error, …): not paid, may try again. */
  | 'error'
  /** The gateway has no final answer yet, or we could not reach it: ask again later. */
  | 'pending';

/** The result an attempt records for a payment status. */
export function attemptResult(status: PaymentStatus): GatewayResult {
  if (status === 'paid' || status === 'authorized') return 'success';
  if (status === 'declined') return 'failed';
  return status;
}

/**
 * Gateways that take the card on their own page (their connector says `cardFormOnOurPage:
 * false`; test/unit/connectors.test.ts holds the two facts together). The hosted page shows our
 * card form only for the others (the sandbox; a production one without a connector is refused).
 */
export const HOSTED_PGS: readonly string[] = ['mpgs'];

export function cardFormIsOurs(method: { pg: string }): boolean {
  return !HOSTED_PGS.includes(method.pg);
}

/**
 * Gateways whose connector keeps cards (`tokenization: true`; test/http/mpgs-tokens.test.ts
 * holds the two facts together): the only ones a save_card or auto_debit session may use, and
 * what the payment-methods filters `tokenizable` and `auto_debit` list.
 */
export const TOKENIZING_PGS: readonly string[] = ['mpgs'];

export function tokenizes(method: { pg: string }): boolean {
  return TOKENIZING_PGS.includes(method.pg);
}
