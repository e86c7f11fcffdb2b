import type { OperationName } from './operations';

/** The merchant's configuration (one deployment serves one merchant, as an Ottu instance does). */

export type Operation = 'purchase' | 'authorize';
export const PLUGINS = ['payment_request', 'e_commerce'] as const;
export type Plugin = (typeof PLUGINS)[number];
export type PluginPermission = 'add' | 'change' | 'view';

export interface GatewaySetting {
  code: string;
  name: string;
  /** Name of the gateway the setting applies to, e.g. "Ottu PG". */
  pg: string;
  is_sandbox: boolean;
  operation: Operation;
  icon: string;
  /** Fee as a percentage of the amount, a decimal string ("0", "2.5"). */
  fee_percent: string;
  /** ISO 4217 codes this gateway accepts. */
  currencies: string[];
  /** Failed payment attempts allowed before the session fails. */
  attempt_limit: number;
  /**
   * How the connector reaches the gateway, what is not secret (MPGS: `host`, `merchant_id`).
   * Secrets (API password, notification secret) are never here: Secrets Manager holds them.
   */
  connection?: Record<string, string>;
  /** Minutes after which an attempt the gateway has not answered is asked about (MPGS: 11). */
  inquiry_window_minutes?: number;
}

/**
 * What a caller may do: the same three permissions for a Basic user and a scoped API key.
 * Plugins (add/change/view sessions), the gateway codes it may `use`, and the operations of
 * /b/pbl/v2/operation/ it may perform.
 */
export interface Scope {
  permissions: Partial<Record<Plugin, PluginPermission[]>>;
  /** Gateway codes the caller has `use` permission on. */
  pg_codes: string[];
  /**
   * Operations the caller may perform through /b/pbl/v2/operation/ (Ottu's `payment.refund`,
   * `payment.capture`, … permissions). Absent or empty: none.
   */
  operations?: OperationName[];
}

export interface User extends Scope {
  username: string;
  /** scrypt hash, see domain/credentials.ts; the password itself is never stored. */
  password_hash: string;
  active: boolean;
}

export interface ApiKey {
  /** The public part before the dot, used to find the key. */
  prefix: string;
  /** SHA-256 (hex) of the whole key; the key itself is never stored. */
  key_hash: string;
  /** The key's name: shown in listings, the audit trail and operations' `initiator`. */
  label: string;
  /** ISO time; absent on keys made before keys had a life cycle. */
  created_at?: string;
  /** ISO time after which the key is refused (an expiry, or the end of a rotation's overlap). */
  expires_at?: string;
  /** ISO time it was revoked: refused from then on, kept so listings and the audit trail can name it. */
  revoked_at?: string;
  /** What the key may do; absent: everything (an unscoped key, as every key was before scopes). */
  scope?: Scope;
}

export interface MerchantConfig {
  gateways: GatewaySetting[];
  /** Enabled ISO 4217 currency codes. */
  currencies: string[];
  users: User[];
  api_keys: ApiKey[];
  /** Default `expiration_time` for new sessions. */
  default_expiration: string;
  /** Ottu's "Expire Payment Transactions?" setting: sweep due sessions to `expired`. */
  expire_transactions: boolean;
  /**
   * The events before any payment attempt that also send the webhook. Ottu sends none for them by
   * default (its webhooks follow completed attempts, cancel, expiry, operations and inquiries);
   * a merchant may ask for `created` and `pending`. Absent: none.
   */
  webhook_open_events?: WebhookOpenEvent[];
  /**
   * Ottu's plugin configuration: the webhook_url and redirect_url a session of that plugin gets
   * when it is written without one (the seed's "default in the administration panel").
   */
  plugin_defaults?: Partial<Record<Plugin, PluginDefaults>>;
}

export const WEBHOOK_OPEN_EVENTS = ['created', 'pending'] as const;
export type WebhookOpenEvent = (typeof WEBHOOK_OPEN_EVENTS)[number];

export interface PluginDefaults {
  /** Absolute http(s) URLs, or empty for none. */
  webhook_url: string;
  redirect_url: string;
}

export function findGateway(config: MerchantConfig, code: string): GatewaySetting | undefined {
  return config.gateways.find((gateway) => gateway.code === code);
}
