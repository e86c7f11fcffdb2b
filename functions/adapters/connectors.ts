import type { GatewaySetting } from '../domain/config';
import type { PaymentGateway, PaymentGateways } from '../ports/payment-gateway';
import { mpgsConnector } from './mpgs/mpgs-connector';
import { sandboxConnector } from './sandbox/sandbox-connector';

/**
 * The connectors table: one line per gateway, keyed by the gateway setting's `pg`. A connector is
 * its own folder under functions/adapters/ (its client, its transformers between our types and
 * the gateway's wire types, its declared capabilities); adding a gateway is that folder and one
 * line here (docs/gateways.md).
 */

/** A gateway's secrets (API password, notification secret), by pg_code: never in the config item. */
export interface GatewaySecrets {
  /** The secret values of one gateway setting, or undefined when none are stored. */
  read(pgCode: string): Promise<Readonly<Record<string, string>> | undefined>;
}

export interface ConnectorContext {
  secrets: GatewaySecrets;
  /** fetch, or a stand-in (tests); a connector calls its gateway over HTTP with it. */
  fetch?: typeof fetch;
  /** Per-call timeout towards the gateway. */
  timeoutMs?: number;
}

export type Connector = (setting: GatewaySetting, context: ConnectorContext) => PaymentGateway | undefined | Promise<PaymentGateway | undefined>;

export const CONNECTORS: Readonly<Record<string, Connector>> = {
  'Ottu PG': sandboxConnector,
  mpgs: mpgsConnector,
};

/**
 * The PaymentGateways port over the table. A sandbox setting whose `pg` no connector claims runs
 * on the sandbox, as every gateway did before connectors existed; any other has no connector.
 */
export function connectorTable(context: ConnectorContext, table: Readonly<Record<string, Connector>> = CONNECTORS): PaymentGateways {
  return {
    async connect(setting) {
      const connector = Object.hasOwn(table, setting.pg) ? table[setting.pg] : setting.is_sandbox ? sandboxConnector : undefined;
      return connector ? connector(setting, context) : undefined;
    },
  };
}

/** No secrets at all: enough for the sandbox alone. */
export const NO_SECRETS: GatewaySecrets = { read: async () => undefined };
