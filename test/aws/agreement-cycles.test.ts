import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { createDocumentClient } from '../../functions/adapters/aws/aws-clients';
import { DynamoSavedCards } from '../../functions/adapters/aws/dynamo-saved-cards';
import { DynamoSessionRepository } from '../../functions/adapters/aws/dynamo-session-repository';
import { cardAgreementKey } from '../../functions/adapters/aws/table-keys';
import { MemorySavedCards } from '../../functions/adapters/embedded/memory-saved-cards';
import { MemorySessionRepository } from '../../functions/adapters/embedded/memory-session-repository';
import { randomIds } from '../../functions/adapters/random-ids';
import { changeSession } from '../../functions/app/change-session';
import { settleAttempt } from '../../functions/domain/checkout';
import { AgreementCycleRefusedError, VersionConflictError } from '../../functions/domain/errors';
import { sessionEvent } from '../../functions/domain/events';
import type { PaymentAttempt, Session } from '../../functions/domain/session';
import type { SavedCards, SessionRepository } from '../../functions/ports';
import { createTestTable, rawItem } from '../fixtures/dynamo-table';
import { describeAws } from '../fixtures/moto';
import { sampleSession } from '../fixtures/sessions';

/**
 * An auto-debit agreement's cycles (cycle_interval_days, total_cycles) committed with the session
 * writes that start and settle its merchant-initiated charges (domain/agreement-cycle.ts), on
 * both stores: the slot taken atomically with the pending attempt under the bounds, a paid charge
 * counted by exactly one write (a lost race or a retried sync counts nothing more), a failed one
 * freeing the slot, an unknown one keeping it.
 */
interface Stores {
  sessions: SessionRepository;
  cards: SavedCards;
}

function cyclesContract(harness: () => Stores): void {
  let stores: Stores;
  let customer: string;
  const agreementId = 'agr-cycles';
  const token = '9000000000000001';
  let clockNow = new Date('2026-12-07T10:00:00.000Z');
  const ports = () => ({ sessions: stores.sessions, clock: { now: () => clockNow }, ids: randomIds });

  beforeEach(async () => {
    stores = harness();
    customer = `cust-${randomUUID()}`;
    clockNow = new Date('2026-12-07T10:00:00.000Z');
    await stores.cards.save({ token, customer_id: customer, pg_code: 'mpgs-kwd', brand: 'MASTERCARD', number: '512345xxxxxx0008', expiry_month: '01', expiry_year: '39', created_at: '2026-12-01T10:00:00.000Z' });
  });

  /** The customer's own first payment sets the agreement up on `paidAt`. */
  const setUp = (paidAt = '2026-11-01T12:00:00.000Z') => stores.cards.useForAgreement(customer, agreementId, token, paidAt);

  async function newSession(agreement: Partial<NonNullable<Session['agreement']>> = {}): Promise<Session> {
    const session = sampleSession({ payment_type: 'auto_debit', customer_id: customer, agreement: { id: agreementId, type: 'recurring', cycle_interval_days: 30, total_cycles: 2, ...agreement }, pg_codes: ['mpgs-kwd'] });
    await stores.sessions.create(session, [sessionEvent('created', session, randomUUID(), clockNow)]);
    return session;
  }

  const chargeAttempt = (reference: string): PaymentAttempt => ({ reference_number: reference, pg_code: 'mpgs-kwd', result: 'pending', card_brand: 'card', card_last4: '0008', attempted_at: clockNow.toISOString(), merchant_initiated: { customer_id: customer, agreement_id: agreementId } });

  /** What the auto-debit commits before it asks the gateway: the pending attempt (and the slot). */
  const start = (session: Session, reference: string) =>
    changeSession(ports(), session, (current) => ({ action: 'start_attempt', changes: { attempts: [...current.attempts, chargeAttempt(reference)], reference_number: reference, result: 'pending' } }));

  /** What a sync commits once the gateway answers: the attempt settled (only while still pending). */
  const settle = (session: Session, reference: string, result: 'success' | 'failed', retry = true) =>
    changeSession(
      ports(),
      session,
      (current) => {
        const attempt = current.attempts.find((candidate) => candidate.reference_number === reference);
        return attempt?.result === 'pending' ? settleAttempt(current, { ...attempt, result }, 'purchase', 3, clockNow) : undefined;
      },
      { retry },
    );

  const cycles = () => stores.cards.agreementCycles(customer, agreementId);

  test('the customer\'s payment that sets the agreement up is its last payment; no charge counted yet', async () => {
    expect(await cycles()).toEqual({ charges: 0, pending: [] });
    await setUp();
    expect(await cycles()).toEqual({ charges: 0, last_paid_at: '2026-11-01T12:00:00.000Z', pending: [] });
    // Another card taking the agreement over keeps its cycles; ending it too.
    await stores.cards.save({ token: '9000000000000002', customer_id: customer, pg_code: 'mpgs-kwd', brand: 'VISA', number: '450875xxxxxx1019', expiry_month: '01', expiry_year: '39', created_at: '2026-12-02T10:00:00.000Z' });
    await stores.cards.useForAgreement(customer, agreementId, '9000000000000002');
    expect(await cycles()).toEqual({ charges: 0, last_paid_at: '2026-11-01T12:00:00.000Z', pending: [] });
    await stores.cards.endAgreement(customer, agreementId);
    expect(await stores.cards.agreementCard(customer, agreementId)).toBeUndefined();
    expect(await cycles()).toEqual({ charges: 0, last_paid_at: '2026-11-01T12:00:00.000Z', pending: [] });
  });

  test('a charge takes the slot with its pending attempt; paid counts it once and stamps it, whatever races to record it', async () => {
    await setUp();
    const session = await newSession();
    const started = await start(session, 'REF000000001');
    expect(await cycles()).toEqual({ charges: 0, last_paid_at: '2026-11-01T12:00:00.000Z', pending: ['REF000000001'] });
    // Two syncs record the same answer: one write wins, the other re-plans on the paid session and writes nothing.
    const [first, second] = await Promise.all([settle(started.session, 'REF000000001', 'success'), settle(started.session, 'REF000000001', 'success')]);
    expect([first.changed, second.changed].sort()).toEqual([false, true]);
    // A sync without retry that read the pending session loses the race: nothing more counted.
    await expect(settle(started.session, 'REF000000001', 'success', false)).rejects.toBeInstanceOf(VersionConflictError);
    expect(await cycles()).toEqual({ charges: 1, last_paid_at: '2026-12-07T10:00:00.000Z', pending: [] });
  });

  test('refused by the bounds as the write finds them: the interval since the last payment, then total_cycles; nothing written', async () => {
    await setUp('2026-11-10T23:00:00.000Z');
    // 27 days after the customer's payment: too soon for an interval of 30 days.
    const early = await newSession();
    await expect(start(early, 'REF000000002')).rejects.toBeInstanceOf(AgreementCycleRefusedError);
    expect((await stores.sessions.get(early.session_id))!).toMatchObject({ version: early.version, attempts: [] });
    expect(await cycles()).toEqual({ charges: 0, last_paid_at: '2026-11-10T23:00:00.000Z', pending: [] });
    // Whole UTC days: the 30th day after, at any hour.
    clockNow = new Date('2026-12-10T00:05:00.000Z');
    const first = await start(early, 'REF000000003');
    await settle(first.session, 'REF000000003', 'success');
    clockNow = new Date('2027-01-09T08:00:00.000Z');
    const second = await newSession();
    await settle((await start(second, 'REF000000004')).session, 'REF000000004', 'success');
    expect(await cycles()).toMatchObject({ charges: 2, last_paid_at: '2027-01-09T08:00:00.000Z' });
    // total_cycles 2: a third is refused however long after.
    clockNow = new Date('2027-06-01T08:00:00.000Z');
    const third = await newSession();
    await expect(start(third, 'REF000000005')).rejects.toBeInstanceOf(AgreementCycleRefusedError);
    // An agreement without bounds (unscheduled) allows it: the count alone is kept.
    const unbounded = await newSession({ type: 'unscheduled', cycle_interval_days: undefined, total_cycles: undefined });
    await settle((await start(unbounded, 'REF000000006')).session, 'REF000000006', 'success');
    expect(await cycles()).toMatchObject({ charges: 3, pending: [] });
  });

  test('one slot: a second charge beside a pending one is refused; a failed charge frees it without counting; an unknown one keeps it', async () => {
    await setUp();
    const one = await newSession();
    const two = await newSession();
    // Concurrent starts on two sessions of the agreement: exactly one takes the slot.
    const outcomes = await Promise.allSettled([start(one, 'REF000000011'), start(two, 'REF000000012')]);
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    const lost = outcomes.find((outcome) => outcome.status === 'rejected') as PromiseRejectedResult;
    expect(lost.reason).toBeInstanceOf(AgreementCycleRefusedError);
    const winner = outcomes[0]!.status === 'fulfilled' ? { session: one, reference: 'REF000000011' } : { session: two, reference: 'REF000000012' };
    const loser = winner.session === one ? two : one;
    expect((await stores.sessions.get(loser.session_id))!.attempts).toEqual([]);
    expect((await cycles()).pending).toEqual([winner.reference]);
    // The outcome is not known (no settle): the slot stays taken.
    await expect(start(loser, 'REF000000013')).rejects.toBeInstanceOf(AgreementCycleRefusedError);
    // Declined: the slot is freed, nothing counted, the last payment unchanged.
    await settle((await stores.sessions.get(winner.session.session_id))!, winner.reference, 'failed');
    expect(await cycles()).toEqual({ charges: 0, last_paid_at: '2026-11-01T12:00:00.000Z', pending: [] });
    await start(loser, 'REF000000014');
    expect((await cycles()).pending).toEqual(['REF000000014']);
  });

  test('an edit of the session between the charge and its outcome: the outcome counts against the agreement it was charged under', async () => {
    await setUp();
    const session = await newSession();
    const started = await start(session, 'REF000000041');
    // The merchant moves the session to another agreement while the charge awaits its gateway.
    const edited = await changeSession(ports(), started.session, (current) => ({ action: 'edit', changes: { agreement: { ...current.agreement!, id: 'agr-other' } } }));
    await settle(edited.session, 'REF000000041', 'success');
    expect(await cycles()).toMatchObject({ charges: 1, pending: [] });
    expect(await stores.cards.agreementCycles(customer, 'agr-other')).toEqual({ charges: 0, pending: [] });
  });

  test('an agreement no payment of the customer set up takes no charge', async () => {
    const session = await newSession();
    await expect(start(session, 'REF000000021')).rejects.toBeInstanceOf(AgreementCycleRefusedError);
    expect(await cycles()).toEqual({ charges: 0, pending: [] });
  });

  test('a customer-initiated attempt of an auto_debit session moves no cycle', async () => {
    await setUp();
    const session = await newSession();
    const { merchant_initiated: _merchant, ...customerAttempt } = chargeAttempt('REF000000031');
    const started = await changeSession(ports(), session, (current) => ({ action: 'start_attempt', changes: { attempts: [...current.attempts, customerAttempt], reference_number: 'REF000000031', result: 'pending' } }));
    await settle(started.session, 'REF000000031', 'success');
    expect(await cycles()).toEqual({ charges: 0, last_paid_at: '2026-11-01T12:00:00.000Z', pending: [] });
  });
}

describe('agreement cycles: embedded', () => {
  cyclesContract(() => {
    const cards = new MemorySavedCards();
    return { sessions: new MemorySessionRepository(undefined, cards), cards };
  });

  test('a store built without agreement cycles refuses a write that carries a step', async () => {
    const sessions = new MemorySessionRepository();
    const session = sampleSession({ payment_type: 'auto_debit', customer_id: 'c', agreement: { id: 'a', type: 'unscheduled' } });
    await sessions.create(session, []);
    const next = { ...session, version: 2 };
    await expect(sessions.update(next, session, [], { cycle: { kind: 'released', customer_id: 'c', agreement_id: 'a', reference: 'R' } })).rejects.toThrow('keeps no agreement cycles');
  });
});

describeAws('agreement cycles: DynamoDB on moto', () => {
  let table: Awaited<ReturnType<typeof createTestTable>>;
  let client: DynamoDBDocumentClient;
  beforeAll(async () => {
    table = await createTestTable('agreement-cycles');
    client = createDocumentClient();
  });
  afterAll(async () => {
    await table.drop();
    client.destroy();
  });

  cyclesContract(() => ({ sessions: new DynamoSessionRepository(client, table.name, { agreementCycles: true }), cards: new DynamoSavedCards(client, table.name) }));

  test('the agreement item holds the card and its cycles, nothing of the card number', async () => {
    const cards = new DynamoSavedCards(client, table.name);
    const customer = `cust-${randomUUID()}`;
    await cards.save({ token: '9000000000000001', customer_id: customer, pg_code: 'mpgs-kwd', brand: 'MASTERCARD', number: '512345xxxxxx0008', expiry_month: '01', expiry_year: '39', created_at: '2026-12-01T10:00:00.000Z' });
    await cards.useForAgreement(customer, 'agr-x', '9000000000000001', '2026-11-01T12:00:00.000Z');
    expect(await rawItem(client, table.name, cardAgreementKey(customer, 'agr-x'))).toEqual({ pk: `CUSTOMER#${customer}`, sk: 'AGREEMENT#agr-x', token: '9000000000000001', last_paid_at: '2026-11-01T12:00:00.000Z' });
  });

  test('a store built without agreement cycles refuses a write that carries a step, before sending anything', async () => {
    const sessions = new DynamoSessionRepository(client, table.name);
    const session = sampleSession({ payment_type: 'auto_debit', customer_id: 'c', agreement: { id: 'a', type: 'unscheduled' } });
    await sessions.create(session, []);
    await expect(sessions.update({ ...session, version: 2 }, session, [], { cycle: { kind: 'released', customer_id: 'c', agreement_id: 'a', reference: 'R' } })).rejects.toThrow('built without agreement cycles');
    expect((await sessions.get(session.session_id))!.version).toBe(1);
  });
});
