import type { IncomingHttpHeaders } from 'node:http';
import { maskedNumber } from './test-cards';

/**
 * What reached the gateway, for tests to assert on: method, path, headers (without
 * Authorization or Cookie) and body. The fake is the gateway, so the hosted form brings it card
 * numbers: they are kept masked here, and the security code never.
 */

export interface RecordedRequest {
  at: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  /** Parsed JSON or form fields, scrubbed; the raw text when it parses as neither. */
  body: unknown;
  status?: number;
}

const HIDDEN_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);
/** Card fields, whatever the body's shape: the form's and the API's names. */
const CARD_NUMBER_KEYS = new Set(['number', 'cardNumber']);
const SECRET_KEYS = new Set(['securityCode', 'cvv', 'csc']);
/** A token pays without the card: as secret to the merchant's customers as the number. */
const TOKEN_KEYS = new Set(['token']);

export function recordedHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HIDDEN_HEADERS.has(name)) continue;
    kept[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return kept;
}

/** The body with every card number masked and every security code replaced. */
export function scrubbed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrubbed);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, field]) => {
      if (SECRET_KEYS.has(key)) return [key, '[FILTERED]'];
      if (TOKEN_KEYS.has(key) && typeof field === 'string') return [key, maskedToken(field)];
      if (CARD_NUMBER_KEYS.has(key) && (typeof field === 'string' || typeof field === 'number')) {
        const digits = String(field).replace(/\D/g, '');
        return [key, digits.length >= 12 ? maskedNumber(digits) : '[FILTERED]'];
      }
      return [key, scrubbed(field)];
    }),
  );
}

/** A token as the log shows it: its last four characters, enough to tell two apart. */
export function maskedToken(token: string): string {
  return token.length > 8 ? `${'x'.repeat(token.length - 4)}${token.slice(-4)}` : '[FILTERED]';
}

/** The request path with the token of `…/token/{tokenId}` masked. */
export function maskedPath(path: string): string {
  return path.replace(/(\/merchant\/[^/]+\/token\/)([^/?#]+)/, (_match, prefix: string, token: string) => `${prefix}${maskedToken(token)}`);
}

export function parsedBody(text: string, contentType: string | undefined): unknown {
  if (text === '') return undefined;
  try {
    // MPGS reads a JSON body whatever its content type (curl -d sends a form type).
    return scrubbed(JSON.parse(text));
  } catch {
    if (contentType?.startsWith('application/x-www-form-urlencoded')) return scrubbed(Object.fromEntries(new URLSearchParams(text)));
    // Neither: keep the text, unless it could carry a card number.
    return /\d{12,}/.test(text.replace(/[\s-]/g, '')) ? '[FILTERED: unparsed body with a long number]' : text;
  }
}
