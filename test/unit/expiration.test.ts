import { durationSeconds } from '../../functions/domain/expiration';
import { isCountry } from '../../functions/domain/countries';

test.each([
  ['01:00:00', 3600],
  ['00:00:05', 5],
  ['48:30:00', 174600],
  ['1 02:00:00', 93600],
  ['0 00:00:00', 0],
])('%s lasts %i seconds', (text, seconds) => expect(durationSeconds(text)).toBe(seconds));

test.each(['1:00', '01:60:00', '-01:00:00', 'abc', '01:00:00.5', ''])('%p is not a duration', (text) => {
  expect(durationSeconds(text)).toBeUndefined();
});

test('countries are ISO 3166-1 alpha-2 codes that exist', () => {
  expect(isCountry('KW')).toBe(true);
  expect(isCountry('kw')).toBe(true);
  expect(isCountry('XX')).toBe(false);
  expect(isCountry('KWT')).toBe(false);
});
