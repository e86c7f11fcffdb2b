import { CreateTableCommand, DynamoDBClient, PutItemCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand, DescribeStreamCommand } from '@aws-sdk/client-dynamodb-streams';
import { randomBytes } from 'node:crypto';
import { pollStream, type Poller } from '../../functions/local/cloud/event-sources';
import { describeAws, MOTO_ENDPOINT } from '../fixtures/moto';
import { waitFor } from '../fixtures/webhook-receiver';

/**
 * The local cloud's DynamoDB-stream event source keeps reading after a cancelled transaction.
 * moto answers one by putting back a copy of the whole table, stream shard included, so a
 * poller that followed NextShardIterator kept reading the old shard and never saw another
 * record (the stream router of a CI-sized run stopped so, silently). It keeps a position instead.
 * And the shard moto threw away held the cancelled transaction's passed writes, read as records
 * by an iterator taken before: our moto server (test/fixtures/moto-server.py) keeps the shard.
 */
describeAws('the local cloud\'s stream poller', () => {
  const target = { endpoint: MOTO_ENDPOINT!, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
  const dynamo = new DynamoDBClient(target);
  let poller: Poller | undefined;
  afterAll(async () => {
    await poller?.stop();
    dynamo.destroy();
  });

  /** A table of its own with a stream (other suites share this moto server). */
  const streamTable = async (prefix: string) => {
    const TableName = `${prefix}-${randomBytes(4).toString('hex')}`;
    const table = await dynamo.send(
      new CreateTableCommand({
        TableName,
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    return { TableName, table };
  };

  test('a record written after a cancelled transaction still reaches the function, once', async () => {
    const { TableName, table } = await streamTable('stream-poller');
    const seen: string[] = [];
    const invoke = async (event: unknown) => {
      for (const record of (event as { Records: Array<{ dynamodb: { Keys: { pk: { S: string } } } }> }).Records) seen.push(record.dynamodb.Keys.pk.S);
      return {};
    };
    const mapping = { streamArn: table.TableDescription!.LatestStreamArn!, batchSize: 10, startingPosition: 'TRIM_HORIZON' as const, filters: [], reportBatchItemFailures: true, bisectOnError: true, retryAttempts: 2, functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:Router', pollIntervalMs: 50 };
    poller = pollStream(target, mapping, invoke, () => undefined);
    const put = (pk: string) => dynamo.send(new PutItemCommand({ TableName, Item: { pk: { S: pk } } }));

    await put('before');
    await waitFor(() => seen.includes('before'), { timeoutMs: 30_000, what: 'the first record' });
    // A transaction whose condition fails: DynamoDB writes nothing; moto restores a copy of the table.
    await expect(
      dynamo.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName, Item: { pk: { S: 'before' } }, ConditionExpression: 'attribute_not_exists(pk)' } }] })),
    ).rejects.toMatchObject({ name: 'TransactionCanceledException' });
    await put('after');
    await waitFor(() => seen.includes('after'), { timeoutMs: 30_000, what: 'the record written after the cancelled transaction' });
    expect(seen).toEqual(['before', 'after']);
  });

  test('a cancelled transaction leaves no record in the stream, not even for an iterator taken before it, so no sequence number is read twice', async () => {
    // The stop-23 CI failure: a poller took an iterator, a transaction whose first write passed
    // and whose second was refused was cancelled, and the iterator then read that first write
    // (moto kept it in the shard it threw away). The poller moved past its sequence number, which
    // the table's next write (a paid session's) reused: that record was never routed.
    const { TableName, table } = await streamTable('stream-phantom');
    const streams = new DynamoDBStreamsClient(target);
    const StreamArn = table.TableDescription!.LatestStreamArn!;
    const put = (pk: string) => dynamo.send(new PutItemCommand({ TableName, Item: { pk: { S: pk } } }));
    const read = async (iterator: string) => ((await streams.send(new GetRecordsCommand({ ShardIterator: iterator }))).Records ?? []).map((record) => [record.dynamodb!.SequenceNumber, record.dynamodb!.Keys!.pk!.S]);
    try {
      await put('first');
      const ShardId = (await streams.send(new DescribeStreamCommand({ StreamArn }))).StreamDescription!.Shards![0]!.ShardId!;
      const [[firstSequence]] = (await read((await streams.send(new GetShardIteratorCommand({ StreamArn, ShardId, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator!)) as [[string, string]];
      const taken = (await streams.send(new GetShardIteratorCommand({ StreamArn, ShardId, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: firstSequence }))).ShardIterator!;
      await expect(
        dynamo.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              { Put: { TableName, Item: { pk: { S: 'rolled-back' } } } },
              { ConditionCheck: { TableName, Key: { pk: { S: 'absent' } }, ConditionExpression: 'attribute_exists(pk)' } },
            ],
          }),
        ),
      ).rejects.toMatchObject({ name: 'TransactionCanceledException' });
      expect(await read(taken)).toEqual([]);
      await put('second');
      const all = await read((await streams.send(new GetShardIteratorCommand({ StreamArn, ShardId, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator!);
      expect(all.map(([, pk]) => pk)).toEqual(['first', 'second']);
      // The iterator taken before the transaction reads the next real write, under its own number.
      expect(await read(taken)).toEqual([all[1]]);
    } finally {
      streams.destroy();
    }
  });
});
