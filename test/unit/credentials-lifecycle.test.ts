import { addApiKey, addGateway, addUser, apiKeyListing, EMPTY_CONFIG, findApiKey, resetPassword, revokeApiKey, rotateApiKey, setUserActive, userListing } from '../../functions/app/edit-merchant-config';
import { authenticate, forgetAuthenticationMemory } from '../../functions/app/authenticate';
import { operateSession } from '../../functions/app/operate-session';
import type { MerchantConfig } from '../../functions/domain/config';
import { AuthenticationError, PermissionDeniedError, ValidationError } from '../../functions/domain/errors';
import { newApiKey } from '../../functions/domain/credentials';
import { mayOperate, mayOnPlugin, unusableCodes } from '../../functions/domain/permissions';
import { authPorts, origin } from '../fixtures/auth-ports';

/**
 * API keys with a life cycle: named, scoped like a Basic user, expiring, revoked at once,
 * rotated with an overlap; users disabled and their passwords reset. Each through the same
 * edits the admin CLI makes and the authentication every route runs.
 */

const NOW = new Date('2026-11-25T10:00:00Z');
const HOUR = 3_600_000;
const gateway = { code: 'knet', name: 'KNET', pg: 'Ottu PG', operation: 'purchase', currencies: ['KWD'], sandbox: true, fee_percent: '0', icon: '/i.svg', attempt_limit: 3 };
const base = (): MerchantConfig => ({ ...addGateway(addGateway(EMPTY_CONFIG, gateway), { ...gateway, code: 'mpgs' }), currencies: ['KWD'] });

beforeEach(() => forgetAuthenticationMemory());
// Passwords are scrypt runs at N=2^17: seconds on a busy machine.
jest.setTimeout(120_000);

const keyHeader = (key: string) => ({ authorization: `Api-Key ${key}`, ...origin });

test('a key has a name, a creation time and, when given, an expiry and a scope; never in the past', () => {
  const { record } = addApiKey(base(), { label: 'shop', expiresAt: new Date(NOW.getTime() + HOUR), scope: { permissions: ['payment_request=view'], pg_codes: ['knet'], operations: ['refund'] } }, NOW);
  expect(record).toMatchObject({ label: 'shop', created_at: NOW.toISOString(), expires_at: '2026-11-25T11:00:00.000Z', scope: { permissions: { payment_request: ['view'] }, pg_codes: ['knet'], operations: ['refund'] } });
  expect(() => addApiKey(base(), { label: 'old', expiresAt: new Date(NOW.getTime() - 1) }, NOW)).toThrow(ValidationError);
  expect(() => addApiKey(base(), { label: 'x', scope: { permissions: [], pg_codes: ['nope'], operations: ['launder'] } }, NOW)).toThrow(ValidationError);
});

test('a key prefix is plain hex, so an operator can pass it to keys-revoke as an argument (never read as an option)', () => {
  const prefixes = Array.from({ length: 2000 }, () => newApiKey().prefix);
  for (const prefix of prefixes) expect(prefix).toMatch(/^[0-9a-f]{12}$/);
  expect(new Set(prefixes).size).toBe(prefixes.length);
});

test('an expired key gets 401 "API key expired."; before its expiry it works', async () => {
  const { config, key } = addApiKey(base(), { label: 'short-lived', expiresAt: new Date(NOW.getTime() + HOUR) }, NOW);
  const { ports } = authPorts(config, NOW);
  expect(await authenticate(ports, keyHeader(key))).toMatchObject({ kind: 'api_key', name: 'short-lived' });
  ports.clock.advance(HOUR);
  await expect(authenticate(ports, keyHeader(key))).rejects.toThrow(new AuthenticationError('API key expired.'));
});

test('a revoked key gets 401 as soon as the configuration it reads says so; the listing shows it revoked, without the hash', async () => {
  const { config, key, record } = addApiKey(base(), 'leaked', NOW);
  const { ports } = authPorts(config, NOW);
  expect(await authenticate(ports, keyHeader(key))).toMatchObject({ id: record.prefix });
  const revoked = revokeApiKey(config, 'leaked', NOW).config;
  ports.config.replace(revoked);
  await expect(authenticate(ports, keyHeader(key))).rejects.toThrow(new AuthenticationError('Invalid API key.'));
  const row = apiKeyListing(findApiKey(revoked, record.prefix), undefined, NOW);
  expect(row).toEqual({ name: 'leaked', prefix: record.prefix, state: 'revoked', scope: 'all', created_at: NOW.toISOString(), last_used: null, expires_at: null, revoked_at: NOW.toISOString() });
  expect(JSON.stringify(row)).not.toContain(record.key_hash);
  expect(() => revokeApiKey(revoked, record.prefix, NOW)).toThrow(ValidationError);
});

test('a rotated key: old and new both work until the overlap ends, then only the new one', async () => {
  const first = addApiKey(base(), { label: 'shop', scope: { permissions: ['payment_request=add'], pg_codes: ['knet'] } }, NOW);
  const rotated = rotateApiKey(first.config, 'shop', new Date(NOW.getTime() + 24 * HOUR), NOW);
  expect(rotated.record).toMatchObject({ label: 'shop', scope: first.record.scope });
  expect(rotated.previous.expires_at).toBe('2026-11-26T10:00:00.000Z');
  const { ports } = authPorts(rotated.config, NOW);
  expect(await authenticate(ports, keyHeader(first.key))).toMatchObject({ id: first.record.prefix });
  expect(await authenticate(ports, keyHeader(rotated.key))).toMatchObject({ id: rotated.record.prefix });
  ports.clock.advance(24 * HOUR);
  await expect(authenticate(ports, keyHeader(first.key))).rejects.toThrow('API key expired.');
  expect(await authenticate(ports, keyHeader(rotated.key))).toMatchObject({ name: 'shop' });
  // Two keys share the name now: the name alone no longer picks one.
  expect(() => revokeApiKey(rotated.config, 'shop', NOW)).toThrow(expect.objectContaining({ fields: { key: ['2 keys are named "shop": give the prefix (keys list).'] } }));
});

test('a scoped key is refused (403) outside its scope, like a Basic user; an unscoped key may do everything', async () => {
  const scoped = addApiKey(base(), { label: 'viewer', scope: { permissions: ['payment_request=view'], pg_codes: ['knet'], operations: ['refund'] } }, NOW);
  const full = addApiKey(scoped.config, 'admin', NOW);
  const { ports } = authPorts(full.config, NOW);
  const viewer = await authenticate(ports, keyHeader(scoped.key));
  const admin = await authenticate(ports, keyHeader(full.key));
  expect([mayOnPlugin(viewer, 'payment_request', 'add'), mayOnPlugin(viewer, 'payment_request', 'view')]).toEqual([false, true]);
  expect(unusableCodes(viewer, ['knet', 'mpgs'])).toEqual(['mpgs']);
  expect([mayOperate(viewer, 'refund'), mayOperate(viewer, 'delete')]).toEqual([true, false]);
  expect([mayOnPlugin(admin, 'payment_request', 'add'), unusableCodes(admin, ['knet', 'mpgs']), mayOperate(admin, 'delete')]).toEqual([true, [], true]);
  // Through a use case: deleting needs the operation granted.
  const { embeddedPorts } = await import('../fixtures/embedded-ports');
  const session = await embeddedPorts();
  await expect(operateSession(session, { principal: viewer, operation: 'delete', sessionId: 'a'.repeat(40), origin })).rejects.toThrow(PermissionDeniedError);
});

test('users: disabled at once (401), listed without their hash, password reset (old one refused)', async () => {
  const config = await addUser(base(), { username: 'clerk', password: 'first password!', permissions: ['payment_request=view'], pg_codes: ['knet'] });
  const basic = (password: string) => ({ authorization: `Basic ${Buffer.from(`clerk:${password}`).toString('base64')}`, ...origin });
  const { ports } = authPorts(config, NOW);
  expect(await authenticate(ports, basic('first password!'))).toMatchObject({ kind: 'user', name: 'clerk' });
  ports.config.replace(setUserActive(config, 'clerk', false));
  await expect(authenticate(ports, basic('first password!'))).rejects.toThrow('User inactive or deleted.');
  expect(userListing(config.users[0]!)).not.toHaveProperty('password_hash');
  const reset = await resetPassword(config, 'clerk', 'second password!');
  ports.config.replace(reset);
  await expect(authenticate(ports, basic('first password!'))).rejects.toThrow('Invalid username/password.');
  expect(await authenticate(ports, basic('second password!'))).toMatchObject({ name: 'clerk' });
  expect(() => setUserActive(config, 'nobody', false)).toThrow(ValidationError);
  await expect(resetPassword(config, 'clerk', 'short')).rejects.toThrow(ValidationError);
});
