import { ManualClock } from '../../functions/adapters/system-clock';
import { inquireSession } from '../../functions/app/inquire-session';
import { operateSession } from '../../functions/app/operate-session';
import { IN_FLIGHT_MS, type ChildTransaction } from '../../functions/domain/operations';
import type { Session } from '../../functions/domain/session';
import { demoConfig } from '../../functions/local/demo-config';
import { embeddedPorts } from '../../functions/local/embedded-ports';
import type { LocalMpgs } from '../../functions/local/mpgs/local-mpgs';
import { origin } from '../fixtures/auth-ports';
import { apiKeyCaller } from '../fixtures/embedded-ports';
import { DEMO_ENV } from '../fixtures/local-api';
import { mpgsGateway, payOnHostedForm, startTestMpgs, testMpgsSecrets, TEST_MERCHANT } from '../fixtures/mpgs';
import { sampleSession } from '../fixtures/sessions';

/**
 * A refund whose Lambda died after MPGS confirmed it and before the session recorded it leaves
 * its reservation behind (operations_in_flight). Letting that expire would allow the same money
 * to be refunded again; instead the next operation asks MPGS for that transaction (a GET, never
 * a resend): MPGS has it, it is committed; MPGS has none, the reservation is released; MPGS does
 * not answer, it keeps counting. The merchant's inquiry applies the same rule. Each resolution is
 * in the audit trail as the service's. Against the local MPGS over HTTP.
 */
let mpgs: LocalMpgs;
let ports: ReturnType<typeof embeddedPorts>;
let clock: ManualClock;
let counter = 0;

beforeAll(async () => {
  mpgs = await startTestMpgs();
  const { config, credentials } = await demoConfig({ ...DEMO_ENV }, { host: mpgs.url, merchantId: TEST_MERCHANT.id, secrets: { api_password: TEST_MERCHANT.password, notification_secret: TEST_MERCHANT.notificationSecret } });
  clock = new ManualClock(new Date());
  ports = embeddedPorts(config, credentials.webhookKey, clock, { gatewaySecrets: testMpgsSecrets(), gatewayTimeoutMs: 2_000 });
});
afterAll(() => mpgs.stop());
afterEach(() => mpgs.control.reset());

/** A session paid at the local MPGS (14.125 KWD, purchase), stored as the return's sync leaves it. */
async function paidAtMpgs(): Promise<Session> {
  counter += 1;
  const reference = `STALE${process.pid % 1000}X${counter}`.padEnd(12, 'Z').slice(0, 12);
  const gateway = await mpgsGateway(mpgs);
  const started = await gateway.start({ reference, operation: 'purchase', amount: '14.125', currency: 'KWD', returnUrl: 'http://127.0.0.1:9/r', notificationUrl: 'http://127.0.0.1:9/n', merchantName: 'Shop' });
  if (started.kind !== 'hosted' || started.page.kind !== 'script') throw new Error('not hosted');
  await payOnHostedForm(mpgs, (started.page.configure.session as { id: string }).id, { expiry: '01/39' });
  const now = clock.now().toISOString();
  const session = sampleSession({
    session_id: `${'5'.repeat(38)}${String(counter).padStart(2, '0')}`,
    amount: '14.125',
    pg_codes: ['mpgs-kwd'],
    state: 'paid',
    attempts: [{ reference_number: reference, pg_code: 'mpgs-kwd', result: 'success', card_brand: 'mastercard', card_last4: '0008', attempted_at: now, gateway: started.gateway }],
    settled_pg_code: 'mpgs-kwd',
    reference_number: reference,
    result: 'success',
    created_at: now,
    updated_at: now,
  });
  await ports.sessions.create(session, []);
  return session;
}

const refund = (session: Session, amount?: string) => operateSession(ports, { principal: apiKeyCaller, operation: 'refund', sessionId: session.session_id, amount, origin });
const stored = async (session: Session) => (await ports.sessions.get(session.session_id, { consistent: true }))!;
const inquire = (session: Session) => inquireSession(ports, { sessionId: session.session_id, origin: { address: '198.51.100.9', requestId: `inquiry-${counter}` } });
const audited = async (session: Session) => ports.audit.list({ since: new Date(0), until: new Date(8.64e15), sessionId: session.session_id });
const calls = (reference: string) => mpgs.requests().filter((r) => r.path.endsWith(`/transaction/${reference}`)).map((r) => r.method);

/** The refund's Lambda dies right after MPGS confirmed it: the write that records it never happens. */
async function refundThenDie(session: Session, amount: string): Promise<ChildTransaction> {
  const update = ports.sessions.update.bind(ports.sessions);
  let writes = 0;
  ports.sessions.update = async (...args: Parameters<typeof update>) => {
    writes += 1;
    if (writes === 2) throw new Error('the Lambda was killed');
    return update(...args);
  };
  try {
    await expect(refund(session, amount)).rejects.toThrow('the Lambda was killed');
  } finally {
    ports.sessions.update = update;
  }
  const left = (await stored(session)).operations_in_flight!;
  expect(left).toHaveLength(1);
  return left[0]!;
}

test('MPGS has the transaction: the next refund commits it (with its event) before planning, so the money is never refunded twice', async () => {
  const session = await paidAtMpgs();
  const lost = await refundThenDie(session, '4');
  expect(calls(lost.reference_number)).toEqual(['PUT']);
  expect((await stored(session)).transactions ?? []).toEqual([]);

  // While it may still be settling, it counts against what is left.
  await expect(refund(session, '10.126')).rejects.toThrow(/exceeds what is left to refund \(10\.125 KWD\)/);
  // Long after (the Lambda is surely gone): the refund of everything asks MPGS first.
  clock.advance(IN_FLIGHT_MS + 1_000);
  const outcome = await refund(session);
  expect(outcome.transaction).toMatchObject({ operation: 'refund', amount: '10.125' });
  const after = await stored(session);
  expect(after.transactions!.map((child) => [child.reference_number, child.amount])).toEqual([[lost.reference_number, '4.000'], [outcome.transaction!.reference_number, '10.125']]);
  expect(after.transactions![0]).toMatchObject({ state: 'refunded', pg_params: expect.objectContaining({ result: 'APPROVED' }) });
  expect(after.operations_in_flight).toBeUndefined();
  // A GET of the lost one, never a second PUT; its refunded event was committed with it.
  expect(calls(lost.reference_number)).toEqual(['PUT', 'GET']);
  expect(ports.sessions.outbox.filter((event) => event.session_id === session.session_id).map((event) => event.type)).toEqual(['refunded', 'refunded']);
  const order = mpgs.requests().filter((r) => r.method === 'PUT' && r.path.includes(`/order/${session.reference_number}/`));
  expect(order.map((r) => (r.body as { transaction: { amount: string } }).transaction.amount)).toEqual(['4.000', '10.125']);
  // Two entries: the service's for the lost one it committed, the merchant's for its own refund.
  const entries = (await audited(session)).map((entry) => [entry.actor.kind, entry.action, entry.details?.reference_number, entry.details?.result]).sort();
  expect(entries).toEqual([
    ['api_key', 'operation.refund', outcome.transaction!.reference_number, 'success'],
    ['system', 'operation.resolve-stale', lost.reference_number, 'committed'],
  ]);
});

test('MPGS has no such transaction (the Lambda died before sending it): the reservation is released, nothing is sent for it', async () => {
  const session = await paidAtMpgs();
  const ghost: ChildTransaction = { operation: 'refund', state: 'refunded', amount: '14.125', currency_code: 'KWD', reference_number: `GHOST${counter}`.padEnd(12, '0'), pg_code: 'mpgs-kwd', tracking_key: null, version: 2, created_at: clock.now().toISOString() };
  await ports.sessions.update({ ...session, version: session.version + 1, operations_in_flight: [ghost] }, session, []);
  await expect(refund(session, '1')).rejects.toThrow(/Nothing is left to refund/);
  clock.advance(IN_FLIGHT_MS);
  const outcome = await refund(session, '1');
  expect(outcome.transaction).toMatchObject({ amount: '1.000' });
  expect(calls(ghost.reference_number)).toEqual(['GET']);
  const after = await stored(session);
  expect(after.operations_in_flight).toBeUndefined();
  expect(after.transactions!.map((child) => child.amount)).toEqual(['1.000']);
});

test('MPGS does not answer about it: the reservation stays and keeps counting; nothing is sent for it', async () => {
  const session = await paidAtMpgs();
  const lost = await refundThenDie(session, '14.125');
  clock.advance(IN_FLIGHT_MS);
  mpgs.control.failNext(1, 'server-failed', { method: 'GET' });
  await expect(refund(session, '1')).rejects.toThrow(/Nothing is left to refund/);
  expect(calls(lost.reference_number)).toEqual(['PUT', 'GET']);
  expect((await stored(session)).operations_in_flight!.map((child) => child.reference_number)).toEqual([lost.reference_number]);
  // Asked again on the next operation, once MPGS answers: the refund is recorded, nothing more is.
  await expect(refund(session, '1')).rejects.toThrow(/Nothing is left to refund/);
  expect((await stored(session)).transactions!.map((child) => child.amount)).toEqual(['14.125']);
  expect(calls(lost.reference_number)).toEqual(['PUT', 'GET', 'GET']);
});

test("the merchant's inquiry resolves a stale reservation MPGS has: committed with its event, in the status it answers, and audited as the service's", async () => {
  const session = await paidAtMpgs();
  const lost = await refundThenDie(session, '4');
  // While it may still be settling, the inquiry leaves it alone and asks nothing.
  expect((await inquire(session)).refunded_amount).toBe('0.000');
  expect(calls(lost.reference_number)).toEqual(['PUT']);
  clock.advance(IN_FLIGHT_MS);
  const answered = await inquire(session);
  expect(answered).toMatchObject({ state: 'paid', refunded_amount: '4.000' });
  expect(calls(lost.reference_number)).toEqual(['PUT', 'GET']);
  const after = await stored(session);
  expect(after.operations_in_flight).toBeUndefined();
  expect(after.transactions!.map((child) => [child.reference_number, child.state, child.amount])).toEqual([[lost.reference_number, 'refunded', '4.000']]);
  expect(ports.sessions.outbox.filter((event) => event.session_id === session.session_id).map((event) => event.type)).toEqual(['refunded']);
  // The request that sent it died before its entry: the resolution's entry is the service's.
  expect(await audited(session)).toEqual([
    {
      entry_id: expect.any(String),
      at: clock.now().toISOString(),
      actor: { kind: 'system', name: 'checkout-api' },
      address: '198.51.100.9',
      request_id: `inquiry-${counter}`,
      action: 'operation.resolve-stale',
      session_id: session.session_id,
      details: { operation: 'refund', reference_number: lost.reference_number, child_session_id: lost.session_id!, amount: '4.000', result: 'committed', gateway_answer: 'confirmed', reserved_at: lost.created_at, requested_by: apiKeyCaller.name, version: after.version },
    },
  ]);
  // Asked again, nothing is left to resolve: no GET, no second entry.
  await inquire(session);
  expect(calls(lost.reference_number)).toEqual(['PUT', 'GET']);
  expect(await audited(session)).toHaveLength(1);
});

test("the merchant's inquiry releases a stale reservation MPGS has no transaction for, audited as released; one MPGS cannot answer about stays, unaudited", async () => {
  const session = await paidAtMpgs();
  const ghost: ChildTransaction = { operation: 'refund', state: 'refunded', amount: '14.125', currency_code: 'KWD', reference_number: `GHOSTQ${counter}`.padEnd(12, '0'), pg_code: 'mpgs-kwd', tracking_key: 'track-ghost', initiator: { username: 'refunds-bot', kind: 'api_key' }, version: 2, created_at: clock.now().toISOString() };
  await ports.sessions.update({ ...session, version: session.version + 1, operations_in_flight: [ghost] }, session, []);
  clock.advance(IN_FLIGHT_MS);
  mpgs.control.failNext(1, 'server-failed', { method: 'GET' });
  await inquire(session);
  expect((await stored(session)).operations_in_flight).toEqual([ghost]);
  expect(await audited(session)).toEqual([]);

  const answered = await inquire(session);
  expect(calls(ghost.reference_number)).toEqual(['GET', 'GET']);
  expect(answered.refunded_amount).toBe('0.000');
  const after = await stored(session);
  expect(after.operations_in_flight).toBeUndefined();
  expect(after.transactions ?? []).toEqual([]);
  expect(ports.sessions.outbox.filter((event) => event.session_id === session.session_id)).toEqual([]);
  expect(await audited(session)).toEqual([
    expect.objectContaining({
      actor: { kind: 'system', name: 'checkout-api' },
      action: 'operation.resolve-stale',
      details: { operation: 'refund', reference_number: ghost.reference_number, child_session_id: null, amount: '14.125', result: 'released', gateway_answer: 'absent', reserved_at: ghost.created_at, requested_by: 'refunds-bot', version: after.version, tracking_key: 'track-ghost' },
    }),
  ]);
});
