import { operateSession } from '../../functions/app/operate-session';
import { VersionConflictError } from '../../functions/domain/errors';
import type { Session } from '../../functions/domain/session';
import { origin } from '../fixtures/auth-ports';
import { apiKeyCaller, embeddedPorts } from '../fixtures/embedded-ports';
import { sampleSession } from '../fixtures/sessions';

/**
 * A refund the gateway confirmed is recorded however many writers race its commit: giving up
 * after the usual few retries answered 409 with the money moved and left its reservation behind
 * (the concurrent-refunds test on DynamoDB caught it as a short final refund).
 */
test('a confirmed refund is committed after more lost races than the usual retries', async () => {
  const ports = await embeddedPorts();
  const now = ports.clock.now().toISOString();
  const paid: Session = sampleSession({
    state: 'paid',
    attempts: [{ reference_number: 'PAY000000001', pg_code: 'sandbox-kwd', result: 'success', card_brand: 'visa', card_last4: '1111', attempted_at: now }],
    settled_pg_code: 'sandbox-kwd',
    reference_number: 'PAY000000001',
    result: 'success',
  });
  await ports.sessions.create(paid, []);
  // The reservation commits; then 8 other writers win in turn before the settling write does.
  const update = ports.sessions.update.bind(ports.sessions);
  let writes = 0;
  ports.sessions.update = async (...args: Parameters<typeof update>) => {
    writes += 1;
    if (writes >= 2 && writes <= 9) throw new VersionConflictError(paid.session_id);
    return update(...args);
  };
  const outcome = await operateSession(ports, { principal: apiKeyCaller, operation: 'refund', sessionId: paid.session_id, amount: '4', origin });
  expect(outcome.transaction).toMatchObject({ operation: 'refund', amount: '4.000', state: 'refunded' });
  const stored = (await ports.sessions.get(paid.session_id))!;
  expect(stored.transactions).toHaveLength(1);
  expect(stored.operations_in_flight).toBeUndefined();
});
