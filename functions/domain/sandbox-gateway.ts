/**
 * The sandbox payment gateway: decides an attempt from the card number alone, so tests and
 * demos can reach every outcome. Numbers are the well-known test cards.
 */

export type GatewayResult = 'success' | 'failed' | 'error';

export const SANDBOX_CARDS = {
  success: '4111111111111111',
  declined: '4000000000000002',
  error: '4000000000000119',
  /** Pays (or authorizes) normally, but the gateway then rejects every refund, capture and void. */
  operationsRejected: '4000000000005126',
} as const;

/** Declined and gateway-error cards fail; any other (Luhn-valid) number succeeds. */
export function sandboxDecision(cardNumber: string): GatewayResult {
  if (cardNumber === SANDBOX_CARDS.declined) return 'failed';
  if (cardNumber === SANDBOX_CARDS.error) return 'error';
  return 'success';
}

/**
 * A refund, capture or void on the sandbox: accepted, unless the session was paid with the
 * `operationsRejected` card (as Stripe's 4000000000005126 makes refunds fail), so a merchant
 * can test the failure path. Only the last four digits are kept, which is enough here.
 */
export function sandboxOperationDecision(session: { attempts: readonly { result: GatewayResult; card_last4: string }[] }): 'accepted' | 'rejected' {
  const paidWith = session.attempts.filter((attempt) => attempt.result === 'success').at(-1);
  return paidWith?.card_last4 === SANDBOX_CARDS.operationsRejected.slice(-4) ? 'rejected' : 'accepted';
}

/**
 * The sandbox gateway's answer to an accepted refund, capture or void, as a connector reports
 * one: its raw response (`pg_response`) and Ottu's normalized fields of it (`pg_params`).
 */
export function sandboxOperationAnswer(operation: string, amount: string, currencyCode: string, referenceNumber: string): { pg_response: Record<string, unknown>; pg_params: Record<string, unknown> } {
  const transactionId = `sandbox-${operation}-${referenceNumber}`;
  return {
    pg_response: { gateway: 'sandbox', operation, result: 'SUCCESS', amount, currency: currencyCode, transaction_id: transactionId },
    pg_params: { result: 'SUCCESS', transaction_id: transactionId, ref: referenceNumber, pg_message: `Sandbox ${operation} approved.` },
  };
}
