import { createSession } from '../fixtures/session-requests';
import { updateSession } from '../fixtures/session-requests';
import { ConflictError, OrderNoTakenError, PermissionDeniedError, ValidationError, VersionConflictError } from '../../functions/domain/errors';
import { errorResponse } from '../../functions/handlers/http/error-response';
import type { Principal } from '../../functions/domain/permissions';
import { apiKeyCaller, embeddedPorts } from '../fixtures/embedded-ports';

const base = { type: 'payment_request', pg_codes: ['sandbox-kwd'], amount: '14', currency_code: 'KWD' };

async function fieldErrors(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).fields;
}

test('a new session is created, normalised and committed with its created event', async () => {
  const ports = await embeddedPorts();
  const session = await createSession(ports, { principal: apiKeyCaller, body: base });
  expect(session.session_id).toMatch(/^[0-9a-f]{40}$/);
  expect(session).toMatchObject({ amount: '14.000', state: 'created', version: 1, operation: 'purchase', expiration_time: '01:00:00' });
  expect(session.expires_at).toBe('2026-11-25T11:00:00.000Z');
  expect(ports.sessions.outbox).toEqual([expect.objectContaining({ type: 'created', session_id: session.session_id, version: 1 })]);
  expect(await ports.sessions.get(session.session_id)).toEqual(session);
});

test('every failing field is named at once, schema and rules together', async () => {
  const ports = await embeddedPorts();
  const errors = await fieldErrors(
    createSession(ports, {
      principal: apiKeyCaller,
      body: { type: 'x', amount: '1.2345', currency_code: 'KWD', pg_codes: ['nope'], customer_email: 'not-an-email', notifications: { sms: ['paid'] } },
    }),
  );
  expect(errors).toEqual({
    type: ['"x" is not a valid choice.'],
    amount: ['Ensure that there are no more than 3 decimal places.'],
    pg_codes: ['Object with code=nope does not exist.'],
    customer_email: ['Enter a valid email address.'],
    notifications: { sms: ['To use sms notifications provide the `customer_phone` field.'] },
  });
  expect(ports.sessions.outbox).toHaveLength(0);
});

test('currencies must be ISO 4217, enabled, and accepted by the gateway', async () => {
  const ports = await embeddedPorts();
  expect(await fieldErrors(createSession(ports, { principal: apiKeyCaller, body: { ...base, currency_code: 'ABC' } }))).toEqual({
    currency_code: ['"ABC" is not a valid ISO 4217 currency code.'],
  });
  expect(await fieldErrors(createSession(ports, { principal: apiKeyCaller, body: { ...base, currency_code: 'GBP' } }))).toEqual({
    currency_code: ['Currency "GBP" is not enabled for this merchant.'],
  });
  expect(await fieldErrors(createSession(ports, { principal: apiKeyCaller, body: { ...base, currency_code: 'USD' } }))).toEqual({
    pg_codes: ['Payment gateway "sandbox-kwd" does not accept USD.'],
  });
});

test('a basic user may only use the gateways and plugins granted', async () => {
  const ports = await embeddedPorts();
  const config = await ports.config.load();
  const clerk: Principal = { kind: 'user', id: 'clerk', name: 'clerk', user: config.users[0]! };
  await expect(createSession(ports, { principal: clerk, body: base })).resolves.toMatchObject({ state: 'created' });
  await expect(createSession(ports, { principal: clerk, body: { ...base, pg_codes: ['sandbox-authorize'] } })).rejects.toBeInstanceOf(PermissionDeniedError);
  await expect(createSession(ports, { principal: clerk, body: { ...base, type: 'e_commerce' } })).rejects.toBeInstanceOf(PermissionDeniedError);
});

test('PATCH re-validates the merged session: a new currency must fit the stored amount', async () => {
  const ports = await embeddedPorts();
  const session = await createSession(ports, {
    principal: apiKeyCaller,
    body: { ...base, amount: '14.5', pg_codes: ['sandbox-authorize'] },
  });
  const errors = await fieldErrors(
    updateSession(ports, { principal: apiKeyCaller, sessionId: session.session_id, body: { currency_code: 'JPY' }, mode: 'partial' }),
  );
  expect(errors).toEqual({
    amount: ['Ensure that there are no more than 0 decimal places.'],
    pg_codes: ['Payment gateway "sandbox-authorize" does not accept JPY.'],
  });
  const updated = await updateSession(ports, { principal: apiKeyCaller, sessionId: session.session_id, body: { currency_code: 'USD' }, mode: 'partial' });
  expect(updated).toMatchObject({ amount: '14.50', currency_code: 'USD', version: 2 });
});

test('changing expiration_time restarts the expiry clock; other changes do not', async () => {
  const ports = await embeddedPorts();
  const session = await createSession(ports, { principal: apiKeyCaller, body: base });
  ports.clock.advance(10 * 60_000);
  const renamed = await updateSession(ports, { principal: apiKeyCaller, sessionId: session.session_id, body: { vendor_name: 'Shop' }, mode: 'partial' });
  expect(renamed.expires_at).toBe(session.expires_at);
  const extended = await updateSession(ports, { principal: apiKeyCaller, sessionId: session.session_id, body: { expiration_time: '1 00:00:00' }, mode: 'partial' });
  expect(extended.expires_at).toBe('2026-11-26T10:10:00.000Z');
});

test('a session past its expires_at can no longer be changed', async () => {
  const ports = await embeddedPorts();
  const session = await createSession(ports, { principal: apiKeyCaller, body: { ...base, expiration_time: '00:00:05' } });
  ports.clock.advance(5_000);
  await expect(updateSession(ports, { principal: apiKeyCaller, sessionId: session.session_id, body: { amount: '2' }, mode: 'partial' })).rejects.toBeInstanceOf(
    ConflictError,
  );
});

test('order_no is unique among live sessions and freed when one fails', async () => {
  const ports = await embeddedPorts();
  const results = await Promise.allSettled([1, 2, 3].map(() => createSession(ports, { principal: apiKeyCaller, body: { ...base, order_no: 'A-1' } })));
  expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  expect(rejected.map((r) => r.reason)).toEqual([expect.any(OrderNoTakenError), expect.any(OrderNoTakenError)]);
  expect(rejected.map((r) => JSON.parse(errorResponse(r.reason).body))).toEqual([
    { order_no: ['Payment transaction with this order_no already exists.'] },
    { order_no: ['Payment transaction with this order_no already exists.'] },
  ]);

  const winner = (results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<Awaited<ReturnType<typeof createSession>>>).value;
  await ports.sessions.update({ ...winner, state: 'failed', version: 2 }, winner, []);
  await expect(createSession(ports, { principal: apiKeyCaller, body: { ...base, order_no: 'A-1' } })).resolves.toMatchObject({ order_no: 'A-1' });
});

test('two concurrent updates of one version: one applies, the other gets 409', async () => {
  const ports = await embeddedPorts();
  const session = await createSession(ports, { principal: apiKeyCaller, body: base });
  const stored = (await ports.sessions.get(session.session_id))!;
  await ports.sessions.update({ ...stored, vendor_name: 'first', version: 2 }, stored, []);
  await expect(ports.sessions.update({ ...stored, vendor_name: 'second', version: 2 }, stored, [])).rejects.toBeInstanceOf(VersionConflictError);
  expect((await ports.sessions.get(session.session_id))!.vendor_name).toBe('first');
});
