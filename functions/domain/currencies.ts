import currencyCodes from 'currency-codes';

/** ISO 4217 minor units (decimals) of a currency, or undefined when the code is not ISO 4217. */
export function minorUnits(code: string): number | undefined {
  return currencyCodes.code(code.toUpperCase())?.digits;
}

export function isIsoCurrency(code: string): boolean {
  return /^[A-Za-z]{3}$/.test(code) && minorUnits(code) !== undefined;
}
