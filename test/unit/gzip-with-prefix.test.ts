import fc from 'fast-check';
import { crc32 as zlibCrc32, gunzipSync } from 'node:zlib';
import { crc32, gzipWithPrefix } from '../../functions/handlers/http/gzip-with-prefix';
import { deflatedText } from '../../scripts/build-openapi';

describe('gzipWithPrefix: a stored deflate stream sent gzipped behind a prefix written per request', () => {
  test('gunzip (which checks the CRC-32 and the length) gives back the prefix and then the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.string({ unit: 'grapheme', maxLength: 3000 }), (prefix, text) => {
        expect(gunzipSync(gzipWithPrefix(prefix, deflatedText(text))).toString('utf8')).toBe(prefix + text);
      }),
      { numRuns: 200 },
    );
  });

  test('a repetitive text far larger than the prefix still compresses', () => {
    const text = JSON.stringify(Array.from({ length: 2000 }, (_, i) => ({ id: i, name: 'session', amount: '14.000' })));
    const zipped = gzipWithPrefix('{"servers":[{"url":"https://pay.example.com"}],', deflatedText(text));
    expect(zipped.length).toBeLessThan(text.length / 10);
    expect(gunzipSync(zipped).toString('utf8')).toBe(`{"servers":[{"url":"https://pay.example.com"}],${text}`);
  });

  test('a wrong stored CRC is caught by gunzip (the test above can fail)', () => {
    const text = deflatedText('{"openapi":"3.1.0"}');
    expect(() => gunzipSync(gzipWithPrefix('{', { ...text, crc: text.crc ^ 1 }))).toThrow();
  });

  test('crc32 is zlib\'s', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 500 }), (bytes) => expect(crc32(bytes)).toBe(zlibCrc32(bytes))));
  });
});
