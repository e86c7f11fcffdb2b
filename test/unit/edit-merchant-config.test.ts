import { addApiKey, addCurrency, addGateway, addUser, EMPTY_CONFIG, publicConfig, setExpireTransactions } from '../../functions/app/edit-merchant-config';
import { sha256Hex, verifyPassword } from '../../functions/domain/credentials';
import { ValidationError } from '../../functions/domain/errors';

const gateway = { code: 'knet', name: 'KNET', pg: 'Ottu PG', operation: 'purchase', currencies: ['kwd'], sandbox: true, fee_percent: '0', icon: '/i.svg', attempt_limit: 3 };
const fieldsOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error.fields;
    throw error;
  }
  throw new Error('expected a ValidationError');
};

test('a gateway needs ISO 4217 currencies, a known operation and a sane fee', () => {
  expect(addGateway(EMPTY_CONFIG, gateway).gateways[0]).toMatchObject({ code: 'knet', currencies: ['KWD'], operation: 'purchase' });
  expect(fieldsOf(() => addGateway(EMPTY_CONFIG, { ...gateway, currencies: ['KWD', 'ABC'], operation: 'sale', fee_percent: '101', attempt_limit: 0 }))).toEqual({
    currencies: ['Not ISO 4217 currency codes: ABC.'],
    operation: ['Must be "purchase" or "authorize".'],
    fee_percent: ['A decimal percentage from 0 to 100, such as "2.5".'],
    attempt_limit: ['A whole number from 1 to 10.'],
  });
  const once = addGateway(EMPTY_CONFIG, gateway);
  expect(fieldsOf(() => addGateway(once, gateway))).toHaveProperty('code');
  expect(addGateway(once, { ...gateway, name: 'KNET 2' }, true).gateways).toEqual([expect.objectContaining({ name: 'KNET 2' })]);
});

test('currencies, API keys, the expiry switch', () => {
  expect(addCurrency(addCurrency(EMPTY_CONFIG, 'kwd'), 'KWD').currencies).toEqual(['KWD']);
  expect(() => addCurrency(EMPTY_CONFIG, 'XYZ')).toThrow(ValidationError);
  const now = new Date('2026-11-25T10:00:00Z');
  const { config, key } = addApiKey(EMPTY_CONFIG, 'shop', now);
  expect(config.api_keys).toEqual([{ prefix: key.split('.')[0], key_hash: sha256Hex(key), label: 'shop', created_at: now.toISOString() }]);
  expect(setExpireTransactions(config, false).expire_transactions).toBe(false);
});

test('users get an scrypt hash, checked permissions and known gateway codes; show-config hides hashes', async () => {
  const withGateway = addGateway(EMPTY_CONFIG, gateway);
  const config = await addUser(withGateway, { username: 'clerk', password: 'correct horse battery', permissions: ['payment_request=add,view'], pg_codes: ['knet'] });
  const user = config.users[0]!;
  expect(user.permissions).toEqual({ payment_request: ['add', 'view'] });
  expect(await verifyPassword('correct horse battery', user.password_hash)).toBe(true);
  await expect(addUser(config, { username: 'clerk', password: 'correct horse battery', permissions: ['shop=add'], pg_codes: ['nope'] })).rejects.toMatchObject({
    fields: { username: ['User clerk exists already.'], permissions: ['Unknown plugin "shop": use payment_request or e_commerce=add,change,view.'], pg_codes: ['Unknown gateway codes: nope (add-gateway first).'] },
  });
  expect(JSON.stringify(publicConfig(addApiKey(config, 'k').config))).not.toMatch(/hash|scrypt/);
});
