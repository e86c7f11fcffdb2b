import { expireDueSessions } from '../../functions/app/expire-due-sessions';
import { expireIfDue } from '../../functions/app/expire-session';
import { updateSession } from '../fixtures/session-requests';
import { MemoryExpiryIndex } from '../../functions/adapters/embedded/memory-expiry-index';
import { LaggingSessions } from '../fixtures/lagging-sessions';
import { ManualClock } from '../../functions/adapters/system-clock';
import { ConflictError, VersionConflictError } from '../../functions/domain/errors';
import { sessionEvent } from '../../functions/domain/events';
import { EXPIRY_SHARDS, expiryIndexKeys, expiryMinute } from '../../functions/domain/expiry';
import type { Session } from '../../functions/domain/session';
import { transition } from '../../functions/domain/state-machine';
import type { Ports, SessionBatchReader, SessionRepository } from '../../functions/ports';
import { countingRepository, embeddedPorts, expiryConfig, makeSession, plentyOfTime, sweepUntilFinished, type EmbeddedPorts } from '../fixtures/expiry-sessions';

const T0 = new Date('2026-11-25T10:30:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

async function seed(ports: EmbeddedPorts, sessions: Session[]): Promise<void> {
  for (const session of sessions) await ports.sessions.create(session, []);
}

/** Every session id in the embedded expiry index, whatever its bucket. */
function indexed(ports: EmbeddedPorts, sessions: Session[]): string[] {
  return sessions.filter((s) => ports.sessions.expiryPartition(expiryIndexKeys(s).gsi1pk).some((key) => key.endsWith(s.session_id))).map((s) => s.session_id);
}

function expiredEvents(ports: EmbeddedPorts) {
  return ports.sessions.outbox.filter((event) => event.type === 'expired');
}

test('expires due open sessions with their event and leaves the rest; closed sessions stay listed and are skipped', async () => {
  const ports = embeddedPorts(T0);
  const due = [makeSession(at(5_000)), makeSession(at(30_000), { state: 'pending' }), makeSession(at(59_000), { state: 'attempted' })];
  const later = makeSession(at(10 * 60_000));
  const paid = makeSession(at(1_000), { state: 'paid' });
  await seed(ports, [...due, later, paid]);
  ports.clock.set(at(60_000));

  const report = await expireDueSessions(ports, { remainingMs: plentyOfTime });

  expect(report).toMatchObject({ enabled: true, expired: 3, skipped: 1, failed: 0, finished: true });
  for (const session of due) {
    const stored = await ports.sessions.get(session.session_id);
    expect(stored).toMatchObject({ state: 'expired', version: session.version + 1 });
  }
  expect((await ports.sessions.get(later.session_id))?.state).toBe('created');
  expect((await ports.sessions.get(paid.session_id))?.state).toBe('paid');
  expect(expiredEvents(ports).map((e) => e.session_id).sort()).toEqual(due.map((s) => s.session_id).sort());
  expect(expiredEvents(ports).every((e) => e.state === 'expired' && e.occurred_at === at(60_000).toISOString())).toBe(true);
  // The index holds no state: the expired and the paid sessions keep their entries.
  expect(indexed(ports, [...due, later, paid])).toEqual([...due, later, paid].map((s) => s.session_id));
});

test('a session is due at its expires_at, not a millisecond before', async () => {
  const ports = embeddedPorts(T0);
  const session = makeSession(at(5_000));
  await seed(ports, [session]);
  ports.clock.set(at(4_999));
  expect((await expireDueSessions(ports, { remainingMs: plentyOfTime })).expired).toBe(0);
  ports.clock.set(at(5_000));
  expect((await expireDueSessions(ports, { remainingMs: plentyOfTime })).expired).toBe(1);
});

test('with the expire flag off the sweep does nothing and keeps its checkpoint for later', async () => {
  const ports = embeddedPorts(T0, expiryConfig(false));
  const session = makeSession(at(5_000));
  await seed(ports, [session]);
  ports.clock.set(at(10 * 60_000));
  expect(await expireDueSessions(ports, { remainingMs: plentyOfTime })).toMatchObject({ enabled: false, expired: 0 });
  expect((await ports.sessions.get(session.session_id))?.state).toBe('created');
  expect(await ports.expiry.sweptThrough()).toBeUndefined();

  // Turned on later, the sweep catches up on what fell due meanwhile.
  ports.config.replace(expiryConfig(true));
  expect(await expireDueSessions(ports, { remainingMs: plentyOfTime })).toMatchObject({ enabled: true, expired: 1 });
});

test('the checkpoint covers drained buckets that ended over a minute ago, and the next run starts after it', async () => {
  const ports = embeddedPorts(T0);
  await seed(ports, [makeSession(at(5_000))]);
  ports.clock.set(at(3 * 60_000 + 30_000)); // 10:33:30
  const report = await expireDueSessions(ports, { remainingMs: plentyOfTime });
  // 10:31 ended 2.5 min ago (settled); 10:32 ended 30 s ago, so it is swept again next time.
  expect(report.sweptThrough).toBe('2026-11-25T10:31');
  expect(await ports.expiry.sweptThrough()).toEqual({ minute: '2026-11-25T10:31' });

  // A session put into the unsettled bucket 10:32 (a writer with a slow clock) is still found.
  const straggler = makeSession(at(2 * 60_000 + 10_000));
  await seed(ports, [straggler]);
  const next = await expireDueSessions(ports, { remainingMs: plentyOfTime });
  expect(next.expired).toBe(1);
  expect(next.bucketsSwept).toBe(2); // 10:32 and 10:33, nothing before the checkpoint
});

test('a backlog larger than one run continues in the next without skipping or expiring twice', async () => {
  const ports = embeddedPorts(T0);
  // 600 sessions over three minutes: 20 per shard per bucket, several pages each.
  const sessions = Array.from({ length: 600 }, (_, i) => makeSession(at((i % 180) * 1000 + 500)));
  await seed(ports, sessions);
  ports.clock.set(at(10 * 60_000));

  // Each run may start only 40 page queries before its time is "up".
  const { runs, expired } = await sweepUntilFinished(ports, 40, { pageSize: 7, firstRunLookbackMs: 11 * 60_000 }, 200);
  expect(runs).toBeGreaterThan(3);
  expect(expired).toBe(600);
  const events = expiredEvents(ports);
  expect(events).toHaveLength(600);
  expect(new Set(events.map((e) => e.session_id)).size).toBe(600);
  for (const session of sessions) expect((await ports.sessions.get(session.session_id))?.state).toBe('expired');
  expect(await ports.expiry.sweptThrough()).toEqual({ minute: expiryMinute(at(8 * 60_000)) });
});

test('a settled bucket too large for one run is resumed where the last run stopped: each listed session is read once', async () => {
  const ports = embeddedPorts(T0);
  // One bucket of 400 sessions, most of them paid before they fell due: the index keeps them all.
  const sessions = Array.from({ length: 400 }, (_, i) => makeSession(at((i % 60) * 1000 + 500), { state: i % 10 === 0 ? 'created' : 'paid' }));
  await seed(ports, sessions);
  ports.clock.set(at(4 * 60_000));
  const { repository, reads } = countingRepository(ports.sessions);

  // 35 pages of 5 a run, where the bucket takes some 80 and each empty one 10.
  const { runs, expired } = await sweepUntilFinished({ ...ports, sessions: repository }, 35, { pageSize: 5, firstRunLookbackMs: 5 * 60_000 }, 20);
  expect(runs).toBeGreaterThan(2);
  expect(expired).toBe(40);
  expect(expiredEvents(ports)).toHaveLength(40);
  expect(sessions.map((s) => reads.get(s.session_id))).toEqual(sessions.map(() => 1));
  expect((await ports.expiry.sweptThrough())?.minute).toBe(expiryMinute(at(2 * 60_000)));
});

test('a failing expiry keeps its bucket out of the checkpoint, lets later buckets through, and is retried', async () => {
  const ports = embeddedPorts(T0);
  const stuck = makeSession(at(5_000));
  const fine = makeSession(at(65_000));
  await seed(ports, [stuck, fine]);
  ports.clock.set(at(5 * 60_000));
  const repository = ports.sessions;
  let broken = true;
  const flaky: SessionRepository & SessionBatchReader = {
    get: (id) => repository.get(id),
    getMany: (ids, options) => repository.getMany(ids, options),
    findByOrderNo: (orderNo) => repository.findByOrderNo(orderNo),
    lastByOrderNo: (orderNo) => repository.lastByOrderNo(orderNo),
    findByChildId: (id) => repository.findByChildId(id),
    create: (s, e) => repository.create(s, e),
    update: (next, previous, events) =>
      broken && next.session_id === stuck.session_id ? Promise.reject(new Error('ProvisionedThroughputExceeded')) : repository.update(next, previous, events),
  };

  const first = await expireDueSessions({ ...ports, sessions: flaky }, { remainingMs: plentyOfTime });
  expect(first).toMatchObject({ expired: 1, failed: 1, finished: true });
  expect(first.errors[0]?.where).toBe(stuck.session_id);
  expect(first.sweptThrough).toBe(expiryMinute(at(-60_000))); // stops before 10:30, the failing bucket
  expect((await repository.get(fine.session_id))?.state).toBe('expired');

  broken = false;
  const second = await expireDueSessions({ ...ports, sessions: flaky }, { remainingMs: plentyOfTime });
  expect(second).toMatchObject({ expired: 1, failed: 0 });
  expect(second.sweptThrough).toBe(expiryMinute(at(3 * 60_000)));
  expect(expiredEvents(ports)).toHaveLength(2);
});

test('a session whose expiry a PATCH moved on is skipped even if the index still lists it', async () => {
  const ports = embeddedPorts(T0);
  const session = makeSession(at(5_000));
  await seed(ports, [session]);
  // What a stale GSI would show: the old entry, while the item itself says 10:45.
  const moved = { ...session, version: 2, expires_at: at(15 * 60_000).toISOString() };
  await ports.sessions.update(moved, session, []);
  const stale = { due: async () => ({ sessions: [{ sessionId: session.session_id, expiresAt: session.expires_at }] }), sweptThrough: async () => undefined, markSwept: async () => undefined };
  ports.clock.set(at(60_000));
  const report = await expireDueSessions({ ...ports, expiry: stale }, { remainingMs: plentyOfTime, firstRunLookbackMs: 0 });
  expect(report).toMatchObject({ expired: 0, skipped: EXPIRY_SHARDS });
  expect((await ports.sessions.get(session.session_id))?.state).toBe('created');
});

test('expireIfDue: marks a due session expired with its event, whatever the flag; leaves others alone', async () => {
  const ports = embeddedPorts(T0, expiryConfig(false));
  const due = makeSession(at(5_000));
  const notDue = makeSession(at(60_000));
  await seed(ports, [due, notDue]);
  ports.clock.set(at(5_000));
  expect(await expireIfDue(ports, due)).toMatchObject({ state: 'expired', version: 2 });
  expect(await expireIfDue(ports, notDue)).toBe(notDue);
  expect(expiredEvents(ports).map((e) => e.session_id)).toEqual([due.session_id]);
});

test('expireIfDue on a stale copy re-reads: it reports the winner of the race instead of failing', async () => {
  const ports = embeddedPorts(T0);
  const paidFirst = makeSession(at(5_000));
  const patchedFirst = makeSession(at(5_000));
  await seed(ports, [paidFirst, patchedFirst]);
  const paid = { ...paidFirst, state: 'paid' as const, version: 2 };
  await ports.sessions.update(paid, paidFirst, [sessionEvent('paid', paid, 'e1', T0)]);
  const renamed = { ...patchedFirst, customer_first_name: 'Late', version: 2 };
  await ports.sessions.update(renamed, patchedFirst, []);
  ports.clock.set(at(5_000));

  expect(await expireIfDue(ports, paidFirst)).toMatchObject({ state: 'paid', version: 2 });
  expect(await expireIfDue(ports, patchedFirst)).toMatchObject({ state: 'expired', version: 3, customer_first_name: 'Late' });
  expect(expiredEvents(ports).map((e) => e.session_id)).toEqual([patchedFirst.session_id]);
});

describe('races between the sweep and other writers have one winner', () => {
  const SESSIONS = 300;
  const sweepOptions = { remainingMs: plentyOfTime, pageSize: 5, concurrency: 2, firstRunLookbackMs: 2 * 60_000 };

  /**
   * The embedded repository with I/O-like latency: each call first yields to the event loop a
   * random number of times, so the sweep and the other writers really interleave.
   */
  function withLatency(repository: SessionRepository & SessionBatchReader): SessionRepository & SessionBatchReader {
    const hop = async () => {
      for (let i = Math.floor(Math.random() * 4); i > 0; i--) await new Promise((resolve) => setImmediate(resolve));
    };
    return {
      get: async (id) => (await hop(), repository.get(id)),
      getMany: async (ids, options) => (await hop(), repository.getMany(ids, options)),
      findByOrderNo: async (orderNo) => (await hop(), repository.findByOrderNo(orderNo)),
      lastByOrderNo: async (orderNo) => (await hop(), repository.lastByOrderNo(orderNo)),
      findByChildId: async (id) => (await hop(), repository.findByChildId(id)),
      create: async (session, events) => (await hop(), repository.create(session, events)),
      update: async (next, previous, events) => (await hop(), repository.update(next, previous, events)),
    };
  }

  /** What a payment does: read, transition through the table, conditional write with its event. */
  async function pay(ports: Ports, sessionId: string): Promise<'paid' | 'conflict' | 'refused'> {
    const current = (await ports.sessions.get(sessionId))!;
    const move = transition(current.state, 'pay');
    if (!move.ok) return 'refused';
    const next = { ...current, state: move.to, version: current.version + 1 };
    try {
      await ports.sessions.update(next, current, [sessionEvent(move.event!, next, ports.ids.eventId(), ports.clock.now())]);
      return 'paid';
    } catch (error) {
      if (error instanceof VersionConflictError) return 'conflict';
      throw error;
    }
  }

  test('sweep against payments: each session ends expired or paid, never both, with exactly one event', async () => {
    const ports = embeddedPorts(T0);
    const sessions = Array.from({ length: SESSIONS }, (_, i) => makeSession(at(1_000 + (i % 50))));
    await seed(ports, sessions);
    ports.clock.set(at(2 * 60_000));

    const racing = { ...ports, sessions: withLatency(ports.sessions) };
    const [report, ...outcomes] = await Promise.all([
      expireDueSessions(racing, sweepOptions),
      ...sessions.map((s) => pay(racing, s.session_id)),
    ]);

    expect(report.failed).toBe(0);
    let paid = 0;
    for (const [i, session] of sessions.entries()) {
      const stored = (await ports.sessions.get(session.session_id))!;
      const events = ports.sessions.outbox.filter((e) => e.session_id === session.session_id);
      expect(events).toHaveLength(1);
      if (stored.state === 'paid') {
        paid++;
        expect(outcomes[i]).toBe('paid');
        expect(events[0]!.type).toBe('paid');
      } else {
        expect(stored.state).toBe('expired');
        expect(outcomes[i]).not.toBe('paid'); // the payment got a version conflict (a 409) or found it expired
        expect(events[0]!.type).toBe('expired');
      }
    }
    expect(paid + report.expired).toBe(SESSIONS);
    expect(indexed(ports, sessions)).toHaveLength(SESSIONS);
    // Both writers must actually have won some races, or this test proved nothing.
    expect(paid).toBeGreaterThan(0);
    expect(report.expired).toBeGreaterThan(0);
  });

  test('sweep against PATCHes from a Lambda whose clock says "not yet": a PATCH wins (and is kept) or gets 409', async () => {
    const ports = embeddedPorts(T0);
    const sessions = Array.from({ length: SESSIONS }, () => makeSession(at(1_000)));
    await seed(ports, sessions);
    ports.clock.set(at(2 * 60_000));
    const principal = { kind: 'api_key' as const, id: 'test', name: 'test' };
    const patcher = { ...ports, sessions: withLatency(ports.sessions), clock: new ManualClock(at(500)) };
    const patch = (session: Session, i: number) => {
      const body = i % 2 === 0 ? { customer_first_name: `Name ${i}` } : { expiration_time: '00:30:00' };
      return updateSession(patcher, { principal, sessionId: session.session_id, body, mode: 'partial' }).then(
        () => 200,
        (error: unknown) => (error instanceof ConflictError ? 409 : Promise.reject(error)),
      );
    };

    const [report, ...statuses] = await Promise.all([
      expireDueSessions({ ...ports, sessions: withLatency(ports.sessions) }, sweepOptions),
      ...sessions.map(patch),
    ]);

    expect(report.failed).toBe(0);
    for (const [i, session] of sessions.entries()) {
      const stored = (await ports.sessions.get(session.session_id))!;
      const expired = ports.sessions.outbox.filter((e) => e.session_id === session.session_id && e.type === 'expired');
      if (statuses[i] === 409) {
        expect(stored).toMatchObject({ state: 'expired', customer_first_name: '', expires_at: session.expires_at });
      } else if (i % 2 === 0) {
        // The rename won; the sweep re-read it, found it still due and expired it, keeping the name.
        expect(stored).toMatchObject({ state: 'expired', customer_first_name: `Name ${i}` });
      } else {
        // The new expiration_time won: open, due in half an hour, indexed under its new bucket only.
        expect(stored).toMatchObject({ state: 'created', expires_at: at(500 + 30 * 60_000).toISOString() });
        expect(ports.sessions.expiryPartition(expiryIndexKeys(stored).gsi1pk).filter((key) => key.endsWith(session.session_id))).toHaveLength(1);
        expect(ports.sessions.expiryPartition(expiryIndexKeys(session).gsi1pk).filter((key) => key.endsWith(session.session_id))).toHaveLength(0);
      }
      expect(expired).toHaveLength(stored.state === 'expired' ? 1 : 0);
    }
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThan(0);
    expect(statuses.filter((status) => status === 409).length).toBeGreaterThan(0);
  });
});

describe('the sweep reads eventually consistently', () => {
  /** Embedded ports whose session reads go through a lagging replica, the index over the same store. */
  function laggingPorts() {
    const sessions = new LaggingSessions();
    return { ...embeddedPorts(T0), sessions, expiry: new MemoryExpiryIndex(sessions) };
  }

  test('a settled session costs one cheap read and no write', async () => {
    const ports = laggingPorts();
    const paid = makeSession(at(5_000), { state: 'paid' });
    await ports.sessions.create(paid, []);
    ports.clock.set(at(60_000));
    expect(await expireDueSessions(ports, { remainingMs: plentyOfTime })).toMatchObject({ expired: 0, skipped: 1, failed: 0 });
    expect(ports.sessions.reads).toEqual(['eventual']);
    expect(await ports.sessions.get(paid.session_id)).toEqual(paid);
  });

  test('an older version open and not yet due is read again strongly: a PATCH moved its expiry into this bucket', async () => {
    const ports = laggingPorts();
    const session = makeSession(at(30 * 60_000));
    await ports.sessions.create(session, []);
    const moved = { ...session, expires_at: at(5_000).toISOString(), version: session.version + 1 };
    await ports.sessions.update(moved, session, []);
    ports.sessions.lag = 1;
    ports.sessions.resetReads();
    ports.clock.set(at(60_000));
    expect(await expireDueSessions(ports, { remainingMs: plentyOfTime })).toMatchObject({ expired: 1, failed: 0 });
    expect(ports.sessions.reads.slice(0, 2)).toEqual(['eventual', 'strong']);
    expect((await ports.sessions.get(session.session_id))?.state).toBe('expired');
  });

  test('an older version that shows a paid session still due loses the conditional write and leaves it paid', async () => {
    const ports = laggingPorts();
    const session = makeSession(at(5_000));
    await ports.sessions.create(session, []);
    const paid = { ...session, state: 'paid' as const, version: session.version + 1 };
    await ports.sessions.update(paid, session, []);
    ports.sessions.lag = 1;
    ports.clock.set(at(60_000));
    expect(await expireDueSessions(ports, { remainingMs: plentyOfTime })).toMatchObject({ expired: 0, skipped: 1, failed: 0 });
    expect(await ports.sessions.get(session.session_id)).toMatchObject({ state: 'paid', version: paid.version });
    expect(expiredEvents(ports)).toEqual([]);
  });
});

describe('the fanned-out sweep (one invocation per shard)', () => {
  const byShard = (sessions: Session[]) => {
    const { expiryShard } = require('../../functions/domain/expiry') as typeof import('../../functions/domain/expiry');
    return (shard: number) => sessions.filter((s) => expiryShard(s.session_id) === shard);
  };

  test('a shard\'s run expires its own shard\'s due sessions only, and keeps its own checkpoint', async () => {
    const ports = embeddedPorts(T0);
    const sessions = Array.from({ length: 200 }, (_, i) => makeSession(at(1_000 + i * 100)));
    await seed(ports, sessions);
    ports.clock.set(at(3 * 60_000 + 30_000));
    const of = byShard(sessions);

    const report = await expireDueSessions(ports, { remainingMs: plentyOfTime, shard: 3 });
    expect(report).toMatchObject({ expired: of(3).length, failed: 0, finished: true, sweptThrough: '2026-11-25T10:31' });
    for (const session of sessions) expect([session.session_id, (await ports.sessions.get(session.session_id))?.state]).toEqual([session.session_id, of(3).includes(session) ? 'expired' : 'created']);
    expect(await ports.expiry.sweptThrough(3)).toEqual({ minute: '2026-11-25T10:31' });
    // The whole sweep's checkpoint and the other shards' are untouched.
    expect(await ports.expiry.sweptThrough()).toBeUndefined();
    expect(await ports.expiry.sweptThrough(4)).toBeUndefined();
  });

  test('every shard swept by its own parallel run expires exactly what the whole sweep would, each session once', async () => {
    const ports = embeddedPorts(T0);
    const sessions = Array.from({ length: 300 }, (_, i) => makeSession(at(1_000 + i * 150), { state: i % 3 === 0 ? 'paid' : 'created' }));
    await seed(ports, sessions);
    ports.clock.set(at(2 * 60_000));
    const reports = await Promise.all(Array.from({ length: EXPIRY_SHARDS }, (_, shard) => expireDueSessions(ports, { remainingMs: plentyOfTime, shard, concurrency: 25 })));
    const open = sessions.filter((s) => s.state === 'created' && Date.parse(s.expires_at) <= at(2 * 60_000).getTime());
    expect(reports.reduce((sum, r) => sum + r.expired, 0)).toBe(open.length);
    expect(expiredEvents(ports).map((e) => e.session_id).sort()).toEqual(open.map((s) => s.session_id).sort());
    for (let shard = 0; shard < EXPIRY_SHARDS; shard++) expect((await ports.expiry.sweptThrough(shard))?.minute).toBe(expiryMinute(at(0)));
  });

  test('a shard\'s first own run starts where the whole sweep\'s checkpoint is (switching to the fan-out skips nothing and re-reads no day)', async () => {
    const ports = embeddedPorts(T0);
    const early = makeSession(at(-30 * 60_000));
    const due = makeSession(at(5_000));
    await seed(ports, [early, due]);
    await ports.expiry.markSwept(expiryMinute(at(-60_000)));
    ports.clock.set(at(2 * 60_000));
    const { expiryShard } = require('../../functions/domain/expiry') as typeof import('../../functions/domain/expiry');
    const report = await expireDueSessions(ports, { remainingMs: plentyOfTime, shard: expiryShard(due.session_id) });
    expect(report.expired).toBe(1);
    expect((await ports.sessions.get(due.session_id))?.state).toBe('expired');
    // Before the whole sweep's checkpoint: not read again.
    if (expiryShard(early.session_id) === expiryShard(due.session_id)) expect((await ports.sessions.get(early.session_id))?.state).toBe('created');
    expect(report.bucketsSwept).toBe(3);
  });

  test('a shard outside 0..EXPIRY_SHARDS-1 is refused before anything is read', async () => {
    const ports = embeddedPorts(T0);
    await expect(expireDueSessions(ports, { remainingMs: plentyOfTime, shard: EXPIRY_SHARDS })).rejects.toThrow(RangeError);
    await expect(expireDueSessions(ports, { remainingMs: plentyOfTime, shard: 1.5 })).rejects.toThrow(/no expiry shard/);
  });
});
