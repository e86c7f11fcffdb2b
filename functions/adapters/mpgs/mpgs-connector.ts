import { createHash, timingSafeEqual } from 'node:crypto';
import type { GatewaySetting } from '../../domain/config';
import type { GatewayCapabilities } from '../../domain/gateway';
import type { GatewayPayment, OperationCall, OperationResult, PaymentGateway, StartPayment, Started } from '../../ports/payment-gateway';
import type { ConnectorContext } from '../connectors';
import { MpgsClient, type MpgsAnswer } from './mpgs-client';
import { mpgsSettings, type MpgsSettings } from './mpgs-settings';
import { authorizationId, checkoutRequest, operationOutcome, operationRequest, paymentFromOrder, scrub } from './mpgs-transformers';

/**
 * Mastercard Gateway (MPGS) Hosted Checkout, API version 100. The customer types the card on
 * MPGS's own page (our functions never see it): `start` opens a checkout session
 * (INITIATE_CHECKOUT) and hands the customer over through MPGS's checkout.min.js; Retrieve Order
 * is the only truth about the payment (the return's resultIndicator and the notification only
 * trigger it); refunds, captures and voids are `PUT …/transaction/{our child id}`, read back with
 * a GET after a timeout before anything is sent again.
 */
export const MPGS_CAPABILITIES: GatewayCapabilities = {
  operations: ['purchase', 'authorize'],
  capture: true,
  partialCapture: true,
  refund: true,
  partialRefund: true,
  void: true,
  tokenization: false,
  cardFormOnOurPage: false,
  sync: true,
};

export async function mpgsConnector(setting: GatewaySetting, context: ConnectorContext): Promise<PaymentGateway | undefined> {
  const settings = mpgsSettings(setting, await context.secrets.read(setting.code));
  // A gateway set up wrong is not available (the page says so); the problem names fields, never values.
  if (typeof settings === 'string') throw new Error(settings);
  return new MpgsGateway(settings, new MpgsClient(settings, context.fetch, context.timeoutMs), setting.currencies);
}

class MpgsGateway implements PaymentGateway {
  readonly capabilities: GatewayCapabilities;

  constructor(
    private readonly settings: MpgsSettings,
    private readonly client: MpgsClient,
    currencies: readonly string[],
  ) {
    this.capabilities = { ...MPGS_CAPABILITIES, currencies };
  }

  async start(request: StartPayment): Promise<Started> {
    const answer = await this.client.initiateCheckout(checkoutRequest(request));
    if (answer.kind !== 'ok') return { kind: 'unavailable', reason: answer.kind === 'refused' ? `${answer.cause}: ${answer.explanation}` : answer.reason };
    const sessionId = (answer.body.session as { id?: unknown } | undefined)?.id;
    const successIndicator = answer.body.successIndicator;
    if (typeof sessionId !== 'string' || typeof successIndicator !== 'string') return { kind: 'unavailable', reason: 'INITIATE_CHECKOUT answered without session.id or successIndicator' };
    return {
      kind: 'hosted',
      page: { kind: 'script', scriptUrl: `${this.settings.host}/static/checkout/checkout.min.js`, configure: { session: { id: sessionId } }, call: 'showPaymentPage' },
      gateway: { session_id: sessionId, success_indicator: successIndicator },
    };
  }

  async sync(attempt: { reference: string }): Promise<GatewayPayment> {
    const answer = await this.client.retrieveOrder(attempt.reference);
    if (answer.kind === 'ok') return paymentFromOrder(answer.body);
    // No order yet (the customer has not paid, or left) or no answer: pending, never failed.
    return { status: 'pending', pg_params: {}, gateway_response: answer.kind === 'refused' ? (scrub(answer.body) as Record<string, unknown>) : { result: 'UNKNOWN', reason: answer.reason } };
  }

  onReturn(attempt: { gateway?: { success_indicator?: string } }, query: Readonly<Record<string, string | undefined>>): { matches: boolean } {
    return { matches: sameSecret(query.resultIndicator, attempt.gateway?.success_indicator) };
  }

  onNotification({ headers, body }: { headers: Readonly<Record<string, string | undefined>>; body: unknown }) {
    if (!sameSecret(headers['x-notification-secret'], this.settings.notificationSecret)) return { authentic: false as const };
    const order = (typeof body === 'object' && body !== null ? (body as { order?: { id?: unknown } }).order : undefined) ?? {};
    return { authentic: true as const, ...(typeof order.id === 'string' ? { reference: order.id } : {}) };
  }

  capture(call: OperationCall) {
    return this.operate(call);
  }

  void(call: OperationCall) {
    return this.operate(call);
  }

  refund(call: OperationCall) {
    return this.operate(call);
  }

  /** Retrieve Transaction of our child's reference: MPGS's record of it, or none (400 INVALID_REQUEST). */
  async lookup(call: OperationCall): Promise<OperationResult | { kind: 'absent' }> {
    const found = await this.client.retrieveTransaction(call.attempt.reference, call.id);
    if (found.kind === 'ok') return settled(found);
    if (found.kind === 'refused' && found.status === 400 && found.cause === 'INVALID_REQUEST') return { kind: 'absent' };
    return { kind: 'unknown', explanation: found.kind === 'refused' ? found.cause : found.reason };
  }

  /**
   * One PUT with our child's reference as the transaction id. When its answer is lost, the
   * transaction is read back first: found, it is the answer; not found, the PUT is sent once
   * more (MPGS answers a repeated PUT of the same transaction deterministically); still no
   * answer, unknown.
   */
  private async operate(call: OperationCall): Promise<OperationResult> {
    const order = call.attempt.reference;
    let target: string | undefined;
    if (call.operation === 'void') {
      const found = await this.client.retrieveOrder(order);
      if (found.kind !== 'ok') return found.kind === 'refused' ? refused(found) : { kind: 'unknown', explanation: found.reason };
      target = authorizationId(found.body);
      if (!target) return { kind: 'refused', explanation: 'The payment gateway has no authorization to void on this order.', pg_response: scrub(found.body) as Record<string, unknown> };
    }
    const body = operationRequest(call.operation, call.amount, call.currency, target);
    const first = await this.client.putTransaction(order, call.id, body);
    if (first.kind !== 'unknown') return settled(first);
    const readBack = await this.client.retrieveTransaction(order, call.id);
    if (readBack.kind === 'ok') return settled(readBack);
    if (readBack.kind === 'unknown') return { kind: 'unknown', explanation: first.reason };
    // MPGS has no such transaction: nothing was done, so sending it again is safe.
    const again = await this.client.putTransaction(order, call.id, body);
    return again.kind === 'unknown' ? { kind: 'unknown', explanation: again.reason } : settled(again);
  }
}

function settled(answer: Exclude<MpgsAnswer, { kind: 'unknown' }>): OperationResult {
  if (answer.kind === 'refused') return refused(answer);
  const outcome = operationOutcome(answer.body);
  if (outcome.kind === 'unknown') return { kind: 'unknown', explanation: outcome.explanation };
  if (outcome.kind === 'refused') return { kind: 'refused', explanation: outcome.explanation, pg_response: outcome.pg_response };
  return { kind: 'confirmed', pg_params: outcome.pg_params, pg_response: outcome.pg_response };
}

function refused(answer: Extract<MpgsAnswer, { kind: 'refused' }>): OperationResult {
  return { kind: 'refused', explanation: `The payment gateway refused: ${answer.explanation}`, pg_response: scrub(answer.body) as Record<string, unknown> };
}

/** Constant-time equality of two secrets of any length (both hashed first); a missing one is never equal. */
function sameSecret(given: string | undefined, expected: string | undefined): boolean {
  if (!given || !expected) return false;
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
