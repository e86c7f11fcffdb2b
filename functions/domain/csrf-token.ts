import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Stateless CSRF protection for the hosted payment form (a signed double-submit token, so any
 * Lambda can check it without shared storage). The page sets a random nonce in a cookie and puts
 * `nonce.mac` in the form, where mac = HMAC-SHA256(secret, session_id + nonce). A post is
 * accepted only when the form's token verifies for this session and its nonce equals the
 * cookie's: another site can neither read the cookie nor forge the MAC.
 */

const NONCE = /^[A-Za-z0-9_-]{22}$/;

export function newNonce(): string {
  return randomBytes(16).toString('base64url');
}

export function isNonce(value: unknown): value is string {
  return typeof value === 'string' && NONCE.test(value);
}

export function csrfToken(secret: string, sessionId: string, nonce: string): string {
  return `${nonce}.${mac(secret, sessionId, nonce)}`;
}

export function csrfTokenValid(secret: string, sessionId: string, token: unknown, cookieNonce: string | undefined): boolean {
  if (typeof token !== 'string' || !isNonce(cookieNonce)) return false;
  const [nonce, given = ''] = token.split('.');
  if (nonce !== cookieNonce) return false;
  const expected = Buffer.from(mac(secret, sessionId, nonce));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

function mac(secret: string, sessionId: string, nonce: string): string {
  return createHmac('sha256', secret).update(`${sessionId}\0${nonce}`).digest('base64url');
}
