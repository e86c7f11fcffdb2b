/**
 * The sandbox payment gateway: decides an attempt from the card number alone, so tests and
 * demos can reach every outcome. Numbers are the well-known test cards.
 */

export type GatewayResult = 'success' | 'failed' | 'error';

export const SANDBOX_CARDS = {
  success: '4111111111111111',
  declined: '4000000000000002',
  error: '4000000000000119',
} as const;

/** Declined and gateway-error cards fail; any other (Luhn-valid) number succeeds. */
export function sandboxDecision(cardNumber: string): GatewayResult {
  if (cardNumber === SANDBOX_CARDS.declined) return 'failed';
  if (cardNumber === SANDBOX_CARDS.error) return 'error';
  return 'success';
}
