import countries from 'i18n-iso-countries/index';
import { isCountry } from '../../functions/domain/countries';

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

test('the table is i18n-iso-countries: every two-letter code is a country here exactly when it is there', () => {
  let known = 0;
  for (const a of LETTERS) {
    for (const b of LETTERS) {
      const code = a + b;
      if (isCountry(code) !== countries.isValid(code)) throw new Error(`${code}: ${isCountry(code)} here, ${countries.isValid(code)} in i18n-iso-countries`);
      if (isCountry(code)) known++;
    }
  }
  expect(known).toBe(Object.keys(countries.getAlpha2Codes()).length);
});

test('codes are case-insensitive; anything but two letters is not a country', () => {
  expect(isCountry('kw')).toBe(true);
  expect(isCountry('Kw')).toBe(true);
  expect(isCountry('KWT')).toBe(false);
  expect(isCountry('414')).toBe(false);
  expect(isCountry('ZZ')).toBe(false);
  expect(isCountry('')).toBe(false);
});
