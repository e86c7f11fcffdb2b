import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../functions/adapters/aws/aws-clients';
import { DynamoSavedCards } from '../../functions/adapters/aws/dynamo-saved-cards';
import { cardAgreementKey, savedCardKey } from '../../functions/adapters/aws/table-keys';
import { MemorySavedCards } from '../../functions/adapters/embedded/memory-saved-cards';
import { createTestTable, rawItem } from '../fixtures/dynamo-table';
import { describeAws } from '../fixtures/moto';
import { savedCardsContract } from './saved-cards.contract';

describe('SavedCards contract: embedded', () => {
  savedCardsContract(() => new MemorySavedCards());
});

describeAws('SavedCards contract: DynamoDB on moto', () => {
  let table: Awaited<ReturnType<typeof createTestTable>>;
  let client: DynamoDBDocumentClient;
  beforeAll(async () => {
    table = await createTestTable('saved-cards');
    client = createDocumentClient();
  });
  afterAll(async () => {
    await table.drop();
    client.destroy();
  });

  savedCardsContract(() => new DynamoSavedCards(client, table.name));

  test("the items the table design names: the card and the agreement in the customer's partition, masked only", async () => {
    const store = new DynamoSavedCards(client, table.name);
    await store.save({ token: '9123456789012345', customer_id: 'cust-layout', pg_code: 'mpgs', brand: 'VISA', number: '450875xxxxxx1019', expiry_month: '01', expiry_year: '39', created_at: '2026-12-07T10:00:00.000Z' });
    await store.useForAgreement('cust-layout', 'agr-9', '9123456789012345');
    const cardItem = await rawItem(client, table.name, savedCardKey('cust-layout', '9123456789012345'));
    expect(cardItem).toMatchObject({ pk: 'CUSTOMER#cust-layout', sk: 'CARD#9123456789012345', number: '450875xxxxxx1019', active_agreements: new Set(['agr-9']) });
    // Only the token and its key hold a long run of digits; the card number never does.
    const others = Object.entries(cardItem!).filter(([field]) => field !== 'token' && field !== 'sk');
    expect(others.filter(([, value]) => /\d{12,}/.test(String(value)))).toEqual([]);
    expect(await rawItem(client, table.name, cardAgreementKey('cust-layout', 'agr-9'))).toEqual({ pk: 'CUSTOMER#cust-layout', sk: 'AGREEMENT#agr-9', token: '9123456789012345' });
  });
});
