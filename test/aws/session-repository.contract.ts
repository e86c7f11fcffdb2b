import type { Context, ScheduledEvent } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { OrderNoTakenError, VersionConflictError } from '../../functions/domain/errors';
import { sessionEvent, type SessionEvent } from '../../functions/domain/events';
import { expiryMinute, expiryShard } from '../../functions/domain/expiry';
import type { Session } from '../../functions/domain/session';
import type { State } from '../../functions/domain/state-machine';
import { wire as expireSessionsHandler } from '../../functions/handlers/schedule/expire-sessions';
import type { ExpiryIndex, SessionBatchReader, SessionRepository } from '../../functions/ports';
import { countingRepository, embeddedPorts } from '../fixtures/expiry-sessions';
import { changed, newOrderNo, sampleSession } from '../fixtures/sessions';

export interface SessionRepositoryHarness {
  repo: SessionRepository & SessionBatchReader;
  /** The committed outbox events of one session, oldest first. */
  events(sessionId: string): Promise<SessionEvent[]>;
  /**
   * The expiry index the repository maintains (gsi1 on AWS). Its checkpoint may outlive one
   * harness (the DynamoDB suite shares a table), so a sweep test uses minutes no other test does.
   */
  expiry: ExpiryIndex;
}

const NOW = new Date('2026-11-25T10:00:00.000Z');
const created = (session: Session) => [sessionEvent('created', session, randomUUID(), NOW)];

/**
 * What every SessionRepository must do, whatever it stores in. Run once per adapter with the
 * same assertions (embedded twin and DynamoDB on moto).
 */
export function sessionRepositoryContract(harness: () => SessionRepositoryHarness): void {
  let repo: SessionRepository & SessionBatchReader;
  let events: SessionRepositoryHarness['events'];
  let expiry: ExpiryIndex;
  beforeEach(() => ({ repo, events, expiry } = harness()));

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

  test('getMany reads those that exist, by id, each once, however many are asked for (more than one request holds)', async () => {
    const sessions = await Promise.all([0, 1, 2].map(() => stored(sampleSession())));
    const paid = changed(sessions[0]!, { state: 'paid' });
    await repo.update(paid, sessions[0]!, []);
    // More ids than one BatchGetItem takes (100), most of them unknown, one asked twice.
    const unknown = Array.from({ length: 100 }, () => sampleSession().session_id);
    const ids = [sessions[1]!.session_id, ...unknown, paid.session_id, sessions[2]!.session_id, sessions[1]!.session_id];
    for (const consistent of [true, false]) {
      const found = await repo.getMany(ids, { consistent });
      expect([...found.keys()].sort()).toEqual(sessions.map((s) => s.session_id).sort());
      expect(found.get(paid.session_id)).toEqual(paid);
      for (const session of sessions.slice(1)) expect(found.get(session.session_id)).toEqual(session);
    }
    expect((await repo.getMany([])).size).toBe(0);
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

  /** The session ids the index lists in `session`'s bucket and shard, due at `now`. */
  async function listed(session: Pick<Session, 'session_id' | 'expires_at'>, now: Date): Promise<string[]> {
    const page = await expiry.due(expiryMinute(session.expires_at), expiryShard(session.session_id), now, 100);
    return page.sessions.map((entry) => entry.sessionId);
  }

  test('every session stays in the expiry index by its expires_at, closed and deleted ones too; a new expires_at moves it', async () => {
    const expiresAt = '2030-06-01T08:20:30.000Z';
    const after = new Date('2030-06-01T08:21:00.000Z');
    const open = await stored(sampleSession({ expires_at: expiresAt }));
    const closing = await Promise.all([0, 1, 2, 3].map(() => stored(sampleSession({ expires_at: expiresAt }))));
    const [paid, canceled, deleted, paidDeleted] = closing as [Session, Session, Session, Session];
    await repo.update(changed(paid, { state: 'paid' }), paid, []);
    await repo.update(changed(canceled, { state: 'canceled' }), canceled, []);
    await repo.update(changed(deleted, { deleted_at: '2030-06-01T08:00:00.000Z' }), deleted, []);
    const paidNow = changed(paidDeleted, { state: 'paid' });
    await repo.update(paidNow, paidDeleted, []);
    await repo.update(changed(paidNow, { deleted_at: '2030-06-01T08:00:00.000Z' }), paidNow, []);
    for (const session of [open, ...closing]) expect(await listed(session, after)).toContain(session.session_id);

    const moved = changed(open, { expires_at: '2030-06-01T09:45:00.000Z' });
    await repo.update(moved, open, []);
    expect(await listed(open, after)).not.toContain(open.session_id);
    expect(await listed(moved, new Date('2030-06-01T09:46:00.000Z'))).toContain(open.session_id);
  });

  test('the sweep at the expiry minute expires the open session and leaves the ones closed before it exactly as they were', async () => {
    // Minutes of their own: on DynamoDB the sweep's checkpoint is the shared table's.
    const [checkpoint, bucket] = ['2031-03-01T09:14', '2031-03-01T09:15'];
    // With an order_no: expiring it gives the claim back in the same commit.
    const open = await stored(sampleSession({ expires_at: `${bucket}:10.000Z`, order_no: newOrderNo() }));
    const paid = await stored(sampleSession({ expires_at: `${bucket}:20.000Z` }));
    const canceled = await stored(sampleSession({ expires_at: `${bucket}:30.000Z` }));
    const deleted = await stored(sampleSession({ expires_at: `${bucket}:40.000Z` }));
    const closeAt = new Date(`${bucket}:00.000Z`);
    const close = async (session: Session, changes: Partial<Session>, type?: 'paid' | 'canceled') => {
      const next = changed(session, changes);
      await repo.update(next, session, type ? [sessionEvent(type, next, randomUUID(), closeAt)] : []);
    };
    await close(paid, { state: 'paid' }, 'paid');
    await close(canceled, { state: 'canceled' }, 'canceled');
    await close(deleted, { deleted_at: closeAt.toISOString() }); // Ottu's delete of an open session: state kept, no event
    const closed = [paid, canceled, deleted];
    const before = await Promise.all(closed.map(async (s) => ({ session: await repo.get(s.session_id), events: await events(s.session_id) })));

    // Every read and write the sweep makes through the port, per session.
    const { repository: counted, reads, writes } = countingRepository(repo);
    const ports = { ...embeddedPorts(new Date(`${bucket}:59.000Z`)), sessions: counted, expiry };
    const context = { getRemainingTimeInMillis: () => 60_000 } as Context;
    const sweep = expireSessionsHandler(ports);
    await expiry.markSwept(checkpoint);

    // The run in the minute after the bucket's sessions fell due sweeps it whole.
    const first = await sweep({} as ScheduledEvent, context);
    expect(first).toMatchObject({ enabled: true, expired: 1, skipped: 3, failed: 0, finished: true });
    expect(await repo.get(open.session_id)).toMatchObject({ state: 'expired', version: open.version + 1 });
    expect((await events(open.session_id)).map((e) => e.type)).toEqual(['created', 'expired']);
    expect(await repo.findByOrderNo(open.order_no!)).toBeUndefined();
    for (const [i, session] of closed.entries()) {
      expect(await repo.get(session.session_id)).toEqual(before[i]!.session);
      expect(await events(session.session_id)).toEqual(before[i]!.events);
      // Closed sessions stay listed; each cost the sweep one read and nothing else.
      expect(await listed(session, ports.clock.now())).toContain(session.session_id);
      expect([reads.get(session.session_id), writes.get(session.session_id)]).toEqual([1, undefined]);
    }
    expect(writes.get(open.session_id)).toBe(1);

    // A minute later the bucket has not settled, so it is swept again: nothing left to expire.
    ports.clock.advance(60_000);
    const second = await sweep({} as ScheduledEvent, context);
    expect(second).toMatchObject({ expired: 0, skipped: 4, failed: 0 });
    for (const [i, session] of closed.entries()) expect(await repo.get(session.session_id)).toEqual(before[i]!.session);
    expect([...writes.values()]).toEqual([1]);
  });
}
