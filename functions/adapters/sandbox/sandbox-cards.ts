/**
 * The sandbox gateway's rules: it decides an attempt from the card number alone, so tests and
 * demos can reach every outcome. Numbers are the well-known test cards.
 */

export const SANDBOX_CARDS = {
  success: '4111111111111111',
  declined: '4000000000000002',
  error: '4000000000000119',
  /** Pays (or authorizes) normally, but the gateway then rejects every refund, capture and void. */
  operationsRejected: '4000000000005126',
} as const;

export type SandboxDecision = 'success' | 'failed' | 'error';

/** Declined and gateway-error cards fail; any other (Luhn-valid) number succeeds. */
export function sandboxDecision(cardNumber: string): SandboxDecision {
  if (cardNumber === SANDBOX_CARDS.declined) return 'failed';
  if (cardNumber === SANDBOX_CARDS.error) return 'error';
  return 'success';
}

/**
 * A refund, capture or void on the sandbox: accepted, unless the session was paid with the
 * `operationsRejected` card (as Stripe's 4000000000005126 makes refunds fail), so a merchant
 * can test the failure path. Only the last four digits are kept, which is enough here.
 */
export function sandboxOperationDecision(paidWith: { card_last4: string }): 'accepted' | 'rejected' {
  return paidWith.card_last4 === SANDBOX_CARDS.operationsRejected.slice(-4) ? 'rejected' : 'accepted';
}

