import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { createDocumentClient } from '../../functions/adapters/aws/aws-clients';
import { DynamoSessionRepository } from '../../functions/adapters/aws/dynamo-session-repository';
import { EXPIRY_INDEX, orderNoKey, sessionKey } from '../../functions/adapters/aws/table-keys';
import { expiryShard } from '../../functions/domain/expiry';
import { MemorySessionRepository } from '../../functions/adapters/embedded/memory-session-repository';
import { MemoryExpiryIndex } from '../../functions/adapters/embedded/memory-expiry-index';
import { DynamoExpiryIndex } from '../../functions/adapters/aws/dynamo-expiry-index';
import { sessionEvent } from '../../functions/domain/events';
import { countCalls, createTestTable, rawItem, recordSessionReads, storedEvents } from '../fixtures/dynamo-table';
import { describeAws } from '../fixtures/moto';
import { changed, newOrderNo, sampleSession } from '../fixtures/sessions';
import { sessionRepositoryContract } from './session-repository.contract';

describe('SessionRepository contract: embedded', () => {
  sessionRepositoryContract(() => {
    const repo = new MemorySessionRepository();
    return { repo, events: async (id) => repo.outbox.filter((event) => event.session_id === id), expiry: new MemoryExpiryIndex(repo) };
  });
});

describeAws('SessionRepository contract: DynamoDB on moto', () => {
  let table: Awaited<ReturnType<typeof createTestTable>>;
  let client: DynamoDBDocumentClient;
  beforeAll(async () => {
    table = await createTestTable('sessions');
    client = createDocumentClient();
  });
  afterAll(async () => {
    await table.drop();
    client.destroy();
  });

  sessionRepositoryContract(() => ({
    repo: new DynamoSessionRepository(client, table.name),
    events: (id) => storedEvents(client, table.name, id),
    expiry: new DynamoExpiryIndex(client, table.name),
  }));

  describe('item layout', () => {
    const dueIn = (gsi1pk: string) =>
      client.send(new QueryCommand({ TableName: table.name, IndexName: EXPIRY_INDEX, KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': gsi1pk } }));

    test('a session carries its expiry index keys for life: paying it writes the table item only', async () => {
      const counted = createDocumentClient();
      const calls = countCalls(counted);
      const repo = new DynamoSessionRepository(counted, table.name);
      const session = sampleSession({ expires_at: '2026-11-25T10:31:42.123Z' });
      await repo.create(session, []);
      const open = await rawItem(client, table.name, sessionKey(session.session_id));
      const shard = expiryShard(session.session_id);
      const keys = { gsi1pk: `EXPIRY#2026-11-25T10:31#${shard}`, gsi1sk: `2026-11-25T10:31:42.123Z#${session.session_id}` };
      expect(open).toMatchObject({ version: 1, state: 'created', expires_at: '2026-11-25T10:31:42.123Z', ...keys });
      expect(shard).toBeGreaterThanOrEqual(0);
      expect(shard).toBeLessThan(10);
      expect((await dueIn(keys.gsi1pk)).Items).toContainEqual(expect.objectContaining({ pk: `SESSION#${session.session_id}` }));

      const pending = changed(session, { state: 'pending' });
      await repo.update(pending, session, []);
      calls.reset();
      const paid = changed(pending, { state: 'paid' });
      await repo.update(paid, pending, [sessionEvent('paid', paid, randomUUID(), new Date())]);
      // One PutItem, and the index keys it puts are the ones the item had: DynamoDB writes no
      // index entry (KEYS_ONLY), so paying costs the table's write unit alone.
      expect(calls.counts).toEqual({ PutItem: 1 });
      expect(await rawItem(client, table.name, sessionKey(session.session_id))).toMatchObject({ state: 'paid', version: 3, ...keys });
      // Still listed: the sweep will read it at its expiry minute and leave it.
      expect((await dueIn(keys.gsi1pk)).Items).toContainEqual(expect.objectContaining({ pk: `SESSION#${session.session_id}` }));
      counted.destroy();
    });

    test('a changed expires_at moves the session in the index', async () => {
      const repo = new DynamoSessionRepository(client, table.name);
      const session = sampleSession({ expires_at: '2026-11-25T10:31:00.000Z' });
      await repo.create(session, []);
      await repo.update(changed(session, { expires_at: '2026-11-25T12:05:30.000Z' }), session, []);
      expect(await rawItem(client, table.name, sessionKey(session.session_id))).toMatchObject({
        gsi1pk: `EXPIRY#2026-11-25T12:05#${expiryShard(session.session_id)}`,
        gsi1sk: `2026-11-25T12:05:30.000Z#${session.session_id}`,
      });
    });

    test('the claim is an item of its own; the events ride on the session item of the write that commits them', async () => {
      const repo = new DynamoSessionRepository(client, table.name);
      const orderNo = newOrderNo();
      const session = sampleSession({ order_no: orderNo, version: 7 });
      const event = sessionEvent('created', session, randomUUID(), new Date('2026-11-25T10:00:00.000Z'));
      await repo.create(session, [event]);
      expect(await rawItem(client, table.name, orderNoKey(orderNo))).toEqual({ ...orderNoKey(orderNo), session_id: session.session_id });
      const item = await rawItem(client, table.name, sessionKey(session.session_id));
      expect(JSON.parse(String(item?.events))).toEqual([event]);
      // The next write without events drops them, so no stream record repeats an event.
      await repo.update(changed(session, {}), session, []);
      expect((await rawItem(client, table.name, sessionKey(session.session_id)))?.events).toBeUndefined();
      expect(await storedEvents(client, table.name, session.session_id)).toEqual([event]);
    });
  });

  describe('eventually consistent reads', () => {
    /** A client of its own, whose session GetItems are recorded (moto itself is always consistent). */
    function recorded() {
      const own = createDocumentClient();
      return { own, repo: new DynamoSessionRepository(own, table.name), ...recordSessionReads(own) };
    }

    test('strong by default; `consistent: false` is sent as ConsistentRead false, one GetItem when it finds the session', async () => {
      const { own, repo, reads } = recorded();
      const session = sampleSession();
      await repo.create(session, []);
      expect(await repo.get(session.session_id)).toEqual(session);
      expect(await repo.get(session.session_id, { consistent: false })).toEqual(session);
      expect(reads).toEqual(['strong', 'eventual']);
      own.destroy();
    });

    test('a replica that does not have the item yet: asked again strongly, so a session created a moment ago is found', async () => {
      const { own, repo, reads } = recorded();
      // The first eventually consistent GetItem answers as a replica the create has not reached.
      let lagging = true;
      const replica = (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: { input: { ConsistentRead?: boolean } }) => {
        if (context.commandName === 'GetItemCommand' && args.input.ConsistentRead !== true && lagging) {
          lagging = false;
          return { output: { $metadata: {} } };
        }
        return next(args);
      };
      own.middlewareStack.add(replica as never, { step: 'initialize', name: 'laggingReplica' });
      const session = sampleSession();
      await repo.create(session, []);
      expect(await repo.get(session.session_id, { consistent: false })).toEqual(session);
      expect(reads).toEqual(['eventual', 'strong']);
      own.destroy();
    });

    test('an unknown session is asked for twice (eventual, then strong) and is not found', async () => {
      const { own, repo, reads } = recorded();
      expect(await repo.get(sampleSession().session_id, { consistent: false })).toBeUndefined();
      expect(reads).toEqual(['eventual', 'strong']);
      own.destroy();
    });
  });
});
