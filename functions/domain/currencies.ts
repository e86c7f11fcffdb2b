/**
 * ISO 4217 as currency-codes 2.2.0 lists it, reduced to what we use: the codes and their minor
 * units. The package's data (names, numbers, countries) is 18 KB in every bundle that handles
 * money; this is 1 KB. test/unit/currencies.test.ts checks it against the package, so a
 * currency-codes upgrade that changes the list fails there, not in production.
 */
const CODES = [
  'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV',
  'BRL BSD BTN BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE',
  'CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD',
  'HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD',
  'KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV',
  'MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB',
  'RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND',
  'TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF XAG',
  'XAU XBA XBB XBC XBD XCD XDR XOF XPD XPF XPT XSU XTS XUA XXX YER ZAR ZMW ZWG',
].join(' ');

/** Minor units of the codes that do not have two. */
const NOT_TWO: Readonly<Record<number, string>> = {
  0: 'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XAG XAU XBA XBB XBC XBD XDR XOF XPD XPF XPT XSU XTS XUA XXX',
  3: 'BHD IQD JOD KWD LYD OMR TND',
  4: 'CLF UYW',
};

const MINOR_UNITS: ReadonlyMap<string, number> = new Map(
  CODES.split(' ').map((code) => [code, Number(Object.entries(NOT_TWO).find(([, codes]) => codes.split(' ').includes(code))?.[0] ?? 2)]),
);

/** ISO 4217 minor units (decimals) of a currency, or undefined when the code is not ISO 4217. */
export function minorUnits(code: string): number | undefined {
  return MINOR_UNITS.get(code.toUpperCase());
}

export function isIsoCurrency(code: string): boolean {
  return /^[A-Za-z]{3}$/.test(code) && minorUnits(code) !== undefined;
}
