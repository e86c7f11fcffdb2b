import { sandboxConnector } from '../../functions/adapters/sandbox/sandbox-connector';
import { IN_FLIGHT_MS, OPERATIONS, operationAmounts, planOperation, remainingFor, staleInFlight } from '../../functions/domain/operations';
import { STATES } from '../../functions/domain/state-machine';
import { operationSchema } from '../../functions/domain/operation-schema';
import { parseWith } from '../../functions/domain/session-schema';
import type { Session } from '../../functions/domain/session';
import { sampleSession } from '../fixtures/sessions';

const now = new Date('2026-12-01T09:00:00.000Z');
const context = { referenceNumber: 'REF000000001', childSessionId: 'c'.repeat(40), now };
const success = { reference_number: 'PAY000000001', pg_code: 'sandbox-kwd', result: 'success' as const, card_brand: 'visa' as const, card_last4: '1111', attempted_at: now.toISOString() };

function paid(overrides: Partial<Session> = {}): Session {
  return sampleSession({ state: 'paid', attempts: [success], settled_pg_code: 'sandbox-kwd', reference_number: 'PAY000000001', result: 'success', ...overrides });
}

/** Applies a plan as changeSession would. */
function apply(session: Session, plan: ReturnType<typeof planOperation>): Session {
  if (!plan.ok) throw new Error(plan.reason);
  return { ...session, ...plan.changes, version: session.version + 1 };
}

test('refunds in part and in full follow the currency decimals and never exceed what was paid', () => {
  let session = paid();
  const first = planOperation(session, { operation: 'refund', amount: '4.5' }, context);
  expect(first).toMatchObject({ ok: true, action: 'refund', transaction: { amount: '4.500', state: 'refunded', pg_code: 'sandbox-kwd', version: 2 } });
  session = apply(session, first);
  expect(remainingFor(session, 'refund')).toBe(9500n);
  expect(planOperation(session, { operation: 'refund', amount: '9.501' }, context)).toEqual({ ok: false, reason: 'The amount exceeds what is left to refund (9.500 KWD).' });
  expect(planOperation(session, { operation: 'refund', amount: '1.0005' }, context)).toEqual({ ok: false, reason: 'Ensure that there are no more than 3 decimal places.', field: 'amount' });
  expect(planOperation(session, { operation: 'refund', amount: '0.000' }, context)).toEqual({ ok: false, reason: 'Ensure this value is greater than 0.', field: 'amount' });
  session = apply(session, planOperation(session, { operation: 'refund' }, context));
  expect(operationAmounts(session)).toEqual({ refunded_amount: '14.000', captured_amount: '0.000', voided_amount: '0.000' });
  expect(planOperation(session, { operation: 'refund' }, context)).toEqual({ ok: false, reason: 'Nothing is left to refund.' });
});

test('captures of an authorization (JPY, no decimals), refunds of what was captured, void only before a capture', () => {
  let session = paid({ state: 'authorized', currency_code: 'JPY', amount: '1000', operation: 'authorize' });
  expect(planOperation(session, { operation: 'refund' }, context)).toMatchObject({ ok: false, reason: expect.stringContaining('capture') });
  expect(planOperation(session, { operation: 'capture', amount: '1.5' }, context)).toEqual({ ok: false, reason: 'Ensure that there are no more than 0 decimal places.', field: 'amount' });
  expect(planOperation(session, { operation: 'void' }, context)).toMatchObject({ ok: true, action: 'void', transaction: { amount: '1000', state: 'voided' } });
  session = apply(session, planOperation(session, { operation: 'capture', amount: '600' }, context));
  expect(planOperation(session, { operation: 'void' }, context)).toMatchObject({ ok: false });
  expect(planOperation(session, { operation: 'capture', amount: '401' }, context)).toMatchObject({ ok: false });
  expect(planOperation(session, { operation: 'refund', amount: '601' }, context)).toMatchObject({ ok: false });
  expect(planOperation(session, { operation: 'refund' }, context)).toMatchObject({ ok: true, transaction: { amount: '600' } });
});

test('the transition table decides the state; internal operations carry no child', () => {
  const open = sampleSession();
  expect(planOperation(open, { operation: 'cancel' }, context)).toEqual({ ok: true, action: 'cancel', changes: {} });
  expect(planOperation(open, { operation: 'refund' }, context)).toEqual({ ok: false, reason: 'Cannot refund a payment transaction in state "created".' });
  expect(planOperation(paid(), { operation: 'expire' }, context)).toMatchObject({ ok: false });
  expect(planOperation(paid(), { operation: 'delete' }, context)).toEqual({ ok: true, action: 'delete', changes: { deleted_at: now.toISOString() } });
  expect(planOperation({ ...open, deleted_at: now.toISOString() }, { operation: 'cancel' }, context)).toMatchObject({ ok: false });
});

test('the sandbox connector (not our plan) rejects operations on a session paid with the rejecting card', async () => {
  const session = paid({ attempts: [{ ...success, card_last4: '5126' }] });
  expect(planOperation(session, { operation: 'refund' }, context)).toMatchObject({ ok: true });
  const sandbox = sandboxConnector({ code: 'sandbox-kwd', name: 'Sandbox', pg: 'Ottu PG', is_sandbox: true, operation: 'purchase', icon: '', fee_percent: '0', currencies: ['KWD'], attempt_limit: 3 })!;
  const call = { operation: 'refund' as const, id: 'REF000000001', attempt: { reference: 'PAY000000001', card_last4: '5126' }, amount: '14.000', currency: 'KWD' };
  expect(await sandbox.refund(call)).toMatchObject({ kind: 'refused', explanation: 'The payment gateway rejected the refund.' });
  expect(await sandbox.refund({ ...call, attempt: { ...call.attempt, card_last4: '1111' } })).toMatchObject({ kind: 'confirmed' });
});

test('operations in flight (reserved, not yet confirmed) count against what is left until they are settled, stale ones too', () => {
  const inFlight = { operation: 'refund' as const, state: 'refunded' as const, amount: '10.000', currency_code: 'KWD', reference_number: 'FLY000000001', pg_code: 'sandbox-kwd', tracking_key: null, version: 2, created_at: now.toISOString() };
  const session = paid({ operations_in_flight: [inFlight] });
  expect(planOperation(session, { operation: 'refund', amount: '4.001' }, context)).toEqual({ ok: false, reason: 'The amount exceeds what is left to refund (4.000 KWD).' });
  expect(planOperation(session, { operation: 'refund', amount: '4' }, context)).toMatchObject({ ok: true, transaction: { amount: '4.000' } });
  // A reservation left by a Lambda that died still counts (the gateway may have done it): it is
  // named stale, for the gateway to be asked about it, not forgotten.
  const later = { ...context, now: new Date(now.getTime() + IN_FLIGHT_MS) };
  expect(planOperation(session, { operation: 'refund' }, later)).toMatchObject({ ok: true, transaction: { amount: '4.000' } });
  expect(staleInFlight(session, context.now)).toEqual([]);
  expect(staleInFlight(session, later.now)).toEqual([inFlight]);
});

test('the operation body schema: session_id or order_no, a known operation, amount as text or number', () => {
  expect(parseWith(operationSchema, { session_id: 'abc', operation: 'refund', amount: 1.5 })).toEqual({ ok: true, value: { session_id: 'abc', operation: 'refund', amount: '1.5' } });
  // Ottu's defaults pass; a wallet refund or gateway parameters are refused by name, never dropped.
  expect(parseWith(operationSchema, { order_no: 'A1', operation: 'void', extra: {}, destination: 'pg' })).toEqual({ ok: true, value: { order_no: 'A1', operation: 'void', extra: {}, destination: 'pg' } });
  expect(parseWith(operationSchema, { order_no: 'A1', operation: 'refund', extra: { x: 1 }, destination: 'wallet' })).toEqual({
    ok: false,
    errors: { extra: ['Operation parameters in extra is not supported yet.'], destination: ['Refunds to the wallet is not supported yet. Only "pg" is.'] },
  });
  expect(parseWith(operationSchema, { operation: 'refund' })).toEqual({ ok: false, errors: { non_field_errors: ['Either session_id or order_no must be provided.'] } });
  expect(parseWith(operationSchema, { session_id: 'abc', operation: 'refund', amount: '-1' })).toEqual({ ok: false, errors: { amount: ['A valid number is required.'] } });
});

test('every operation in every state: allowed exactly where docs/operations.md says, refused with the state named elsewhere', () => {
  const allowed: Record<string, readonly string[]> = {
    refund: ['paid'], // an authorized session is refundable once captured (above)
    capture: ['authorized'],
    void: ['authorized'],
    cancel: ['created', 'pending', 'attempted'],
    expire: ['created', 'pending', 'attempted'],
    delete: STATES,
  };
  for (const state of STATES) {
    for (const operation of OPERATIONS) {
      const plan = planOperation(paid({ state }), { operation }, context);
      const expected = allowed[operation]!.includes(state);
      expect([state, operation, plan.ok]).toEqual([state, operation, expected]);
      if (!plan.ok && !(operation === 'refund' && state === 'authorized')) expect(plan.reason).toBe(`Cannot ${operation} a payment transaction in state "${state}".`);
    }
  }
});
