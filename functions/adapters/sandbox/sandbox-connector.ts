import type { GatewaySetting } from '../../domain/config';
import type { GatewayCapabilities } from '../../domain/gateway';
import type { GatewayPayment, OperationCall, OperationResult, PaymentGateway, StartPayment, Started } from '../../ports/payment-gateway';
import { sandboxDecision, sandboxOperationDecision, type SandboxDecision } from './sandbox-cards';

/**
 * The sandbox gateway as a connector: the card is typed on our own page and decided at once by
 * its number (sandbox-cards.ts), no money moves and nothing leaves the process. It runs only
 * gateway settings marked `is_sandbox`: a production code must never "succeed" on test logic.
 */
export const SANDBOX_CAPABILITIES: GatewayCapabilities = {
  operations: ['purchase', 'authorize'],
  capture: true,
  partialCapture: true,
  refund: true,
  partialRefund: true,
  void: true,
  tokenization: false,
  cardFormOnOurPage: true,
  sync: false,
};

const STATUS: Record<SandboxDecision, 'declined' | 'error' | undefined> = { success: undefined, failed: 'declined', error: 'error' };
const GATEWAY_CODE: Record<SandboxDecision, string> = { success: 'APPROVED', failed: 'DECLINED', error: 'ERROR' };

export function sandboxConnector(setting: GatewaySetting): PaymentGateway | undefined {
  if (!setting.is_sandbox) return undefined;
  return {
    capabilities: SANDBOX_CAPABILITIES,
    async start(request: StartPayment): Promise<Started> {
      if (!request.card) return { kind: 'unavailable', reason: 'The sandbox takes the card on the checkout page.' };
      const decision = sandboxDecision(request.card.number);
      const status = STATUS[decision] ?? (request.operation === 'authorize' ? 'authorized' : 'paid');
      const { brand, last4 } = request.card;
      const payment: GatewayPayment = {
        status,
        order: { id: request.reference, amount: request.amount, currency: request.currency },
        card: { brand, last4 },
        // The first six and last four digits are what PCI DSS allows to show; the rest never leaves this call.
        pg_params: { card_number: `${request.card.number.slice(0, 6)}******${last4}`, card_type: brand, result: GATEWAY_CODE[decision], transaction_id: request.reference, pg_message: decision === 'success' ? 'Approved (sandbox)' : 'Not approved (sandbox)' },
        gateway_response: { gateway: 'sandbox', result: GATEWAY_CODE[decision], order: request.reference },
      };
      return { kind: 'settled', payment };
    },
    // The sandbox decides at start: there is nothing more to ask.
    async sync(attempt) {
      return { status: 'pending', pg_params: {}, gateway_response: { gateway: 'sandbox', order: attempt.reference } };
    },
    onReturn: () => ({ matches: false }),
    onNotification: () => ({ authentic: false }),
    capture: operate,
    void: operate,
    refund: operate,
    // The sandbox keeps no record and moves no money: a reservation left behind did nothing.
    lookup: async () => ({ kind: 'absent' }),
  };
}

async function operate(call: OperationCall): Promise<OperationResult> {
  const pg_response = { gateway: 'sandbox', operation: call.operation, transaction: call.id, amount: call.amount, currency: call.currency };
  if (sandboxOperationDecision(call.attempt) === 'rejected') return { kind: 'refused', explanation: `The payment gateway rejected the ${call.operation}.`, pg_response: { ...pg_response, result: 'FAILURE' } };
  return { kind: 'confirmed', pg_params: { transaction_id: call.id, result: 'SUCCESS' }, pg_response: { ...pg_response, result: 'SUCCESS' } };
}
