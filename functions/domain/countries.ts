// The library without its locales: its main entry registers the country names of every
// language (700 KB minified) and we only check codes. docs/benchmarks.md measures the difference.
import countries from 'i18n-iso-countries/index';

/** True when `code` is an assigned ISO 3166-1 alpha-2 country code (any letter case). */
export function isCountry(code: string): boolean {
  return /^[A-Za-z]{2}$/.test(code) && countries.isValid(code.toUpperCase());
}
