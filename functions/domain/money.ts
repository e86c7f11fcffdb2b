/**
 * Money is a decimal string on the wire and a bigint of minor units inside; never a float.
 */

/** Plain positive decimal: digits, optionally a point and more digits. No sign, no exponent. */
const DECIMAL = /^(\d+)(?:\.(\d+))?$/;
const MAX_DIGITS = 20;

export type AmountProblem = 'invalid' | 'too_many_digits' | 'too_many_decimals' | 'not_positive';

export type ParsedAmount = { ok: true; minor: bigint } | { ok: false; problem: AmountProblem };

/** Turns JSON input (string, or a finite JSON number) into a decimal string, or undefined. */
export function decimalText(input: unknown): string | undefined {
  if (typeof input === 'number') return Number.isFinite(input) ? String(input) : undefined;
  if (typeof input === 'string') return input.trim();
  return undefined;
}

/** `zero`: 0 is an amount too (a save_card session verifies the card for nothing). */
export function parseAmount(text: string, decimals: number, options: { zero?: boolean } = {}): ParsedAmount {
  const match = DECIMAL.exec(text);
  if (!match) return { ok: false, problem: 'invalid' };
  const whole = match[1]!.replace(/^0+(?=\d)/, '');
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (whole.length + fraction.length > MAX_DIGITS) return { ok: false, problem: 'too_many_digits' };
  if (fraction.length > decimals) return { ok: false, problem: 'too_many_decimals' };
  const minor = BigInt(whole + fraction.padEnd(decimals, '0'));
  // No sign gets past DECIMAL, so zero is the only amount that is not positive.
  if (minor === 0n && !options.zero) return { ok: false, problem: 'not_positive' };
  return { ok: true, minor };
}

/** Minor units back to a decimal string with exactly `decimals` places: 14000n, 3 → "14.000". */
export function formatMinor(minor: bigint, decimals: number): string {
  const negative = minor < 0n;
  const digits = (negative ? -minor : minor).toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = decimals > 0 ? '.' + digits.slice(digits.length - decimals) : '';
  return (negative ? '-' : '') + whole + fraction;
}

/**
 * A percentage (decimal string such as "2.5") of an amount in minor units, rounded half up to
 * a whole minor unit. Used for gateway fees.
 */
export function percentOf(minor: bigint, percent: string): bigint {
  const match = DECIMAL.exec(percent);
  if (!match) throw new Error(`invalid percentage ${percent}`);
  const fraction = match[2] ?? '';
  const scaled = BigInt(match[1]! + fraction);
  const divisor = 100n * 10n ** BigInt(fraction.length);
  return (minor * scaled * 2n + divisor) / (divisor * 2n);
}
