import { randomUUID } from 'node:crypto';
import type { SavedCard, SavedCards } from '../../functions/ports';

/** What every SavedCards store must do; run against each adapter with the same assertions. */
export function savedCardsContract(harness: () => SavedCards): void {
  let store: SavedCards;
  let customer: string;
  beforeEach(() => {
    store = harness();
    customer = `cust-${randomUUID()}`;
  });

  const card = (token: string, overrides: Partial<SavedCard> = {}): SavedCard => ({
    token,
    customer_id: customer,
    pg_code: 'mpgs-kwd',
    brand: 'MASTERCARD',
    number: '512345xxxxxx0008',
    expiry_month: '01',
    expiry_year: '39',
    name_on_card: 'Sara Al-Ahmad',
    created_at: `2026-12-07T10:00:0${token.slice(-1)}.000Z`,
    ...overrides,
  });

  test('a saved card reads back as saved, with no agreement charging it', async () => {
    await store.save(card('9000000000000001', { agreement_id: 'agr-1' }));
    expect(await store.get(customer, '9000000000000001')).toEqual({ ...card('9000000000000001', { agreement_id: 'agr-1' }), active_agreements: [] });
    expect(await store.get(customer, '9000000000000009')).toBeUndefined();
    expect(await store.get(`${customer}-other`, '9000000000000001')).toBeUndefined();
  });

  test("lists a customer's cards oldest first, by pg_code or agreement when asked", async () => {
    await store.save(card('9000000000000002', { pg_code: 'mpgs-usd' }));
    await store.save(card('9000000000000001', { agreement_id: 'agr-1' }));
    await store.save(card('9000000000000003'));
    await store.save({ ...card('9000000000000004'), customer_id: `${customer}-other` });
    const tokens = async (filter?: { pgCode?: string; agreementId?: string }) => (await store.list(customer, filter)).map((saved) => saved.token);
    expect(await tokens()).toEqual(['9000000000000001', '9000000000000002', '9000000000000003']);
    expect(await tokens({ pgCode: 'mpgs-usd' })).toEqual(['9000000000000002']);
    expect(await tokens({ agreementId: 'agr-1' })).toEqual(['9000000000000001']);
    expect(await tokens({ agreementId: 'agr-1', pgCode: 'mpgs-usd' })).toEqual([]);
    expect(await store.list(`${customer}-nobody`)).toEqual([]);
  });

  test('saving the same token again replaces what is shown of it and drops fields now absent', async () => {
    await store.save(card('9000000000000001'));
    const { name_on_card: _name, ...unnamed } = card('9000000000000001', { expiry_year: '40' });
    await store.save(unnamed);
    expect(await store.get(customer, '9000000000000001')).toEqual({ ...unnamed, active_agreements: [] });
  });

  test('a full card number is refused and nothing is written', async () => {
    for (const number of ['5123450000000008', '5123450000008', '512345xxxxxx000', 'xxxxxxxxxxxx0008']) {
      await expect(store.save(card('9000000000000001', { number }))).rejects.toThrow(/not masked/);
    }
    expect(await store.list(customer)).toEqual([]);
  });

  test('deletes a card; an unknown one is not_found', async () => {
    await store.save(card('9000000000000001'));
    expect(await store.delete(customer, '9000000000000001')).toBe('deleted');
    expect(await store.get(customer, '9000000000000001')).toBeUndefined();
    expect(await store.delete(customer, '9000000000000001')).toBe('not_found');
  });

  test('a card an active agreement charges cannot be deleted until another replaces it', async () => {
    await store.save(card('9000000000000001'));
    await store.save(card('9000000000000002'));
    expect(await store.useForAgreement(customer, 'agr-1', '9000000000000001')).toBe('ok');
    expect(await store.agreementCard(customer, 'agr-1')).toBe('9000000000000001');
    expect((await store.get(customer, '9000000000000001'))?.active_agreements).toEqual(['agr-1']);
    expect(await store.delete(customer, '9000000000000001')).toBe('in_use');
    expect(await store.get(customer, '9000000000000001')).toBeDefined();

    expect(await store.useForAgreement(customer, 'agr-1', '9000000000000002')).toBe('ok');
    expect(await store.agreementCard(customer, 'agr-1')).toBe('9000000000000002');
    expect((await store.get(customer, '9000000000000001'))?.active_agreements).toEqual([]);
    expect(await store.delete(customer, '9000000000000001')).toBe('deleted');
    expect(await store.delete(customer, '9000000000000002')).toBe('in_use');
  });

  test('one card may serve several agreements; it is free once every one has ended', async () => {
    await store.save(card('9000000000000001'));
    await store.useForAgreement(customer, 'agr-b', '9000000000000001');
    await store.useForAgreement(customer, 'agr-a', '9000000000000001');
    await store.useForAgreement(customer, 'agr-a', '9000000000000001');
    expect((await store.get(customer, '9000000000000001'))?.active_agreements).toEqual(['agr-a', 'agr-b']);
    await store.endAgreement(customer, 'agr-a');
    expect(await store.delete(customer, '9000000000000001')).toBe('in_use');
    await store.endAgreement(customer, 'agr-b');
    await store.endAgreement(customer, 'agr-b');
    expect(await store.agreementCard(customer, 'agr-b')).toBeUndefined();
    expect(await store.delete(customer, '9000000000000001')).toBe('deleted');
  });

  test('re-saving a card keeps the agreements charging it', async () => {
    await store.save(card('9000000000000001'));
    await store.useForAgreement(customer, 'agr-1', '9000000000000001');
    await store.save(card('9000000000000001', { expiry_year: '41' }));
    expect(await store.get(customer, '9000000000000001')).toMatchObject({ expiry_year: '41', active_agreements: ['agr-1'] });
  });

  test('an agreement cannot take a card the customer does not have; nothing changes', async () => {
    await store.save(card('9000000000000001'));
    await store.useForAgreement(customer, 'agr-1', '9000000000000001');
    expect(await store.useForAgreement(customer, 'agr-1', '9000000000000404')).toBe('not_found');
    expect(await store.agreementCard(customer, 'agr-1')).toBe('9000000000000001');
    expect(await store.get(customer, '9000000000000404')).toBeUndefined();
  });

  test('racing deletes and replacements never leave an agreement charging a deleted card', async () => {
    await store.save(card('9000000000000001'));
    await store.save(card('9000000000000002'));
    await store.useForAgreement(customer, 'agr-1', '9000000000000001');
    await Promise.all([
      store.useForAgreement(customer, 'agr-1', '9000000000000002'),
      store.delete(customer, '9000000000000001'),
      store.delete(customer, '9000000000000002'),
      store.useForAgreement(customer, 'agr-1', '9000000000000001'),
    ]);
    const charged = await store.agreementCard(customer, 'agr-1');
    expect(charged).toBeDefined();
    expect(await store.get(customer, charged!)).toMatchObject({ active_agreements: ['agr-1'] });
  });
}
