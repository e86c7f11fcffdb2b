import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../functions/adapters/aws/aws-clients';
import { DynamoIdempotencyStore } from '../../functions/adapters/aws/dynamo-idempotency-store';
import { DynamoSessionRepository } from '../../functions/adapters/aws/dynamo-session-repository';
import { idempotencyKey } from '../../functions/adapters/aws/table-keys';
import { countCalls, createTestTable, rawItem } from '../fixtures/dynamo-table';
import { describeAws } from '../fixtures/moto';
import { webhookDeliveryContract } from '../fixtures/webhook-delivery-contract';

describeAws('webhook delivery: DynamoDB on moto', () => {
  let table: Awaited<ReturnType<typeof createTestTable>>;
  let client: DynamoDBDocumentClient;
  /** Reads the raw items apart from the counted client. */
  let reader: DynamoDBDocumentClient;
  let calls: ReturnType<typeof countCalls>;
  beforeAll(async () => {
    table = await createTestTable('deliver-webhook');
    client = createDocumentClient();
    reader = createDocumentClient();
    calls = countCalls(client);
  });
  afterAll(async () => {
    await table.drop();
    client.destroy();
    reader.destroy();
  });

  webhookDeliveryContract(async () => ({
    sessions: new DynamoSessionRepository(client, table.name),
    idempotency: new DynamoIdempotencyStore(client, table.name),
    // The record as stored: a completed claim has a `response` (empty for a delivery).
    claim: async (key, now) => {
      const item = await rawItem(reader, table.name, idempotencyKey(key));
      if (!item || Number(item.expires_at) <= now.getTime()) return 'none';
      return item.response !== undefined ? 'completed' : 'in_progress';
    },
    calls,
  }));
});
