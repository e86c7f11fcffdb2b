import { cardBrand, cardDigits, expiryCurrent, luhnValid, parseExpiry, readCardForm } from '../../functions/domain/card';
import { SANDBOX_CARDS, sandboxDecision } from '../../functions/adapters/sandbox/sandbox-cards';

const NOW = new Date('2026-11-25T10:00:00Z');
const FORM = { card_number: '4111 1111 1111 1111', expiry: '12/30', cvv: '123', name_on_card: 'A Customer' };

test('Luhn check', () => {
  for (const good of ['4111111111111111', '4000000000000002', '4000000000000119', '5555555555554444', '378282246310005', '6011111111111117']) {
    expect(luhnValid(good)).toBe(true);
  }
  for (const bad of ['4111111111111112', '4000000000000001', '1234567812345678']) expect(luhnValid(bad)).toBe(false);
});

test('card digits: spaces and dashes are allowed, 12 to 19 digits, nothing else', () => {
  expect(cardDigits('4111 1111-1111 1111')).toBe('4111111111111111');
  expect(cardDigits('41111111111')).toBeUndefined();
  expect(cardDigits('4'.repeat(20))).toBeUndefined();
  expect(cardDigits('4111 1111 1111 111x')).toBeUndefined();
  expect(cardDigits(['4111111111111111'])).toBeUndefined();
});

test.each([
  ['4111111111111111', 'visa'],
  ['5555555555554444', 'mastercard'],
  ['2221000000000009', 'mastercard'],
  ['2720990000000007', 'mastercard'],
  ['2721000000000000', 'card'],
  ['378282246310005', 'amex'],
  ['6011111111111117', 'discover'],
  ['3530111333300000', 'jcb'],
  ['36227206271667', 'diners'],
  ['6200000000000005', 'unionpay'],
  ['9999999999999995', 'card'],
])('brand of %s is %s', (number, brand) => {
  expect(cardBrand(number)).toBe(brand);
});

test('expiry: MM/YY, good through the end of its month, at most 20 years ahead', () => {
  expect(parseExpiry('01/27')).toEqual({ month: 1, year: 2027 });
  expect(parseExpiry(' 11 / 26 ')).toEqual({ month: 11, year: 2026 });
  for (const bad of ['1/27', '13/27', '00/27', '01/2027', '0127', '', undefined, 1227]) expect(parseExpiry(bad)).toBeUndefined();
  expect(expiryCurrent({ month: 11, year: 2026 }, NOW)).toBe(true);
  expect(expiryCurrent({ month: 11, year: 2026 }, new Date('2026-11-30T23:59:59Z'))).toBe(true);
  expect(expiryCurrent({ month: 11, year: 2026 }, new Date('2026-12-01T00:00:00Z'))).toBe(false);
  expect(expiryCurrent({ month: 10, year: 2026 }, NOW)).toBe(false);
  expect(expiryCurrent({ month: 11, year: 2046 }, NOW)).toBe(true);
  expect(expiryCurrent({ month: 12, year: 2046 }, NOW)).toBe(false);
});

test('a good form gives only what the gateway needs', () => {
  expect(readCardForm(FORM, NOW)).toEqual({ ok: true, card: { number: '4111111111111111', brand: 'visa', last4: '1111' } });
  expect(readCardForm({ ...FORM, card_number: '3782 822463 10005', cvv: '1234' }, NOW)).toMatchObject({ ok: true, card: { brand: 'amex', last4: '0005' } });
});

test('every problem is reported at once', () => {
  expect(readCardForm({ card_number: '4111 1111 1111 1112', expiry: '10/26', cvv: '12', name_on_card: ' ' }, NOW)).toEqual({
    ok: false,
    errors: { card_number: 'card_number_checksum', expiry: 'expiry_past', cvv: 'cvv_invalid', name_on_card: 'name_required' },
  });
  expect(readCardForm({}, NOW)).toEqual({
    ok: false,
    errors: { card_number: 'card_number_invalid', expiry: 'expiry_invalid', cvv: 'cvv_invalid', name_on_card: 'name_required' },
  });
  expect(readCardForm({ ...FORM, card_number: '3782 822463 10005', cvv: '123' }, NOW)).toEqual({ ok: false, errors: { cvv: 'cvv_invalid' } });
  expect(readCardForm({ ...FORM, name_on_card: 'x'.repeat(65) }, NOW)).toEqual({ ok: false, errors: { name_on_card: 'name_too_long' } });
});

test('sandbox gateway decisions', () => {
  expect(sandboxDecision(SANDBOX_CARDS.success)).toBe('success');
  expect(sandboxDecision(SANDBOX_CARDS.declined)).toBe('failed');
  expect(sandboxDecision(SANDBOX_CARDS.error)).toBe('error');
  expect(sandboxDecision('5555555555554444')).toBe('success');
});
