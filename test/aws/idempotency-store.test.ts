import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../functions/adapters/aws/aws-clients';
import { DynamoIdempotencyStore } from '../../functions/adapters/aws/dynamo-idempotency-store';
import { idempotencyKey } from '../../functions/adapters/aws/table-keys';
import { MemoryIdempotencyStore } from '../../functions/adapters/embedded/memory-idempotency-store';
import { createTestTable, rawItem } from '../fixtures/dynamo-table';
import { describeAws } from '../fixtures/moto';
import { idempotencyStoreContract } from './idempotency-store.contract';

describe('IdempotencyStore contract: embedded', () => {
  idempotencyStoreContract(() => new MemoryIdempotencyStore());
});

describeAws('IdempotencyStore contract: DynamoDB on moto', () => {
  let table: Awaited<ReturnType<typeof createTestTable>>;
  let client: DynamoDBDocumentClient;
  beforeAll(async () => {
    table = await createTestTable('idempotency');
    client = createDocumentClient();
  });
  afterAll(async () => {
    await table.drop();
    client.destroy();
  });

  idempotencyStoreContract(() => new DynamoIdempotencyStore(client, table.name));

  test('the record is keyed by the hash of the scoped key and carries a TTL a day ahead', async () => {
    const store = new DynamoIdempotencyStore(client, table.name);
    const scoped = 'user:clerk:POST /b/checkout/v1/pymt-txn:secret-ish client text';
    await store.begin(scoped, 'f1', new Date('2026-11-25T10:00:00.000Z'));
    const item = await rawItem(client, table.name, idempotencyKey(scoped));
    expect(item?.pk).toMatch(/^IDEMPOTENCY#[0-9a-f]{64}$/);
    expect(item?.sk).toBe('IDEMPOTENCY');
    expect(JSON.stringify(item)).not.toContain('secret-ish');
    expect(item?.ttl).toBe(Date.parse('2026-11-26T10:00:00.000Z') / 1000);
  });
});
