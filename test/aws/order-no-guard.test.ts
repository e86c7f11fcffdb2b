import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../functions/adapters/aws/aws-clients';
import { DynamoSessionRepository } from '../../functions/adapters/aws/dynamo-session-repository';
import { orderNoKey, sessionKey } from '../../functions/adapters/aws/table-keys';
import { createTestTable, rawItem } from '../fixtures/dynamo-table';
import { describeAws } from '../fixtures/moto';
import { changed, newOrderNo, sampleSession } from '../fixtures/sessions';

/**
 * A session giving its order_no back releases the claim only while the claim is its own: a claim
 * that another session holds (an operator's repair, a claim moved by a write of an earlier layout)
 * is never released, and the whole change fails with it.
 */
describeAws('order_no release guard (DynamoDB on moto)', () => {
  let table: Awaited<ReturnType<typeof createTestTable>>;
  let client: DynamoDBDocumentClient;
  let repo: DynamoSessionRepository;
  beforeAll(async () => {
    table = await createTestTable('order-no-guard');
    client = createDocumentClient();
    repo = new DynamoSessionRepository(client, table.name);
  });
  afterAll(async () => {
    await table.drop();
    client.destroy();
  });

  test('a change that would release a claim held by another session fails and writes nothing', async () => {
    const orderNo = newOrderNo('guarded');
    const leaving = sampleSession({ order_no: orderNo });
    await repo.create(leaving, []);
    // The claim now points at another session.
    const holder = sampleSession({ order_no: orderNo });
    await client.send(new PutCommand({ TableName: table.name, Item: { ...orderNoKey(orderNo), session_id: holder.session_id } }));

    const elsewhere = newOrderNo('elsewhere');
    await expect(repo.update(changed(leaving, { order_no: elsewhere }), leaving, [])).rejects.toThrow(
      `order_no claim ${orderNo} is held by a session other than ${leaving.session_id}`,
    );
    // The holder keeps its claim, unreleased; the leaving session and the other order_no are untouched.
    expect(await rawItem(client, table.name, orderNoKey(orderNo))).toEqual({ ...orderNoKey(orderNo), session_id: holder.session_id });
    expect(await rawItem(client, table.name, orderNoKey(elsewhere))).toBeUndefined();
    expect(await repo.get(leaving.session_id)).toMatchObject({ version: 1, order_no: orderNo });
    expect(await rawItem(client, table.name, sessionKey(leaving.session_id))).toMatchObject({ version: 1 });
  });

  test('the same change releases the claim while it is its own (the control case)', async () => {
    const orderNo = newOrderNo('own');
    const leaving = sampleSession({ order_no: orderNo });
    await repo.create(leaving, []);
    const elsewhere = newOrderNo('elsewhere');
    await repo.update(changed(leaving, { order_no: elsewhere }), leaving, []);
    expect(await rawItem(client, table.name, orderNoKey(orderNo))).toEqual({ ...orderNoKey(orderNo), session_id: leaving.session_id, released: true });
    expect(await rawItem(client, table.name, orderNoKey(elsewhere))).toEqual({ ...orderNoKey(elsewhere), session_id: leaving.session_id });
  });
});
