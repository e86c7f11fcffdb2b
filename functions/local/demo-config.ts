import { randomBytes } from 'node:crypto';
import { setting } from '../config/env';
import type { MerchantConfig } from '../domain/config';
import { hashPassword, newApiKey, sha256Hex } from '../domain/credentials';
import { DEFAULT_EXPIRATION } from '../domain/expiration';

export interface DemoCredentials {
  apiKey: string;
  basic: { username: string; password: string };
  webhookKey: string;
}

/**
 * The embedded runtime's demo merchant. Credentials come from CHECKOUT_DEMO_API_KEY,
 * CHECKOUT_DEMO_BASIC (`user:password`) and CHECKOUT_DEMO_WEBHOOK_KEY, or are generated.
 */
type DemoVariable = 'CHECKOUT_DEMO_API_KEY' | 'CHECKOUT_DEMO_BASIC' | 'CHECKOUT_DEMO_WEBHOOK_KEY';
type DemoValues = Partial<Record<DemoVariable, string>>;

const fromSettings = (): DemoValues => ({
  CHECKOUT_DEMO_API_KEY: setting('CHECKOUT_DEMO_API_KEY'),
  CHECKOUT_DEMO_BASIC: setting('CHECKOUT_DEMO_BASIC'),
  CHECKOUT_DEMO_WEBHOOK_KEY: setting('CHECKOUT_DEMO_WEBHOOK_KEY'),
});

/** A local MPGS for the demo merchant's MPGS gateways (npm start runs one beside the API). */
export interface DemoMpgs {
  /** Its base URL (the gateway setting's connection.host). */
  host: string;
  merchantId: string;
  /** The secret values of its gateways (Secrets Manager on AWS): `api_password`, `notification_secret`. */
  secrets: { api_password: string; notification_secret: string };
}

/** The demo's MPGS gateway codes: purchase (KWD) and authorize (KWD, USD). */
export const DEMO_MPGS_CODES = ['mpgs-kwd', 'mpgs-authorize'] as const;

/** `hash` is for tests, which reuse a stored hash of their fixed password instead of paying scrypt each time. */
export async function demoConfig(
  env: DemoValues = fromSettings(),
  mpgs?: DemoMpgs,
  hash: (password: string) => Promise<string> = hashPassword,
): Promise<{ config: MerchantConfig; credentials: DemoCredentials }> {
  const apiKey = env.CHECKOUT_DEMO_API_KEY || newApiKey().key;
  const [username = 'demo', password = randomBytes(12).toString('base64url')] = splitBasic(env.CHECKOUT_DEMO_BASIC);
  const webhookKey = env.CHECKOUT_DEMO_WEBHOOK_KEY || randomBytes(32).toString('hex');
  const config: MerchantConfig = {
    gateways: [
      gateway('sandbox-kwd', 'Sandbox KWD', 'purchase', ['KWD']),
      gateway('sandbox-authorize', 'Sandbox Authorize', 'authorize', ['KWD', 'USD']),
      ...(mpgs
        ? [
            mpgsGateway('mpgs-kwd', 'Mastercard Gateway (local MPGS)', 'purchase', ['KWD'], mpgs),
            mpgsGateway('mpgs-authorize', 'Mastercard Gateway Authorize (local MPGS)', 'authorize', ['KWD', 'USD'], mpgs),
          ]
        : []),
    ],
    currencies: ['KWD', 'USD', 'EUR', 'SAR', 'BHD', 'JPY'],
    users: [
      {
        username,
        password_hash: await hash(password),
        active: true,
        permissions: { payment_request: ['add', 'change', 'view'] },
        pg_codes: ['sandbox-kwd'],
        // Everything but delete, so the demo shows both an allowed and a refused operation.
        operations: ['refund', 'capture', 'void', 'cancel', 'expire'],
      },
    ],
    api_keys: [{ prefix: apiKey.split('.')[0]!, key_hash: sha256Hex(apiKey), label: 'demo' }],
    default_expiration: DEFAULT_EXPIRATION,
    expire_transactions: true,
  };
  return { config, credentials: { apiKey, basic: { username, password }, webhookKey } };
}

function splitBasic(value: string | undefined): string[] {
  if (!value) return [];
  const colon = value.indexOf(':');
  if (colon < 1) throw new Error('CHECKOUT_DEMO_BASIC must be "user:password"');
  return [value.slice(0, colon), value.slice(colon + 1)];
}

/** An MPGS test merchant's gateway setting: `is_sandbox` (a test environment, as Ottu marks one), run by the MPGS connector. */
function mpgsGateway(code: string, name: string, operation: 'purchase' | 'authorize', currencies: string[], mpgs: DemoMpgs) {
  return { ...gateway(code, name, operation, currencies), pg: 'mpgs', connection: { host: mpgs.host, merchant_id: mpgs.merchantId }, inquiry_window_minutes: 11 };
}

function gateway(code: string, name: string, operation: 'purchase' | 'authorize', currencies: string[]) {
  return {
    code,
    name,
    pg: 'Ottu PG',
    is_sandbox: true,
    operation,
    icon: '/static/pg-icons/card.svg',
    fee_percent: '0',
    currencies,
    attempt_limit: 3,
  };
}
