import { randomUUID } from 'node:crypto';
import { OrderNoTakenError, VersionConflictError } from '../../functions/domain/errors';
import { sessionEvent, type SessionEvent } from '../../functions/domain/events';
import type { Session } from '../../functions/domain/session';
import type { State } from '../../functions/domain/state-machine';
import type { SessionRepository } from '../../functions/ports';
import { changed, newOrderNo, sampleSession } from '../fixtures/sessions';

export interface SessionRepositoryHarness {
  repo: SessionRepository;
  /** The committed outbox events of one session, oldest first. */
  events(sessionId: string): Promise<SessionEvent[]>;
}

const NOW = new Date('2026-11-25T10:00:00.000Z');
const created = (session: Session) => [sessionEvent('created', session, randomUUID(), NOW)];

/**
 * What every SessionRepository must do, whatever it stores in. Run once per adapter with the
 * same assertions (embedded twin and DynamoDB on moto).
 */
export function sessionRepositoryContract(harness: () => SessionRepositoryHarness): void {
  let repo: SessionRepository;
  let events: SessionRepositoryHarness['events'];
  beforeEach(() => ({ repo, events } = harness()));

  async function stored(session: Session): Promise<Session> {
    await repo.create(session, created(session));
    return session;
  }

  test('get of an unknown session is undefined', async () => {
    expect(await repo.get(sampleSession().session_id)).toBeUndefined();
    expect(await repo.get(sampleSession().session_id, { consistent: false })).toBeUndefined();
  });

  test('an eventually consistent get answers what a strong one does once the write has settled', async () => {
    const session = await stored(sampleSession());
    expect(await repo.get(session.session_id, { consistent: false })).toEqual(session);
    const next = changed(session, { amount: '15.000' });
    await repo.update(next, session, []);
    expect(await repo.get(session.session_id, { consistent: false })).toEqual(next);
  });

  test('create stores the session exactly and commits its events with it', async () => {
    const session = sampleSession({ order_no: newOrderNo() });
    const batch = created(session);
    await repo.create(session, batch);
    expect(await repo.get(session.session_id)).toEqual(session);
    expect(await events(session.session_id)).toEqual(batch);
  });

  test('a second create of the same session id is a version conflict and changes nothing', async () => {
    const session = await stored(sampleSession());
    await expect(repo.create({ ...session, amount: '99.000' }, created(session))).rejects.toBeInstanceOf(VersionConflictError);
    expect(await repo.get(session.session_id)).toEqual(session);
    expect(await events(session.session_id)).toHaveLength(1);
  });

  test('update applies on the current version, with its events', async () => {
    const session = await stored(sampleSession());
    const next = changed(session, { state: 'pending' });
    const batch = [sessionEvent('pending', next, randomUUID(), NOW)];
    await repo.update(next, session, batch);
    expect(await repo.get(session.session_id)).toEqual(next);
    expect((await events(session.session_id)).slice(1)).toEqual(batch);
  });

  test('update from a stale version is a conflict: nothing written, no event', async () => {
    const session = await stored(sampleSession());
    const first = changed(session, { amount: '20.000' });
    await repo.update(first, session, []);
    const late = changed(session, { state: 'canceled' });
    await expect(repo.update(late, session, [sessionEvent('canceled', late, randomUUID(), NOW)])).rejects.toBeInstanceOf(VersionConflictError);
    expect(await repo.get(session.session_id)).toEqual(first);
    expect(await events(session.session_id)).toHaveLength(1);
  });

  test('update of a session that does not exist is a conflict', async () => {
    const ghost = sampleSession();
    await expect(repo.update(changed(ghost, {}), ghost, [])).rejects.toBeInstanceOf(VersionConflictError);
    expect(await repo.get(ghost.session_id)).toBeUndefined();
  });

  test('two concurrent creates with one order_no: exactly one wins', async () => {
    const orderNo = newOrderNo();
    const a = sampleSession({ order_no: orderNo });
    const b = sampleSession({ order_no: orderNo });
    const results = await Promise.allSettled([repo.create(a, created(a)), repo.create(b, created(b))]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
    expect(lost.reason).toBeInstanceOf(OrderNoTakenError);
    const loser = results[0]!.status === 'rejected' ? a : b;
    expect(await repo.get(loser.session_id)).toBeUndefined();
    expect(await events(loser.session_id)).toEqual([]);
  });

  test.each<State>(['failed', 'canceled', 'expired'])('a session reaching %s gives its order_no back', async (state) => {
    const orderNo = newOrderNo();
    const first = await stored(sampleSession({ order_no: orderNo }));
    await repo.update(changed(first, { state }), first, []);
    const second = sampleSession({ order_no: orderNo });
    await repo.create(second, created(second));
    expect((await repo.get(second.session_id))?.order_no).toBe(orderNo);
  });

  test('the last session to give its order_no back is still found by lastByOrderNo, until another claims it', async () => {
    const orderNo = newOrderNo();
    const first = await stored(sampleSession({ order_no: orderNo }));
    expect((await repo.lastByOrderNo(orderNo))?.session_id).toBe(first.session_id);
    await repo.update(changed(first, { state: 'expired' }), first, []);
    expect(await repo.findByOrderNo(orderNo)).toBeUndefined();
    expect(await repo.lastByOrderNo(orderNo)).toMatchObject({ session_id: first.session_id, state: 'expired' });
    const second = await stored(sampleSession({ order_no: orderNo }));
    expect((await repo.findByOrderNo(orderNo))?.session_id).toBe(second.session_id);
    expect((await repo.lastByOrderNo(orderNo))?.session_id).toBe(second.session_id);
    // An order_no the session no longer has does not find it.
    const [oldNo, newNo] = [newOrderNo(), newOrderNo()];
    const moved = await stored(sampleSession({ order_no: oldNo }));
    await repo.update(changed(moved, { order_no: newNo }), moved, []);
    expect(await repo.lastByOrderNo(oldNo)).toBeUndefined();
    expect((await repo.lastByOrderNo(newNo))?.session_id).toBe(moved.session_id);
  });

  test('a paid session keeps its order_no', async () => {
    const orderNo = newOrderNo();
    const first = await stored(sampleSession({ order_no: orderNo }));
    await repo.update(changed(first, { state: 'paid' }), first, []);
    const second = sampleSession({ order_no: orderNo });
    await expect(repo.create(second, created(second))).rejects.toBeInstanceOf(OrderNoTakenError);
  });

  test('changing order_no moves the claim: the old one is free, the new one taken', async () => {
    const [oldNo, newNo] = [newOrderNo(), newOrderNo()];
    const session = await stored(sampleSession({ order_no: oldNo }));
    await repo.update(changed(session, { order_no: newNo }), session, []);
    const reuse = sampleSession({ order_no: oldNo });
    await repo.create(reuse, created(reuse));
    const clash = sampleSession({ order_no: newNo });
    await expect(repo.create(clash, created(clash))).rejects.toBeInstanceOf(OrderNoTakenError);
  });

  test('changing to an order_no another session holds fails and keeps everything as it was', async () => {
    const [mine, theirs] = [newOrderNo(), newOrderNo()];
    const session = await stored(sampleSession({ order_no: mine }));
    await stored(sampleSession({ order_no: theirs }));
    await expect(repo.update(changed(session, { order_no: theirs }), session, [])).rejects.toBeInstanceOf(OrderNoTakenError);
    expect(await repo.get(session.session_id)).toEqual(session);
    const clash = sampleSession({ order_no: mine });
    await expect(repo.create(clash, created(clash))).rejects.toBeInstanceOf(OrderNoTakenError);
  });

  test('setting and clearing an order_no claims and releases it', async () => {
    const orderNo = newOrderNo();
    const session = await stored(sampleSession());
    const claimed = changed(session, { order_no: orderNo });
    await repo.update(claimed, session, []);
    const clash = sampleSession({ order_no: orderNo });
    await expect(repo.create(clash, created(clash))).rejects.toBeInstanceOf(OrderNoTakenError);
    await repo.update(changed(claimed, { order_no: null }), claimed, []);
    await repo.create(clash, created(clash));
  });
}
