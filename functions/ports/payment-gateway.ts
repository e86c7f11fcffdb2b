import type { Card } from '../domain/card';
import type { GatewaySetting, Operation } from '../domain/config';
import type { GatewayCapabilities, PaymentStatus, PgParams } from '../domain/gateway';
import type { ExternalOperation } from '../domain/operations';
import type { AttemptGateway } from '../domain/session';

/**
 * A payment gateway, as the use cases see it (shaped on what Hyperswitch, ActiveMerchant, Medusa
 * and Saleor converge on). Each connector lives in its own folder under functions/adapters/ and
 * is found through the connectors table by its gateway setting's `pg`. The gateway's server API
 * is the source of truth: the customer's return and the gateway's notification only trigger a
 * `sync`. Every money-moving call carries an id of ours, so a retry is safe.
 */
export interface PaymentGateway {
  readonly capabilities: GatewayCapabilities;
  /** Purchase or authorize: how to send the customer to the gateway (or, for the sandbox, the outcome). */
  start(request: StartPayment): Promise<Started>;
  /** The attempt's real state at the gateway. A failure to ask answers `pending`, never `declined`. */
  sync(attempt: AttemptRef): Promise<GatewayPayment>;
  /** The customer is back: whether the return's proof matches what the gateway gave at start (advisory; sync decides). */
  onReturn(attempt: AttemptRef, query: Readonly<Record<string, string | undefined>>): { matches: boolean };
  /** Whether a notification is the gateway's (its shared secret), and which attempt it names. */
  onNotification(request: { headers: Readonly<Record<string, string | undefined>>; body: unknown }): { authentic: false } | { authentic: true; reference?: string };
  capture(request: OperationCall): Promise<OperationResult>;
  void(request: OperationCall): Promise<OperationResult>;
  refund(request: OperationCall): Promise<OperationResult>;
  /**
   * What the gateway holds for an operation we sent (our child's reference), asked when the
   * request that sent it died before recording the answer: its outcome, `absent` when the gateway
   * says it has no such transaction (nothing was done), `unknown` when it cannot tell. Never sends.
   */
  lookup(request: OperationCall): Promise<OperationResult | { kind: 'absent' }>;
}

/** The connectors table, each connector bound to its gateway setting's credentials. */
export interface PaymentGateways {
  /** The connector that runs this gateway setting, or undefined when none can. */
  connect(setting: GatewaySetting): Promise<PaymentGateway | undefined>;
}

export interface StartPayment {
  /** Our reference for this attempt: the gateway's order id (unique per attempt). */
  reference: string;
  operation: Operation;
  /** Decimal string with the currency's exponent. */
  amount: string;
  currency: string;
  /** Where the gateway sends the customer back (and back after a cancel), and where it notifies us. */
  returnUrl: string;
  cancelUrl?: string;
  notificationUrl: string;
  merchantName: string;
  description?: string;
  /** The card typed on our own page: the sandbox only (capabilities.cardFormOnOurPage). */
  card?: Card;
}

export type Started =
  /** Decided at once (the sandbox). */
  | { kind: 'settled'; payment: GatewayPayment }
  /** The customer goes to the gateway's page; `gateway` is kept on the attempt. */
  | { kind: 'hosted'; page: HostedPage; gateway: AttemptGateway }
  /** The gateway refused to start or could not be reached: nothing was attempted, the customer may try again. */
  | { kind: 'unavailable'; reason: string };

export type HostedPage =
  /** A small page of ours loads the gateway's script, which sends the customer on. */
  | { kind: 'script'; scriptUrl: string; configure: Record<string, unknown>; call: string }
  | { kind: 'redirect'; url: string };

export interface AttemptRef {
  reference: string;
  gateway?: AttemptGateway;
}

/** The gateway's answer about one payment, checked against our session before anything changes. */
export interface GatewayPayment {
  status: PaymentStatus;
  /** The gateway's order: its id, amount and currency must match ours or nothing is paid. */
  order?: { id: string; amount: string; currency: string };
  card?: Pick<Card, 'brand' | 'last4'>;
  pg_params: PgParams;
  /** The gateway's raw answer, scrubbed of anything sensitive. */
  gateway_response: Record<string, unknown>;
}

export interface OperationCall {
  operation: ExternalOperation;
  /** Our child transaction's reference: the gateway's transaction id, so a retry is the same call. */
  id: string;
  /** The attempt that paid (or authorized) the session. */
  attempt: AttemptRef & { card_last4: string };
  amount: string;
  currency: string;
}

export type OperationResult =
  | { kind: 'confirmed'; pg_params: PgParams; pg_response: Record<string, unknown> }
  | { kind: 'refused'; explanation: string; pg_response: Record<string, unknown> }
  /** Neither confirmed nor refused (a timeout the follow-up read could not settle): nothing is committed. */
  | { kind: 'unknown'; explanation: string };
