import { formatMinor, parseAmount, percentOf, decimalText } from '../../functions/domain/money';
import { minorUnits, isIsoCurrency } from '../../functions/domain/currencies';

describe('parseAmount', () => {
  test.each([
    ['14', 3, 14000n],
    ['14.5', 3, 14500n],
    ['0.001', 3, 1n],
    ['007.100', 3, 7100n],
    ['14.000', 0, 14n],
    ['99999999999999999.99', 2, 9999999999999999999n],
    // 20 digits is the most; leading zeros and trailing fraction zeros are not digits of the amount.
    ['12345678901234567890', 0, 12345678901234567890n],
    ['0000000000000000000000001', 0, 1n],
    ['1.000000000000000000000', 2, 100n],
  ])('%s with %i decimals is %p minor units', (text, decimals, minor) => {
    expect(parseAmount(text, decimals)).toEqual({ ok: true, minor });
  });

  test.each([
    ['1.2345', 3, 'too_many_decimals'],
    ['14.5', 0, 'too_many_decimals'],
    ['0', 3, 'not_positive'],
    ['0.000', 3, 'not_positive'],
    ['-1', 3, 'invalid'],
    ['abc', 3, 'invalid'],
    ['1e309', 3, 'invalid'],
    ['1,5', 2, 'invalid'],
    ['', 2, 'invalid'],
    ['123456789012345678901', 0, 'too_many_digits'],
    ['1234567890.12345678901', 11, 'too_many_digits'],
  ])('%s with %i decimals is refused as %s', (text, decimals, problem) => {
    expect(parseAmount(text, decimals)).toEqual({ ok: false, problem });
  });

  test('zero is an amount only where the caller allows it (a save_card session)', () => {
    expect(parseAmount('0.000', 3, { zero: true })).toEqual({ ok: true, minor: 0n });
    expect(parseAmount('0', 3, { zero: false })).toEqual({ ok: false, problem: 'not_positive' });
  });
});

test('formatMinor always shows the currency decimals', () => {
  expect(formatMinor(14000n, 3)).toBe('14.000');
  expect(formatMinor(5n, 2)).toBe('0.05');
  expect(formatMinor(1500n, 0)).toBe('1500');
  expect(formatMinor(-5n, 2)).toBe('-0.05');
});

test('percentOf rounds half up to a minor unit without floats', () => {
  expect(percentOf(1000n, '2.5')).toBe(25n);
  expect(percentOf(1n, '50')).toBe(1n); // 0.5 → 1
  expect(percentOf(3n, '10')).toBe(0n); // 0.3 → 0
  expect(percentOf(14000n, '0')).toBe(0n);
  // 0.1 + 0.2 style trouble does not exist in integer arithmetic
  expect(percentOf(10n ** 18n, '33.333')).toBe(333330000000000000n);
  expect(() => percentOf(1000n, '-2')).toThrow('invalid percentage -2');
  expect(() => percentOf(1000n, '2.5%')).toThrow('invalid percentage 2.5%');
});

test('decimalText accepts strings and finite JSON numbers only', () => {
  expect(decimalText(14)).toBe('14');
  expect(decimalText(' 14.5 ')).toBe('14.5');
  expect(decimalText(Infinity)).toBeUndefined();
  expect(decimalText(['14'])).toBeUndefined();
});

test('currency minor units come from ISO 4217 data', () => {
  expect(minorUnits('KWD')).toBe(3);
  expect(minorUnits('bhd')).toBe(3);
  expect(minorUnits('USD')).toBe(2);
  expect(minorUnits('JPY')).toBe(0);
  expect(minorUnits('ABC')).toBeUndefined();
  expect(isIsoCurrency('KWD')).toBe(true);
  expect(isIsoCurrency('KWDX')).toBe(false);
});
