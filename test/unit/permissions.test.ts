import type { User } from '../../functions/domain/config';
import { apiKeyPrincipal, initiatorOf, mayOnPlugin, mayOperate, principalName, unusableCodes, userPrincipal } from '../../functions/domain/permissions';

const clerk: User = {
  username: 'clerk',
  password_hash: 'unused',
  active: true,
  permissions: { payment_request: ['view'] },
  pg_codes: ['sandbox-kwd'],
  operations: ['refund'],
};

test("a caller's name and initiator: the key's label or the username, the key's prefix when it has no label", () => {
  const key = apiKeyPrincipal({ prefix: 'ab12cd34ef56', key_hash: 'unused', label: 'shop' });
  expect(principalName(key)).toBe('shop');
  expect(initiatorOf(key)).toEqual({ username: 'shop', kind: 'api_key' });
  expect(initiatorOf(apiKeyPrincipal({ prefix: 'ab12cd34ef56', key_hash: 'unused', label: '' }))).toEqual({ username: 'ab12cd34ef56', kind: 'api_key' });
  const user = userPrincipal(clerk);
  expect(principalName(user)).toBe('clerk');
  expect(initiatorOf(user)).toEqual({ username: 'clerk', kind: 'user' });
});

test('an unscoped key may do everything; a user only what was granted', () => {
  const key = apiKeyPrincipal({ prefix: 'ab12cd34ef56', key_hash: 'unused', label: 'shop' });
  const user = userPrincipal(clerk);
  expect(mayOnPlugin(key, 'payment_request', 'add')).toBe(true);
  expect(mayOnPlugin(user, 'payment_request', 'view')).toBe(true);
  expect(mayOnPlugin(user, 'payment_request', 'add')).toBe(false);
  expect(mayOnPlugin(user, 'e_commerce', 'view')).toBe(false);
  expect(unusableCodes(key, ['any'])).toEqual([]);
  expect(unusableCodes(user, ['sandbox-kwd', 'mpgs-kwd'])).toEqual(['mpgs-kwd']);
  expect(mayOperate(key, 'void')).toBe(true);
  expect(mayOperate(user, 'refund')).toBe(true);
  expect(mayOperate(user, 'void')).toBe(false);
  expect(mayOperate(userPrincipal({ ...clerk, operations: undefined }), 'refund')).toBe(false);
});
