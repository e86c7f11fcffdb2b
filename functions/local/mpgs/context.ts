import type { FaultSwitches } from './faults';
import type { Notifier } from './notifications';
import type { OrderBook } from './order-book';
import type { TokenVault } from './token-vault';

/** A merchant of the fake gateway (its Merchant Administration settings). */
export interface MerchantSettings {
  id: string;
  /** The API password: Basic auth user `merchant.{id}`. */
  password: string;
  /** Sent in X-Notification-Secret with every webhook notification. */
  notificationSecret: string;
  /** Currencies the merchant's acquirer takes; all of ISO 4217 when absent. */
  currencies?: readonly string[];
  /** The merchant's risk rules reject a CSC mismatch (the payment is DECLINED_CSC). */
  rejectCscNoMatch?: boolean;
  /** The notification URL set in Merchant Administration; order.notificationUrl overrides it. */
  notificationUrl?: string;
}

/** What the routes share. */
export interface GatewayContext {
  book: OrderBook;
  /** Tokens and the agreements payers consented to. */
  vault: TokenVault;
  merchants: ReadonlyMap<string, MerchantSettings>;
  faults: FaultSwitches;
  notifier: Notifier;
  /** The fake's own base URL as the browser reaches it (for checkout.min.js). */
  publicUrl?: string;
}
