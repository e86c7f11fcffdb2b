/**
 * MPGS's published test behaviour, as one table: the test card numbers, the expiry date that
 * decides a payment's `response.gatewayCode`, and the CSC/CVV value that decides
 * `response.cardSecurityCode.gatewayCode`. Sources: "Test Card Numbers by Brand" and the test
 * cards page (testAndGoLive) of the Mastercard Gateway documentation.
 */

export type Brand = 'MASTERCARD' | 'VISA' | 'AMEX' | 'DINERS_CLUB' | 'JCB' | 'DISCOVER' | 'MAESTRO';

/** The standard test cards, all regions. */
export const TEST_CARDS: Readonly<Record<string, Brand>> = {
  '5123450000000008': 'MASTERCARD',
  '2223000000000007': 'MASTERCARD',
  '5111111111111118': 'MASTERCARD',
  '2223000000000023': 'MASTERCARD',
  '4508750015741019': 'VISA',
  '4012000033330026': 'VISA',
  '371881634498004': 'AMEX',
  '371881127160004': 'AMEX',
  '371881245560002': 'AMEX',
  '371881911767006': 'AMEX',
  '30123400000000': 'DINERS_CLUB',
  '36259600000012': 'DINERS_CLUB',
  '3528000000000007': 'JCB',
  '3528111100000001': 'JCB',
  '6011003179988686': 'DISCOVER',
  '6011963280099774': 'DISCOVER',
  '5000000000000000005': 'MAESTRO',
};

/** The API's `result` for a transaction. */
export type TransactionResult = 'SUCCESS' | 'FAILURE' | 'UNKNOWN';

export interface Outcome {
  gatewayCode: string;
  result: TransactionResult;
  /**
   * The acquirer's answer. The documentation publishes only the gateway codes; these acquirer
   * codes and messages are the fake's choice (ISO 8583 style), absent where no acquirer answered.
   */
  acquirerCode?: string;
  acquirerMessage?: string;
}

/** Expiry (MM/YY) → outcome. */
export const EXPIRY_OUTCOMES: Readonly<Record<string, Outcome>> = {
  '01/39': { gatewayCode: 'APPROVED', result: 'SUCCESS', acquirerCode: '00', acquirerMessage: 'Approved' },
  '05/39': { gatewayCode: 'DECLINED', result: 'FAILURE', acquirerCode: '05', acquirerMessage: 'Do not honour' },
  '04/27': { gatewayCode: 'EXPIRED_CARD', result: 'FAILURE', acquirerCode: '54', acquirerMessage: 'Expired card' },
  '08/28': { gatewayCode: 'TIMED_OUT', result: 'FAILURE' },
  '01/37': { gatewayCode: 'ACQUIRER_SYSTEM_ERROR', result: 'FAILURE', acquirerCode: '96', acquirerMessage: 'System error' },
  '02/37': { gatewayCode: 'UNSPECIFIED_FAILURE', result: 'FAILURE', acquirerCode: '06', acquirerMessage: 'Error' },
  '05/37': { gatewayCode: 'UNKNOWN', result: 'UNKNOWN' },
};

/** An outcome by its gateway code, as the table has it (for a late answer to an UNKNOWN payment). */
export function outcomeOf(gatewayCode: string): Outcome | undefined {
  return Object.values(EXPIRY_OUTCOMES).find((outcome) => outcome.gatewayCode === gatewayCode && outcome.result !== 'UNKNOWN');
}

/**
 * An expiry the table does not name. The documentation says only that other expiry dates give
 * other responses; the fake approves them, as 01/39 does (a newcomer's own future date pays).
 */
export const OTHER_EXPIRY: Outcome = EXPIRY_OUTCOMES['01/39']!;

export type CscResult = 'MATCH' | 'NOT_PROCESSED' | 'NO_MATCH';

/**
 * CSC/CVV → `response.cardSecurityCode.gatewayCode` (American Express takes the 4-digit forms).
 * Any other value is NOT_PROCESSED (the fake's choice: the simulator did not check it).
 *
 * What NO_MATCH does to the payment: nothing by itself. The documentation makes the CSC result
 * an input to the merchant's risk rules (Merchant Administration); a payment with NO_MATCH is
 * approved or declined by its expiry like any other (as MPGS's own sandbox answers show:
 * gatewayCode APPROVED with cardSecurityCode NO_MATCH), unless the merchant's rules reject a
 * mismatch, and then the payment is DECLINED_CSC (`rejectCscNoMatch` on the fake's merchant).
 */
export const CSC_RESULTS: Readonly<Record<string, CscResult>> = {
  '100': 'MATCH',
  '101': 'NOT_PROCESSED',
  '102': 'NO_MATCH',
  '1000': 'MATCH',
  '1010': 'NOT_PROCESSED',
  '1020': 'NO_MATCH',
};

export const CSC_REJECTED: Outcome = { gatewayCode: 'DECLINED_CSC', result: 'FAILURE', acquirerCode: 'N7', acquirerMessage: 'Decline for CVV2 failure' };

/** What the payer typed on the hosted form (never stored as is: see masked()). */
export interface CardEntry {
  number: string;
  expiryMonth: string;
  expiryYear: string;
  securityCode: string;
  nameOnCard: string;
}

/** A card as the gateway shows it back: first six and last four digits. */
export function maskedNumber(number: string): string {
  return `${number.slice(0, 6)}${'x'.repeat(Math.max(number.length - 10, 0))}${number.slice(-4)}`;
}

function luhnValid(number: string): boolean {
  let sum = 0;
  for (let index = 0; index < number.length; index += 1) {
    let digit = Number(number[number.length - 1 - index]);
    if (index % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return sum % 10 === 0;
}

export interface CardDecision {
  brand: Brand;
  outcome: Outcome;
  csc: CscResult;
}

/**
 * What the test acquirer answers for a card, or what the hosted form says back to the payer
 * (a field error) before anything is sent. Only the published test cards are accepted: the fake
 * refuses any other number, so a real card is never processed.
 */
export function decideCard(card: CardEntry, options: { rejectCscNoMatch?: boolean } = {}): CardDecision | { field: keyof CardEntry; message: string } {
  const number = card.number.replace(/[\s-]/g, '');
  if (!/^\d{12,19}$/.test(number) || !luhnValid(number)) return { field: 'number', message: 'Enter a valid card number.' };
  const brand = TEST_CARDS[number];
  if (!brand) return { field: 'number', message: 'This test gateway takes only the published test card numbers.' };
  if (!/^(0[1-9]|1[0-2])$/.test(card.expiryMonth) || !/^\d{2}$/.test(card.expiryYear)) {
    return { field: 'expiryMonth', message: 'Enter the expiry month and year.' };
  }
  const cscLength = brand === 'AMEX' ? 4 : 3;
  if (!new RegExp(`^\\d{${cscLength}}$`).test(card.securityCode)) return { field: 'securityCode', message: `Enter the ${cscLength}-digit security code.` };
  const csc = CSC_RESULTS[card.securityCode] ?? 'NOT_PROCESSED';
  const byExpiry = EXPIRY_OUTCOMES[`${card.expiryMonth}/${card.expiryYear}`] ?? OTHER_EXPIRY;
  const outcome = csc === 'NO_MATCH' && options.rejectCscNoMatch && byExpiry.result === 'SUCCESS' ? CSC_REJECTED : byExpiry;
  return { brand, outcome, csc };
}
