import fc from 'fast-check';
import { acceptsGzip } from '../../functions/handlers/http/static-answer';

describe('acceptsGzip: whether Accept-Encoding takes the stored gzip', () => {
  test.each([
    ['gzip, deflate, br', true],
    ['GZIP', true],
    ['deflate, gzip;q=0.5', true],
    ['x-gzip', true],
    ['*', true],
    ['br;q=1, *;q=0.1', true],
    ['', false],
    ['identity', false],
    ['br', false],
    ['gzip;q=0', false],
    ['gzip;q=0.000, *', false],
    ['*;q=0', false],
  ])('%j → %s', (header, expected) => {
    expect(acceptsGzip({ 'accept-encoding': header })).toBe(expected);
  });

  test('no header: no gzip', () => {
    expect(acceptsGzip({})).toBe(false);
  });

  test('any header value answers yes or no, and never throws', () => {
    const piece = fc.oneof(fc.constantFrom('gzip', 'x-gzip', '*', 'br', ';', ',', 'q=', '0', '1', '.', ' ', 'q=NaN', 'q=-1'), fc.string({ maxLength: 6 }));
    fc.assert(fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => expect(typeof acceptsGzip({ 'accept-encoding': pieces.join('') })).toBe('boolean')));
  });
});
