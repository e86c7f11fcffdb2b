import type { GatewayContext } from './context';
import { jsonText } from './json-text';
import { notify } from './notify-order';
import { transactionJson } from './order-json';
import { EXPIRY_OUTCOMES, outcomeOf } from './test-cards';

/**
 * The acquirer answers late a payment that ended UNKNOWN (05/37): the transaction takes the
 * outcome named by its gateway code and is notified as updated. Undefined when done, else why not.
 */
export function resolvePayment(context: GatewayContext, merchantId: string, orderId: string, gatewayCode: string): string | undefined {
  const outcome = outcomeOf(gatewayCode);
  if (!outcome) {
    const codes = Object.values(EXPIRY_OUTCOMES).filter((known) => known.result !== 'UNKNOWN').map((known) => known.gatewayCode);
    return `gatewayCode must be one of ${codes.join(', ')}`;
  }
  const merchant = context.merchants.get(merchantId);
  if (!merchant) return `no merchant ${merchantId}`;
  const done = context.book.resolveUnknown(merchantId, orderId, outcome);
  if (typeof done === 'string') return done;
  notify(context, merchant, done.order, done.transaction.id, jsonText(transactionJson(done.order, done.transaction)));
  return undefined;
}
