import { dynamoClient } from '../../functions/adapters/aws/aws-clients';
import { CreateTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { randomBytes } from 'node:crypto';
import { DynamoShortLinkStore } from '../../functions/adapters/aws/dynamo-short-links';
import { describeAws, useMotoEnv } from '../fixtures/moto';
import { shortLinkStoreContract } from '../fixtures/short-link-store-contract';

describeAws('DynamoShortLinkStore (moto)', () => {
  let table: string;
  beforeAll(async () => {
    useMotoEnv();
    // The shared table's key schema (DESIGN: pk/sk strings); a table of our own, as other suites share moto.
    table = `checkout-short-${randomBytes(6).toString('hex')}`;
    await new DynamoDBClient({}).send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      }),
    );
  });

  // Codes are unique per test run, so each test starts on a clean slate within the one table.
  let run = 0;
  shortLinkStoreContract(async () => {
    const store = new DynamoShortLinkStore(dynamoClient(), table);
    const prefix = `r${run++}`;
    return {
      create: (code, target) => store.create(prefix + code, target),
      resolve: (code) => store.resolve(prefix + code),
      delete: (code) => store.delete(prefix + code),
    };
  });

  test('writes the item the table design names', async () => {
    const store = new DynamoShortLinkStore(dynamoClient(), table);
    await store.create('Layout0000', '/s-target');
    const { Item } = await new DynamoDBClient({}).send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'SHORT#Layout0000' }, sk: { S: 'SHORT' } } }));
    expect(Item).toEqual({ pk: { S: 'SHORT#Layout0000' }, sk: { S: 'SHORT' }, target: { S: '/s-target' } });
  });
});
