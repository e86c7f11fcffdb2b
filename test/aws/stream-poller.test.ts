import { CreateTableCommand, DynamoDBClient, PutItemCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { randomBytes } from 'node:crypto';
import { pollStream, type Poller } from '../../functions/local/cloud/event-sources';
import { describeAws, MOTO_ENDPOINT } from '../fixtures/moto';
import { waitFor } from '../fixtures/webhook-receiver';

/**
 * The local cloud's DynamoDB-stream event source keeps reading after a cancelled transaction.
 * moto answers one by putting back a copy of the whole table, stream shard included, so a
 * poller that followed NextShardIterator kept reading the old shard and never saw another
 * record (the stream router of a CI-sized run stopped so, silently). It keeps a position instead.
 */
describeAws('the local cloud\'s stream poller', () => {
  const target = { endpoint: MOTO_ENDPOINT!, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
  const dynamo = new DynamoDBClient(target);
  let poller: Poller | undefined;
  afterAll(async () => {
    await poller?.stop();
    dynamo.destroy();
  });

  test('a record written after a cancelled transaction still reaches the function, once', async () => {
    const TableName = `stream-poller-${randomBytes(4).toString('hex')}`;
    const table = await dynamo.send(
      new CreateTableCommand({
        TableName,
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
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
});
