import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Ottu's webhook signature: HMAC-SHA256 (lowercase hex) with the merchant's webhook key over
 * the fields below that are present and non-empty, sorted by key, each written as key+value
 * with no separator. Other payload fields (extra, session_id, timestamp_utc, …) are not signed,
 * exactly as Ottu does, so merchants' existing verification code works unchanged.
 */
export const SIGNED_FIELDS = [
  'amount',
  'currency_code',
  'customer_first_name',
  'customer_last_name',
  'customer_email',
  'customer_phone',
  'customer_address_line1',
  'customer_address_line2',
  'customer_address_city',
  'customer_address_state',
  'customer_address_country',
  'customer_address_postal_code',
  'gateway_account',
  'gateway_name',
  'order_no',
  'reference_number',
  'result',
  'state',
] as const;

const SIGNED = new Set<string>(SIGNED_FIELDS);

/** The exact text that is signed (exported so docs and tests can show it). */
export function signatureMessage(payload: Record<string, unknown>): string {
  return Object.keys(payload)
    .filter((key) => SIGNED.has(key) && present(payload[key]))
    .sort()
    .map((key) => key + String(payload[key]))
    .join('');
}

export function signWebhook(payload: Record<string, unknown>, key: string): string {
  return createHmac('sha256', key).update(signatureMessage(payload), 'utf8').digest('hex');
}

/**
 * For merchants (and our own tests): true when `payload.signature` is the signature of the
 * payload under `key`. Constant-time comparison; a missing or malformed signature is false.
 */
export function verifyWebhookSignature(payload: Record<string, unknown>, key: string): boolean {
  const given = payload.signature;
  if (typeof given !== 'string' || !/^[0-9a-f]{64}$/.test(given)) return false;
  return timingSafeEqual(Buffer.from(given, 'hex'), Buffer.from(signWebhook(payload, key), 'hex'));
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}
