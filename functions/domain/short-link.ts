/**
 * Short links (`<base>/s/<code>`) for SMS and WhatsApp. The code is the whole secret of a link
 * to an attachment, so it is random, not a counter: 10 letters of 62 give about 59 bits.
 */
export const SHORT_CODE_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const SHORT_CODE_LENGTH = 10;
export const SHORT_LINK_PREFIX = '/s/';

const CODE = /^[0-9A-Za-z]{8,32}$/;

export function isShortCode(code: string): boolean {
  return CODE.test(code);
}

export function shortLinkPath(code: string): string {
  return SHORT_LINK_PREFIX + code;
}

/** The checkout link a short checkout URL leads to (relative; rendered under the base URL). */
export function checkoutPath(sessionId: string): string {
  return `/b/checkout/redirect/start/?session_id=${sessionId}`;
}

/** Where the API serves a session's QR code (relative; `qr_code_url` renders it under the base URL). */
export function qrCodePath(sessionId: string): string {
  return `/checkout/${sessionId}/qr-code.svg`;
}
