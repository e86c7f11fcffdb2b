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

/**
 * Beside Ottu's `signature` field, every webhook carries this header (the scheme Stripe uses):
 * `t=<unix seconds>,v1=<hex>[,v1=<hex>]`, one v1 per active webhook key (two during a rotation),
 * each HMAC-SHA256 (lowercase hex) over `<t>.<raw body>`. It signs the whole body, and the
 * timestamp lets a receiver refuse a replayed webhook (docs/webhooks.md).
 */
export const SIGNATURE_HEADER = 'x-checkout-signature';
/** How old a timestamp receivers accept (and our examples do): 5 minutes, as Stripe's libraries. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export function signatureHeader(rawBody: string, keys: readonly string[], now: Date): string {
  const t = Math.floor(now.getTime() / 1000);
  return [`t=${t}`, ...keys.map((key) => `v1=${timestampedSignature(rawBody, key, t)}`)].join(',');
}

function timestampedSignature(rawBody: string, key: string, t: number): string {
  return createHmac('sha256', key).update(`${t}.${rawBody}`, 'utf8').digest('hex');
}

/**
 * For receivers: 'ok' when one of the header's v1 signatures is that of `rawBody` under one of
 * `keys` and its timestamp is within the tolerance of `now` (either way: a receiver's clock may
 * be behind ours); else why not.
 */
export function verifySignatureHeader(header: string | undefined, rawBody: string, keys: readonly string[], now: Date, toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS): 'ok' | 'missing' | 'stale' | 'mismatch' {
  if (!header) return 'missing';
  const parts = header.split(',').map((part) => part.trim().split('='));
  const t = Number(parts.find(([name]) => name === 't')?.[1]);
  const given = parts.filter(([name, value]) => name === 'v1' && /^[0-9a-f]{64}$/.test(value ?? '')).map(([, value]) => Buffer.from(value!, 'hex'));
  if (!Number.isInteger(t) || given.length === 0) return 'mismatch';
  if (Math.abs(now.getTime() / 1000 - t) > toleranceSeconds) return 'stale';
  const matches = keys.some((key) => {
    const expected = Buffer.from(timestampedSignature(rawBody, key, t), 'hex');
    return given.some((signature) => timingSafeEqual(signature, expected));
  });
  return matches ? 'ok' : 'mismatch';
}
