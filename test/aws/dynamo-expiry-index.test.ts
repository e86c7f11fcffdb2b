import { randomBytes } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoExpiryIndex } from '../../functions/adapters/aws/dynamo-expiry-index';
import { expireDueSessions, type ExpireDuePorts } from '../../functions/app/expire-due-sessions';
import { tryExpire } from '../../functions/app/expire-session';
import { expiryIndexKeys, expiryMinute, expiryShard } from '../../functions/domain/expiry';
import type { Session } from '../../functions/domain/session';
import { VersionConflictError } from '../../functions/domain/errors';
import { sessionEvent } from '../../functions/domain/events';
import { DynamoSessionRepository } from '../../functions/adapters/aws/dynamo-session-repository';
import { createCheckoutTable, documentClient, seedSessions, sessionItem } from '../fixtures/expiry-table';
import { embeddedPorts, makeSession, sweepUntilFinished } from '../fixtures/expiry-sessions';
import { describeAws, useMotoEnv } from '../fixtures/moto';

// Unique per run: other suites (and other runs) share the moto server.
const TABLE = `checkout-expiry-test-${process.pid}-${randomBytes(3).toString('hex')}`;
const T0 = new Date('2026-11-25T10:30:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

describeAws('DynamoDB expiry index (gsi1) against moto', () => {
  let client: ReturnType<typeof documentClient>;
  let index: DynamoExpiryIndex;
  let repository: DynamoSessionRepository;

  beforeAll(() => {
    useMotoEnv();
    client = documentClient();
  });
  beforeEach(async () => {
    await createCheckoutTable(client, TABLE);
    index = new DynamoExpiryIndex(client, TABLE);
    repository = new DynamoSessionRepository(client, TABLE);
  });
  afterAll(() => client.destroy());

  /** Ports with the DynamoDB index and contract-shaped session items; config, clock and ids embedded. */
  function dynamoPorts(now: Date): ExpireDuePorts & { clock: { set(d: Date): void } } {
    const embedded = embeddedPorts(now);
    return { ...embedded, sessions: repository, expiry: index };
  }

  /** Sessions that all land in one shard of one bucket, so paging is exercised. */
  function sameShard(count: number, shard: number, expiresAt: (i: number) => Date): Session[] {
    const sessions: Session[] = [];
    while (sessions.length < count) {
      const candidate = makeSession(expiresAt(sessions.length));
      if (expiryShard(candidate.session_id) === shard) sessions.push(candidate);
    }
    return sessions;
  }

  test('the contract item shape: every session carries its gsi1 keys, closed ones the same as when open', () => {
    const open = makeSession(at(5_000));
    expect(sessionItem(open)).toMatchObject({
      pk: `SESSION#${open.session_id}`,
      sk: 'SESSION',
      version: 1,
      state: 'created',
      expires_at: '2026-11-25T10:30:05.000Z',
      gsi1pk: `EXPIRY#2026-11-25T10:30#${expiryShard(open.session_id)}`,
      gsi1sk: `2026-11-25T10:30:05.000Z#${open.session_id}`,
    });
    const keys = { gsi1pk: sessionItem(open).gsi1pk, gsi1sk: sessionItem(open).gsi1sk };
    for (const closed of [{ ...open, state: 'paid' as const }, { ...open, state: 'expired' as const }, { ...open, deleted_at: at(1_000).toISOString() }]) {
      expect(sessionItem(closed)).toMatchObject(keys);
    }
  });

  test('due() lists one shard of one bucket, oldest first, closed sessions too, only up to now, page by page', async () => {
    const shard = 3;
    const sessions = sameShard(25, shard, (i) => at(1_000 + i * 1_000));
    const closed = sameShard(1, shard, () => at(500)).map((s) => ({ ...s, state: 'paid' as const }));
    const otherBucket = makeSession(at(61_000));
    await seedSessions(client, TABLE, [...sessions, ...closed, otherBucket]);

    const now = at(20_000); // sessions 0..19 are due (expires_at 1 s .. 20 s)
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await index.due('2026-11-25T10:30', shard, now, 6, cursor);
      seen.push(...page.sessions.map((s) => s.sessionId));
      for (const entry of page.sessions) expect(Date.parse(entry.expiresAt)).toBeLessThanOrEqual(now.getTime());
      cursor = page.cursor;
      pages++;
    } while (cursor !== undefined);
    // The paid session (due first) is listed like the others: the index holds no state.
    expect(seen).toEqual([...closed, ...sessions.slice(0, 20)].map((s) => s.session_id));
    expect(pages).toBeGreaterThanOrEqual(4);
    expect((await index.due('2026-11-25T10:30', (shard + 1) % 10, now, 100)).sessions.filter((s) => sessions.some((x) => x.session_id === s.sessionId))).toEqual([]);
  });

  test('the checkpoint item is read back and only moves forward', async () => {
    expect(await index.sweptThrough()).toBeUndefined();
    await index.markSwept('2026-11-25T10:31');
    await index.markSwept('2026-11-25T10:29'); // a slower, overlapping sweep finishing late
    expect(await index.sweptThrough()).toEqual({ minute: '2026-11-25T10:31' });
    await index.markSwept('2026-11-25T10:32');
    expect(await index.sweptThrough()).toEqual({ minute: '2026-11-25T10:32' });
    const { Items } = await client.send(new ScanCommand({ TableName: TABLE })); // test inspection only
    expect(Items).toEqual([{ pk: 'EXPIRY_CURSOR', sk: 'EXPIRY_CURSOR', minute: '2026-11-25T10:32' }]);
    // Progress inside the next bucket: recorded at the same minute, dropped once the minute moves.
    const within = { '3': `2026-11-25T10:33:05.000Z#${'a'.repeat(40)}` };
    await index.markSwept('2026-11-25T10:32', within);
    expect(await index.sweptThrough()).toEqual({ minute: '2026-11-25T10:32', within });
    await index.markSwept('2026-11-25T10:32'); // a plain write at the same minute changes nothing
    await index.markSwept('2026-11-25T10:31', { '4': within['3'] }); // nor one behind it
    expect(await index.sweptThrough()).toEqual({ minute: '2026-11-25T10:32', within });
    await index.markSwept('2026-11-25T10:33');
    expect(await index.sweptThrough()).toEqual({ minute: '2026-11-25T10:33' });
  });

  test('each shard of the fanned-out sweep keeps its own checkpoint item beside the whole sweep\'s, and it only moves forward', async () => {
    await index.markSwept('2026-11-25T10:40', undefined, 7);
    await index.markSwept('2026-11-25T10:38', undefined, 7);
    await index.markSwept('2026-11-25T10:41', { '2': `2026-11-25T10:42:00.000Z#${'b'.repeat(40)}` }, 2);
    expect(await index.sweptThrough(7)).toEqual({ minute: '2026-11-25T10:40' });
    expect(await index.sweptThrough(2)).toEqual({ minute: '2026-11-25T10:41', within: { '2': `2026-11-25T10:42:00.000Z#${'b'.repeat(40)}` } });
    expect(await index.sweptThrough(0)).toBeUndefined();
    const { Items } = await client.send(new ScanCommand({ TableName: TABLE })); // test inspection only
    expect(Items!.filter((item) => String(item.pk).startsWith('EXPIRY_CURSOR#')).map((item) => [item.pk, item.sk, item.minute]).sort()).toEqual([
      ['EXPIRY_CURSOR#2', 'EXPIRY_CURSOR#2', '2026-11-25T10:41'],
      ['EXPIRY_CURSOR#7', 'EXPIRY_CURSOR#7', '2026-11-25T10:40'],
    ]);
  });

  test('the sweep over DynamoDB: bounded runs continue from the checkpoint, each session expired once with its event, keeping its index entry', async () => {
    const sessions = Array.from({ length: 60 }, (_, i) => makeSession(at((i % 150) * 2000 + 250)));
    const later = makeSession(at(20 * 60_000));
    await seedSessions(client, TABLE, [...sessions, later]);
    const ports = dynamoPorts(at(5 * 60_000));

    const { runs, expired } = await sweepUntilFinished(ports, 25, { pageSize: 4, concurrency: 2, firstRunLookbackMs: 6 * 60_000 }, 50);
    expect(runs).toBeGreaterThan(1);
    expect(expired).toBe(60);
    expect(await index.sweptThrough()).toEqual({ minute: expiryMinute(at(3 * 60_000)) });

    const { Items = [] } = await client.send(new ScanCommand({ TableName: TABLE })); // test inspection only
    const items = Items.filter((item) => item.sk === 'SESSION');
    for (const session of sessions) {
      const item = items.find((i) => i.pk === `SESSION#${session.session_id}`)!;
      expect(item).toMatchObject({ state: 'expired', version: 2, ...expiryIndexKeys(session) });
      // The expiring write carried its event (the stream's new image is the outbox record).
      expect(JSON.parse(String(item.events))).toEqual([expect.objectContaining({ type: 'expired', session_id: session.session_id, version: 2 })]);
    }
    expect(items.find((i) => i.pk === `SESSION#${later.session_id}`)).toMatchObject({ state: 'created', gsi1pk: expect.stringMatching(/^EXPIRY#2026-11-25T10:50#/) });
  });

  // Interleaved step by step rather than fired concurrently: moto 5.2's TransactWriteItems is not
  // isolated between concurrent requests (it writes item by item and rolls back by restoring a
  // copy of the whole table), so a concurrent race there tests moto, not us. The concurrent race
  // runs against the embedded store (test/unit/expire-due-sessions.test.ts); here each ordering
  // of the two conditional writes is pinned on DynamoDB's own semantics.
  test('stale writers lose on DynamoDB: whichever of expiry and payment commits second gets nothing written', async () => {
    const [expiresFirst, paysFirst] = [makeSession(at(1_000)), makeSession(at(1_000))];
    await seedSessions(client, TABLE, [expiresFirst, paysFirst]);
    const ports = dynamoPorts(at(30_000));
    const paid = (s: Session) => ({ ...s, state: 'paid' as const, version: s.version + 1 });
    const payEvent = (s: Session) => [sessionEvent('paid', paid(s), `pay-${s.session_id}`, at(30_000))];

    // Both read version 1; the sweep commits first, the payment's write must fail and leave no trace.
    const readByPayment = (await repository.get(expiresFirst.session_id))!;
    expect((await tryExpire(ports, (await repository.get(expiresFirst.session_id))!)).expired).toBe(true);
    await expect(repository.update(paid(readByPayment), readByPayment, payEvent(readByPayment))).rejects.toBeInstanceOf(VersionConflictError);

    // Both read version 1; the payment commits first, the sweep re-reads and finds it paid.
    const readBySweep = (await repository.get(paysFirst.session_id))!;
    await repository.update(paid(readBySweep), readBySweep, payEvent(readBySweep));
    expect(await tryExpire(ports, readBySweep)).toMatchObject({ expired: false, session: { state: 'paid', version: 2 } });

    const { Items = [] } = await client.send(new ScanCommand({ TableName: TABLE })); // test inspection only
    for (const [session, state] of [[expiresFirst, 'expired'], [paysFirst, 'paid']] as const) {
      const item = Items.find((x) => x.sk === 'SESSION' && x.pk === `SESSION#${session.session_id}`);
      expect(item).toMatchObject({ state, version: 2, ...expiryIndexKeys(session) });
      // The committing write carried its one event; the losing write left no trace.
      expect((JSON.parse(String(item!.events)) as { type: string }[]).map((e) => e.type)).toEqual([state]);
    }
    // Both stay listed (the closing writes left the keys alone); a sweep reads them and moves on.
    for (const session of [expiresFirst, paysFirst]) {
      const listed = await index.due('2026-11-25T10:30', expiryShard(session.session_id), at(30_000), 10);
      expect(listed.sessions.map((s) => s.sessionId)).toContain(session.session_id);
    }
    expect(await expireDueSessions(ports, { remainingMs: () => 60_000, firstRunLookbackMs: 60_000 })).toMatchObject({ expired: 0, skipped: 2, failed: 0 });
  });
});
