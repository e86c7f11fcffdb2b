import currencyCodes from 'currency-codes';
import { isIsoCurrency, minorUnits } from '../../functions/domain/currencies';

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

test('the table is currency-codes: every three-letter code has the package minor units, or none', () => {
  let known = 0;
  for (const a of LETTERS) {
    for (const b of LETTERS) {
      for (const c of LETTERS) {
        const code = a + b + c;
        const digits = currencyCodes.code(code)?.digits;
        if (minorUnits(code) !== digits) throw new Error(`${code}: ${minorUnits(code)} here, ${digits} in currency-codes`);
        if (digits !== undefined) known++;
      }
    }
  }
  expect(known).toBe(currencyCodes.data.length);
});

test('codes are case-insensitive; anything but three letters is not a currency', () => {
  expect(minorUnits('kwd')).toBe(3);
  expect(isIsoCurrency('jpy')).toBe(true);
  expect(isIsoCurrency('KWDX')).toBe(false);
  expect(isIsoCurrency('XYZ')).toBe(false);
});
