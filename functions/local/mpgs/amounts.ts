import currencyCodes from 'currency-codes';

/**
 * MPGS amounts: decimal strings in major units with at most the currency's ISO 4217 exponent
 * (KWD/BHD/OMR/JOD 3, USD 2, JPY 0). Held as bigint minor units; never a float.
 */

/** The currency's exponent, or undefined when ISO 4217 (as currency-codes lists it) does not know the code. */
export function currencyExponent(currency: string): number | undefined {
  if (!/^[A-Z]{3}$/.test(currency)) return undefined;
  return currencyCodes.code(currency)?.digits;
}

/**
 * Minor units of a request's amount, or the reason it is refused. MPGS takes a decimal string
 * ("14.125"); a JSON number is taken as the decimal it prints as. More decimals than the currency
 * has, a sign, an exponent or zero is refused (the gateway never rounds).
 */
export function parseAmount(value: unknown, currency: string): bigint | string {
  const exponent = currencyExponent(currency);
  if (exponent === undefined) return `currency ${JSON.stringify(currency)} is not an ISO 4217 code`;
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  if (typeof text !== 'string') return 'the amount must be a decimal string';
  const match = /^(\d{1,12})(?:\.(\d+))?$/.exec(text);
  if (!match) return `${JSON.stringify(text)} is not a decimal amount`;
  const fraction = match[2] ?? '';
  if (fraction.length > exponent) return `${currency} amounts have at most ${exponent} decimal places`;
  const minor = BigInt(match[1]! + fraction.padEnd(exponent, '0'));
  if (minor <= 0n) return 'the amount must be greater than zero';
  return minor;
}

/** Minor units as MPGS writes them: the currency's exponent, always ("14.125", "100.00", "1500"). */
export function formatAmount(minor: bigint, currency: string): string {
  const exponent = currencyExponent(currency) ?? 2;
  const digits = (minor < 0n ? -minor : minor).toString().padStart(exponent + 1, '0');
  const whole = exponent === 0 ? digits : `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
  return minor < 0n ? `-${whole}` : whole;
}
