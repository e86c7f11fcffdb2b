import { AUTO_DEBIT_MIN_EXPIRY_DAYS, meetsMinExpiry, minExpiryDays, parseAgreement, parseCardAcceptanceCriteria } from '../../functions/domain/agreement';

const RECURRING = {
  id: 'gym-2026-0042',
  type: 'recurring',
  amount_variability: 'fixed',
  start_date: '2026-12-07',
  expiry_date: '2027-12-07',
  max_amount_per_cycle: '25.000',
  cycle_interval_days: 30,
  total_cycles: 12,
  frequency: 'monthly',
  seller: { name: 'Gulf Gym', short_name: 'GULFGYM', category_code: '7997' },
};

describe("Ottu's agreement", () => {
  test('a complete recurring agreement is taken as sent', () => {
    expect(parseAgreement(RECURRING)).toEqual({ ok: true, value: RECURRING });
  });

  test('type defaults to recurring, so a bare id is missing what recurring requires', () => {
    const parsed = parseAgreement({ id: 'a-1' });
    expect(parsed).toEqual({
      ok: false,
      errors: {
        amount_variability: ['This field is required.'],
        cycle_interval_days: ['This field is required.'],
        expiry_date: ['This field is required.'],
        frequency: ['This field is required.'],
        total_cycles: ['This field is required.'],
      },
    });
  });

  test('an unscheduled agreement needs only what it names; integers may come as strings', () => {
    expect(parseAgreement({ id: 'topup-7', type: 'unscheduled', frequency: 'irregular' })).toEqual({ ok: true, value: { id: 'topup-7', type: 'unscheduled', frequency: 'irregular' } });
    expect(parseAgreement({ ...RECURRING, total_cycles: '12' })).toMatchObject({ ok: true, value: { total_cycles: 12 } });
  });

  test.each([
    [{ type: 'weekly' }, 'type', '"weekly" is not a valid choice.'],
    [{ frequency: 'fortnightly' }, 'frequency', '"fortnightly" is not a valid choice.'],
    [{ amount_variability: 'sometimes' }, 'amount_variability', '"sometimes" is not a valid choice.'],
    [{ id: 'x'.repeat(129) }, 'id', 'Ensure this field has no more than 128 characters.'],
    [{ id: '  ' }, 'id', 'This field may not be blank.'],
    [{ start_date: '2026-02-30' }, 'start_date', 'Date has wrong format. Use one of these formats instead: YYYY-MM-DD.'],
    [{ expiry_date: '07/12/2027' }, 'expiry_date', 'Date has wrong format. Use one of these formats instead: YYYY-MM-DD.'],
    [{ expiry_date: '2026-12-06' }, 'expiry_date', 'Ensure the expiry date is not before the start date.'],
    [{ cycle_interval_days: 0 }, 'cycle_interval_days', 'Ensure this value is greater than or equal to 1.'],
    [{ cycle_interval_days: 367 }, 'cycle_interval_days', 'Ensure this value is less than or equal to 366.'],
    [{ cycle_interval_days: 1.5 }, 'cycle_interval_days', 'A valid integer is required.'],
    [{ total_cycles: 1000 }, 'total_cycles', 'Ensure this value is less than or equal to 999.'],
    [{ max_amount_per_cycle: '-1' }, 'max_amount_per_cycle', 'A valid number is required.'],
    [{ max_amount_per_cycle: '0.000' }, 'max_amount_per_cycle', 'Ensure this value is greater than 0.'],
    [{ max_amount_per_cycle: '1e3' }, 'max_amount_per_cycle', 'A valid number is required.'],
  ])('%j is refused on %s', (change, field, message) => {
    const parsed = parseAgreement({ ...RECURRING, ...change });
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.errors[field]).toEqual([message]);
  });

  test('the seller: an object of short texts', () => {
    const long = parseAgreement({ ...RECURRING, seller: { short_name: 'x'.repeat(65) } });
    expect(!long.ok && long.errors).toEqual({ seller: { short_name: ['Ensure this field has no more than 64 characters.'] } });
    const notDict = parseAgreement({ ...RECURRING, seller: ['Gulf Gym'] });
    expect(!notDict.ok && notDict.errors).toEqual({ seller: ['Invalid data. Expected a dictionary, but got list.'] });
  });

  test('the agreement itself must be an object', () => {
    expect(parseAgreement('gym')).toEqual({ ok: false, errors: { non_field_errors: ['Invalid data. Expected a dictionary, but got str.'] } });
  });
});

describe('card_acceptance_criteria', () => {
  test('min_expiry_time is 1 to 365 days', () => {
    expect(parseCardAcceptanceCriteria({ min_expiry_time: 60 })).toEqual({ ok: true, value: { min_expiry_time: 60 } });
    for (const bad of [0, 366, 'soon']) expect(parseCardAcceptanceCriteria({ min_expiry_time: bad }).ok).toBe(false);
  });

  test('defaults to 30 days for auto_debit only', () => {
    expect(minExpiryDays(undefined, 'auto_debit')).toBe(AUTO_DEBIT_MIN_EXPIRY_DAYS);
    expect(minExpiryDays({}, 'auto_debit')).toBe(30);
    expect(minExpiryDays({ min_expiry_time: 90 }, 'auto_debit')).toBe(90);
    expect(minExpiryDays(undefined, 'one_off')).toBeUndefined();
    expect(minExpiryDays({ min_expiry_time: 5 }, 'save_card')).toBe(5);
  });

  test('a card is valid through its expiry month; one expiring within the minimum is refused', () => {
    const now = new Date('2026-12-07T23:00:00Z');
    expect(meetsMinExpiry({ expiry_month: '12', expiry_year: '26' }, 30, now)).toBe(false);
    expect(meetsMinExpiry({ expiry_month: '12', expiry_year: '26' }, 24, now)).toBe(true);
    expect(meetsMinExpiry({ expiry_month: '12', expiry_year: '26' }, 25, now)).toBe(false);
    expect(meetsMinExpiry({ expiry_month: '01', expiry_year: '2027' }, 30, now)).toBe(true);
    expect(meetsMinExpiry({ expiry_month: '11', expiry_year: '26' }, 1, now)).toBe(false);
    expect(meetsMinExpiry({ expiry_month: '13', expiry_year: '27' }, 1, now)).toBe(false);
  });
});
