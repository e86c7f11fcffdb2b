import { randomUUID } from 'node:crypto';
import { BadRequestError } from '../../domain/errors';

/** Deepest nesting of arrays and objects a JSON body (or a JSON form field) may have. */
export const MAX_JSON_DEPTH = 32;

/**
 * A JSON number that a double cannot hold exactly (beyond 2^53, too many digits, out of range).
 * `JSON.parse` would round it silently; it is kept as its source text instead, so a field that
 * takes decimals (amount) reads it exactly and every other field can refuse it.
 */
export class InexactNumber {
  constructor(readonly text: string) {}
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * `JSON.parse` with two guards applied to the text first, in one linear scan, before any
 * recursive work: the nesting depth is bounded (else 400), and every number that would not
 * survive parsing exactly comes back as an `InexactNumber`. Syntax errors are 400 too.
 */
export function parseJsonText(text: string): unknown {
  let depth = 0;
  let inString = false;
  const inexact: Array<{ start: number; end: number }> = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_JSON_DEPTH) throw new BadRequestError(`JSON parse error - the body is nested deeper than ${MAX_JSON_DEPTH} levels.`);
    } else if (c === 0x7d || c === 0x5d) depth--;
    else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      NUMBER.lastIndex = i;
      const match = NUMBER.exec(text);
      if (!match) continue; // JSON.parse reports it
      if (!isExact(match[0])) inexact.push({ start: i, end: i + match[0].length });
      i += match[0].length - 1;
    }
  }
  try {
    if (inexact.length === 0) return JSON.parse(text);
    // Each inexact number becomes a string with a per-call marker, which the reviver turns back.
    const marker = `\u0000${randomUUID()}:`;
    let rewritten = '';
    let from = 0;
    for (const { start, end } of inexact) {
      rewritten += text.slice(from, start) + JSON.stringify(marker + text.slice(start, end));
      from = end;
    }
    rewritten += text.slice(from);
    return JSON.parse(rewritten, (_key, value: unknown) =>
      typeof value === 'string' && value.startsWith(marker) ? new InexactNumber(value.slice(marker.length)) : value,
    );
  } catch (error) {
    throw new BadRequestError(`JSON parse error - ${(error as Error).message}`);
  }
}

/** Whether the double nearest to a JSON number token has exactly the token's decimal value. */
export function isExact(token: string): boolean {
  const value = Number(token);
  if (!Number.isFinite(value)) return false;
  return normalized(token) === normalized(String(value));
}

/** A decimal as "digits e exponent", without sign (zero is zero), leading or trailing zeros. */
function normalized(text: string): string {
  const match = /^-?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!match) return text;
  const fraction = match[2] ?? '';
  let digits = (match[1]! + fraction).replace(/^0+/, '');
  let exponent = Number(match[3] ?? 0) - fraction.length;
  if (digits === '') return '0';
  const trailing = digits.length - digits.replace(/0+$/, '').length;
  digits = digits.slice(0, digits.length - trailing);
  exponent += trailing;
  return `${text.startsWith('-') ? '-' : ''}${digits}e${exponent}`;
}
