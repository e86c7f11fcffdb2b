import { DynamoDBClient, ProvisionedThroughputExceededException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { createDocumentClient } from '../../functions/adapters/aws/aws-clients';
import { DynamoConfigStore } from '../../functions/adapters/aws/dynamo-config-store';
import { DynamoSessionRepository } from '../../functions/adapters/aws/dynamo-session-repository';
import { orderNoKey, sessionKey } from '../../functions/adapters/aws/table-keys';
import { systemClock } from '../../functions/adapters/system-clock';
import { createSession } from '../fixtures/session-requests';
import { updateSession } from '../fixtures/session-requests';
import { ConflictError, ServiceUnavailableError } from '../../functions/domain/errors';
import { sessionEvent } from '../../functions/domain/events';
import { errorResponse } from '../../functions/handlers/http/error-response';
import { logger } from '../../functions/handlers/logger';
import type { Ports } from '../../functions/ports';
import { embeddedPorts } from '../../functions/local/embedded-ports';
import { demoConfig } from '../../functions/local/demo-config';
import { countCalls, createTestTable, rawItem, recordSessionReads, storedEvents } from '../fixtures/dynamo-table';
import { DEMO_ENV } from '../fixtures/local-api';
import { describeAws } from '../fixtures/moto';
import { changed, newOrderNo, sampleSession } from '../fixtures/sessions';

/** The session repository's writes: one PutItem, or a transaction when the order_no claim moves too. */
const WRITES = new Set(['TransactWriteItemsCommand', 'PutItemCommand']);

/**
 * Injects `failures` errors into write calls (PutItem, TransactWriteItems), inside the SDK's
 * retry loop (right after its retry middleware), as DynamoDB itself would answer. No module is
 * mocked: the real client and adapter run, one layer of the SDK's own middleware stack misbehaves.
 */
function injectTransactionFaults(client: DynamoDBDocumentClient, makeError: () => Error, failures: number) {
  const seen = { attempts: 0, injected: 0 };
  const middleware = (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
    if (!WRITES.has(context.commandName ?? '')) return next(args);
    seen.attempts++;
    if (seen.injected < failures) {
      seen.injected++;
      throw makeError();
    }
    return next(args);
  };
  client.middlewareStack.addRelativeTo(middleware as never, { relation: 'after', toMiddleware: 'retryMiddleware', name: 'injectTransactionFaults' });
  return seen;
}

/**
 * moto 5.2 does not make TransactWriteItems atomic against concurrent requests: it checks and
 * writes item by item without a lock and, when a transaction is cancelled, restores a copy of
 * the whole table taken when that transaction began, undoing transactions committed meanwhile
 * (moto/dynamodb/models/__init__.py, transact_write_items). DynamoDB serialises transactions on
 * an item. To test our optimistic locking rather than moto's races, this sends the client's
 * writes (transactions and conditional puts) one at a time, as DynamoDB would apply them; the
 * reads still race freely.
 */
function serialiseTransactions(client: DynamoDBDocumentClient): void {
  let queue: Promise<unknown> = Promise.resolve();
  const middleware = (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => (args: unknown) => {
    if (!WRITES.has(context.commandName ?? '')) return next(args);
    const turn = queue.then(() => next(args));
    queue = turn.catch(() => undefined);
    return turn;
  };
  client.middlewareStack.add(middleware as never, { step: 'initialize', name: 'serialiseTransactions' });
}

const throttled = () => new ProvisionedThroughputExceededException({ message: 'injected throttling', $metadata: { httpStatusCode: 400 } });
/** A single-item write on an item that a transaction in flight holds. */
const itemInTransaction = () => Object.assign(new Error('Transaction is ongoing for the item'), { name: 'TransactionConflictException', $metadata: { httpStatusCode: 400 } });
const conflicted = () =>
  new TransactionCanceledException({
    message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [None, TransactionConflict]',
    $metadata: { httpStatusCode: 400 },
    CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }],
  });

describeAws('DynamoDB session repository under faults and contention', () => {
  let table: Awaited<ReturnType<typeof createTestTable>>;
  let reader: DynamoDBDocumentClient;
  beforeAll(async () => {
    table = await createTestTable('faults');
    reader = createDocumentClient();
  });
  afterAll(async () => {
    await table.drop();
    reader.destroy();
  });

  /** A repository on a client of its own, so injected faults touch this test only. */
  function faultyRepo(makeError: () => Error, failures: number, maxAttempts?: number) {
    const client = createDocumentClient(new DynamoDBClient({ maxAttempts }));
    const seen = injectTransactionFaults(client, makeError, failures);
    return { repo: new DynamoSessionRepository(client, table.name), seen, client };
  }

  test('throttling on every SDK attempt: a clean 503, and nothing of the session is written', async () => {
    // Two SDK attempts instead of DynamoDB's default, to keep the throttling backoff short.
    const { repo, seen, client } = faultyRepo(throttled, Infinity, 2);
    const orderNo = newOrderNo();
    const session = sampleSession({ order_no: orderNo });
    const error = await repo.create(session, [sessionEvent('created', session, randomUUID(), new Date())]).catch((e: unknown) => e);
    client.destroy();
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(seen.attempts).toBe(2); // the SDK retried before giving up
    // The answer says nothing more; the log line says what was busy, so an operator sees why.
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const response = errorResponse(error);
    expect(warn.mock.calls).toEqual([['service unavailable', { detail: 'Service temporarily unavailable, try again.', cause: expect.stringMatching(/^ProvisionedThroughputExceededException: /) }]]);
    warn.mockRestore();
    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body)).toEqual({ detail: 'Service temporarily unavailable, try again.' });
    expect(await rawItem(reader, table.name, sessionKey(session.session_id))).toBeUndefined();
    expect(await rawItem(reader, table.name, orderNoKey(orderNo))).toBeUndefined();
    expect(await storedEvents(reader, table.name, session.session_id)).toEqual([]);
  });

  test('throttling once: the SDK retries and the write lands exactly once', async () => {
    const { repo, seen, client } = faultyRepo(throttled, 1);
    const session = sampleSession();
    await repo.create(session, [sessionEvent('created', session, randomUUID(), new Date())]);
    client.destroy();
    expect(seen.attempts).toBe(2);
    expect(await rawItem(reader, table.name, sessionKey(session.session_id))).toMatchObject({ version: 1 });
    expect(await storedEvents(reader, table.name, session.session_id)).toHaveLength(1);
  });

  test('a write that committed but whose answer was lost: the SDK retry meets its own write, which is success, not a 409', async () => {
    const client = createDocumentClient();
    let attempts = 0;
    const loseFirstAnswer = (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
      if (context.commandName !== 'PutItemCommand') return next(args);
      const result = await next(args);
      if (++attempts === 1) throw throttled(); // committed, then its answer is lost
      return result;
    };
    client.middlewareStack.addRelativeTo(loseFirstAnswer as never, { relation: 'after', toMiddleware: 'retryMiddleware', name: 'loseFirstAnswer' });
    const repo = new DynamoSessionRepository(client, table.name);
    const session = sampleSession();
    await new DynamoSessionRepository(reader, table.name).create(session, []);
    const next = changed(session, { state: 'pending' });
    await repo.update(next, session, [sessionEvent('pending', next, randomUUID(), new Date())]);
    client.destroy();
    // The first attempt committed and its answer was dropped; the SDK's retry failed its condition
    // on that very write (its own attempts never reach here), which the repository took as done.
    expect(attempts).toBe(1);
    expect(await repo.get(session.session_id)).toEqual(next);
    expect(await storedEvents(reader, table.name, session.session_id)).toHaveLength(1);
  });

  test('TransactionConflict on every attempt: 503 after our retries; the stored session, its claim and outbox unchanged', async () => {
    const setup = new DynamoSessionRepository(reader, table.name);
    const [oldNo, newNo] = [newOrderNo(), newOrderNo()];
    const session = sampleSession({ order_no: oldNo });
    await setup.create(session, [sessionEvent('created', session, randomUUID(), new Date())]);
    const before = await rawItem(reader, table.name, sessionKey(session.session_id));

    const { repo, seen, client } = faultyRepo(conflicted, Infinity);
    const next = changed(session, { state: 'canceled', order_no: newNo });
    const error = await repo.update(next, session, [sessionEvent('canceled', next, randomUUID(), new Date())]).catch((e: unknown) => e);
    client.destroy();
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(seen.attempts).toBe(3); // ours: TransactionCanceledException is not retried by the SDK
    expect((error as Error).cause).toMatchObject({ name: 'TransactionCanceledException' });
    expect(await rawItem(reader, table.name, sessionKey(session.session_id))).toEqual(before);
    expect(await rawItem(reader, table.name, orderNoKey(oldNo))).toMatchObject({ session_id: session.session_id });
    expect(await rawItem(reader, table.name, orderNoKey(newNo))).toBeUndefined();
    expect(await storedEvents(reader, table.name, session.session_id)).toHaveLength(1);
  });

  test('TransactionConflict once on a single-item write: retried, applied once, one event', async () => {
    const setup = new DynamoSessionRepository(reader, table.name);
    const session = sampleSession();
    await setup.create(session, []);
    const { repo, seen, client } = faultyRepo(itemInTransaction, 1);
    const next = changed(session, { state: 'pending' });
    await repo.update(next, session, [sessionEvent('pending', next, randomUUID(), new Date())]);
    client.destroy();
    expect(seen.attempts).toBe(2);
    expect(await setup.get(session.session_id)).toEqual(next);
    expect(await storedEvents(reader, table.name, session.session_id)).toHaveLength(1);
  });

  test('50 concurrent PATCHes of one session: each applies or gets 409, and the version counts the applied ones', async () => {
    const client = createDocumentClient();
    serialiseTransactions(client);
    const calls = countCalls(client);
    const sessionReads = recordSessionReads(client);
    const { config } = await demoConfig(DEMO_ENV);
    const configStore = new DynamoConfigStore(client, table.name);
    await configStore.save(config, (await configStore.read())?.version);
    // DynamoDB for the session and configuration; the rest of the ports do not take part.
    const ports: Ports = {
      ...embeddedPorts(config, 'key', systemClock),
      sessions: new DynamoSessionRepository(client, table.name),
      config: configStore,
    };
    const principal = { kind: 'api_key', id: 'test', name: 'test' } as const;
    const session = await createSession(ports, { principal, body: { type: 'payment_request', pg_codes: ['sandbox-kwd'], amount: '14', currency_code: 'KWD' } });
    calls.reset();
    sessionReads.reset();

    const names = Array.from({ length: 50 }, (_, i) => `name-${i}`);
    const results = await Promise.allSettled(
      names.map((name) => updateSession(ports, { principal, sessionId: session.session_id, body: { customer_first_name: name }, mode: 'partial' })),
    );
    const callsDuringUpdates = { ...calls.counts };
    const readsDuringUpdates = [...sessionReads.reads];
    const applied = results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<typeof session>).value);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
    expect(applied.length).toBeGreaterThanOrEqual(1);
    expect(applied.length + refused.length).toBe(50);
    for (const reason of refused) {
      expect(reason).toBeInstanceOf(ConflictError);
      expect(errorResponse(reason).statusCode).toBe(409);
    }
    const final = (await ports.sessions.get(session.session_id))!;
    expect(final.version).toBe(1 + applied.length);
    // Each applied update moved the version by one: no two writers applied from the same read.
    expect(new Set(applied.map((s) => s.version)).size).toBe(applied.length);
    expect(applied.find((s) => s.version === final.version)?.customer_first_name).toBe(final.customer_first_name);
    // The configuration was cached. Each request reads eventually consistently and writes once;
    // one whose write lost re-reads strongly and runs once more on that read (a second PutItem),
    // and only a race lost again is its 409.
    expect(readsDuringUpdates.filter((read) => read === 'eventual')).toHaveLength(50);
    const reruns = readsDuringUpdates.filter((read) => read === 'strong').length;
    expect(refused.length).toBeLessThanOrEqual(reruns);
    expect(callsDuringUpdates).toEqual({ GetItem: 50 + reruns, PutItem: 50 + reruns });
    client.destroy();
  });
});
