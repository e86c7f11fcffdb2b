import countries from 'i18n-iso-countries';

/** True when `code` is an assigned ISO 3166-1 alpha-2 country code (any letter case). */
export function isCountry(code: string): boolean {
  return /^[A-Za-z]{2}$/.test(code) && countries.isValid(code.toUpperCase());
}
