import { addApiKey, addGateway, addUser, EMPTY_CONFIG } from '../../functions/app/edit-merchant-config';
import { authenticate, forgetAuthenticationMemory } from '../../functions/app/authenticate';
import { afterFailure, LOCKOUT, lockedSeconds, recordExpiry } from '../../functions/domain/auth-lockout';
import { scryptRuns } from '../../functions/domain/credentials';
import { AuthenticationError, TooManyAttemptsError } from '../../functions/domain/errors';
import { errorResponse } from '../../functions/handlers/http/error-response';
import { authPorts, origin } from '../fixtures/auth-ports';

/**
 * Guessing does not pay: a budget of failures per user or key prefix and per source address,
 * then a lock that grows; a locked caller is answered 429 without any scrypt run, and every
 * refusal is logged without the secret and counted as a metric.
 */

const NOW = new Date('2026-11-25T10:00:00Z');
const PASSWORD = 'the right password';
const gateway = { code: 'knet', name: 'KNET', pg: 'Ottu PG', operation: 'purchase', currencies: ['KWD'], sandbox: true, fee_percent: '0', icon: '/i.svg', attempt_limit: 3 };
let config: Awaited<ReturnType<typeof addUser>>;
let key: string;

beforeAll(async () => {
  const added = addApiKey(addGateway(EMPTY_CONFIG, gateway), 'shop', NOW);
  key = added.key;
  config = await addUser(added.config, { username: 'clerk', password: PASSWORD, permissions: [], pg_codes: [] });
});
beforeEach(() => forgetAuthenticationMemory());
// Each wrong password is a scrypt run at N=2^17: seconds on a busy machine.
jest.setTimeout(120_000);

const basic = (password: string, address = origin.address) => ({ authorization: `Basic ${Buffer.from(`clerk:${password}`).toString('base64')}`, address, requestId: 'r' });
const refusal = (promise: Promise<unknown>) => promise.then(() => undefined, (error: Error) => error);

test('the domain: five failures in a window lock for 1 minute, then 2, 4 … at most 60; a lock ignores racing failures', () => {
  let record = afterFailure(undefined, 'user', NOW);
  for (let i = 2; i <= 4; i++) record = afterFailure(record, 'user', NOW);
  expect(record).toMatchObject({ failures: 4, lockouts: 0 });
  expect(lockedSeconds(record, NOW)).toBe(0);
  record = afterFailure(record, 'user', NOW);
  expect(lockedSeconds(record, NOW)).toBe(60);
  expect(afterFailure(record, 'user', NOW)).toEqual(record);
  const later = new Date(NOW.getTime() + 60_000);
  let again = afterFailure(record, 'user', later);
  expect(again).toMatchObject({ failures: 1, lockouts: 1 });
  for (let i = 2; i <= 5; i++) again = afterFailure(again, 'user', later);
  expect(lockedSeconds(again, later)).toBe(120);
  // An old window is forgotten: four failures 16 minutes apart never lock.
  let slow = afterFailure(undefined, 'user', NOW);
  for (let i = 1; i <= 6; i++) slow = afterFailure(slow, 'user', new Date(NOW.getTime() + i * 16 * 60_000));
  expect(slow.failures).toBe(1);
  expect(LOCKOUT.budgets.address.failures).toBeGreaterThan(LOCKOUT.budgets.user.failures);
});

test('the domain at its edges: a lock ends at its instant, a window at its 15th minute, a record a day after its last failure or when its lock ends', () => {
  const at = (ms: number) => new Date(NOW.getTime() + ms);
  const locked = { failures: 5, window_started: NOW.toISOString(), lockouts: 1, locked_until: at(60_000).toISOString() };
  expect(lockedSeconds(locked, at(59_001))).toBe(1);
  expect(lockedSeconds(locked, at(60_000))).toBe(0);
  expect(lockedSeconds(locked, at(61_000))).toBe(0);
  // The window is open until its 900th second, and closed from then.
  const four = { failures: 4, window_started: NOW.toISOString(), lockouts: 0 };
  expect(afterFailure(four, 'user', at(899_999))).toMatchObject({ failures: 5, lockouts: 1 });
  expect(afterFailure(four, 'user', at(900_000))).toEqual({ failures: 1, window_started: at(900_000).toISOString(), lockouts: 0 });
  expect(recordExpiry(four, NOW)).toEqual(at(LOCKOUT.keepSeconds * 1000));
  const longLock = { ...locked, locked_until: at(LOCKOUT.keepSeconds * 1000 + 5_000).toISOString() };
  expect(recordExpiry(longLock, NOW)).toEqual(at(LOCKOUT.keepSeconds * 1000 + 5_000));
  expect(recordExpiry(locked, NOW)).toEqual(at(LOCKOUT.keepSeconds * 1000));
});

test('a user locked after five wrong passwords gets 429 with Retry-After, even with the right password, and costs no scrypt', async () => {
  const { ports, lines } = authPorts(config, NOW);
  for (let i = 0; i < LOCKOUT.budgets.user.failures; i++) {
    expect(await refusal(authenticate(ports, basic(`wrong ${i}`)))).toEqual(new AuthenticationError('Invalid username/password.'));
  }
  const runs = scryptRuns.count;
  const locked = await refusal(authenticate(ports, basic(PASSWORD)));
  expect(locked).toBeInstanceOf(TooManyAttemptsError);
  expect((locked as TooManyAttemptsError).retryAfterSeconds).toBe(60);
  // From another address too: the user is locked, not only the address.
  expect(await refusal(authenticate(ports, basic(PASSWORD, '198.51.100.9')))).toBeInstanceOf(TooManyAttemptsError);
  expect(scryptRuns.count).toBe(runs);
  const response = errorResponse(locked);
  expect(response.statusCode).toBe(429);
  expect(response.headers['retry-after']).toBe('60');
  expect(JSON.parse(response.body)).toEqual({ detail: 'Too many failed authentication attempts. Try again in 60 seconds.' });

  // Every refusal is one log line naming the user but never the password (the handler layer also
  // counts it: test/unit/gateway-metrics.test.ts).
  const refused = lines.filter((line) => line.message === 'authentication refused');
  expect(refused.map((line) => line.fields.status)).toEqual([401, 401, 401, 401, 401, 429, 429]);
  expect(refused[0]!.fields).toEqual({ status: 401, reason: 'Invalid username/password.', subject: 'user:clerk', address: origin.address, request_id: 'r' });
  expect(JSON.stringify(lines)).not.toMatch(/wrong \d|the right password/);

  // The lock ends; the right password works and ends the user's count.
  ports.clock.advance(60_000);
  expect(await authenticate(ports, basic(PASSWORD))).toMatchObject({ name: 'clerk' });
  expect(await ports.attempts.read({ kind: 'user', value: 'clerk' })).toBeUndefined();
});

test('the lock grows: locked again within a day, for twice as long', async () => {
  const { ports } = authPorts(config, NOW);
  for (let i = 0; i < 5; i++) await refusal(authenticate(ports, basic('wrong')));
  ports.clock.advance(61_000);
  for (let i = 0; i < 5; i++) expect(await refusal(authenticate(ports, basic('wrong')))).toBeInstanceOf(AuthenticationError);
  expect(((await refusal(authenticate(ports, basic(PASSWORD)))) as TooManyAttemptsError).retryAfterSeconds).toBe(120);
});

test('an address guessing keys is locked after its budget; another address is not; a valid key never reads the store', async () => {
  const { ports } = authPorts(config, NOW);
  const reads = jest.spyOn(ports.attempts, 'read');
  expect(await authenticate(ports, { authorization: `Api-Key ${key}`, ...origin })).toMatchObject({ name: 'shop' });
  expect(reads).not.toHaveBeenCalled();
  for (let i = 0; i < LOCKOUT.budgets.address.failures; i++) {
    expect(await refusal(authenticate(ports, { authorization: `Api-Key guess${i}.secret`, ...origin }))).toEqual(new AuthenticationError('Invalid API key.'));
  }
  expect(await refusal(authenticate(ports, { authorization: 'Api-Key another.secret', ...origin }))).toBeInstanceOf(TooManyAttemptsError);
  expect(await refusal(authenticate(ports, { authorization: 'Api-Key another.secret', address: '198.51.100.9', requestId: 'r' }))).toEqual(new AuthenticationError('Invalid API key.'));
});

test('concurrent failures are all counted (a lost race re-reads and counts again)', async () => {
  const { ports } = authPorts(config, NOW);
  await Promise.all(Array.from({ length: 4 }, (_, i) => refusal(authenticate(ports, { authorization: `Api-Key same.wrong${i}`, ...origin }))));
  expect((await ports.attempts.read({ kind: 'key', value: 'same' }))?.record.failures).toBe(4);
  expect((await ports.attempts.read({ kind: 'address', value: origin.address }))?.record.failures).toBe(4);
});

test('a password hashed with older scrypt parameters is upgraded on the next good login, with an audit entry', async () => {
  const { scrypt, randomBytes } = await import('node:crypto');
  const salt = randomBytes(16);
  const old = await new Promise<string>((resolve, reject) =>
    scrypt(PASSWORD, salt, 32, { N: 16384, r: 8, p: 1 }, (error, derived) => (error ? reject(error) : resolve(`scrypt$16384$8$1$${salt.toString('hex')}$${derived.toString('hex')}`))),
  );
  const legacy = { ...config, users: config.users.map((user) => ({ ...user, password_hash: old })) };
  const { ports } = authPorts(legacy, NOW);
  expect(await authenticate(ports, basic(PASSWORD))).toMatchObject({ name: 'clerk' });
  const upgraded = (await ports.config.load()).users[0]!.password_hash;
  expect(upgraded).toMatch(/^scrypt\$131072\$8\$1\$/);
  expect(await ports.audit.list({ since: NOW, until: NOW })).toEqual([
    expect.objectContaining({ action: 'config.password-rehash', actor: { kind: 'system', name: 'checkout-api' }, address: origin.address, details: { username: 'clerk', scrypt_n: 131072 } }),
  ]);
  forgetAuthenticationMemory();
  expect(await authenticate(ports, basic(PASSWORD))).toMatchObject({ name: 'clerk' });
});
