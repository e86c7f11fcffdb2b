import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { DeleteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { randomBytes } from 'node:crypto';
import { createDocumentClient, s3Client } from '../../functions/adapters/aws/aws-clients';
import { DynamoSessionRepository } from '../../functions/adapters/aws/dynamo-session-repository';
import { S3AttachmentStore } from '../../functions/adapters/aws/s3-attachment-store';
import { orderNoKey, sessionKey } from '../../functions/adapters/aws/table-keys';
import { STREAM_EVENT_SOURCE } from '../../functions/config/queues';
import { attachmentKey, attachmentPath } from '../../functions/domain/attachment';
import type { ChildTransaction } from '../../functions/domain/operations';
import type { PaymentAttempt, Session } from '../../functions/domain/session';
import { wire } from '../../functions/handlers/stream/route-events';
import { matchesAny } from '../../functions/local/cloud/filter-pattern';
import { lambdaContext } from '../../functions/local/lambda-context';
import { createTestTable, rawItem, streamRecords } from '../fixtures/dynamo-table';
import { eventPorts } from '../fixtures/event-ports';
import { describeAws, useMotoEnv } from '../fixtures/moto';
import { tinyPdf } from '../fixtures/sample-files';
import { changed, newOrderNo, sampleSession } from '../fixtures/sessions';

/**
 * The stage's retention of closed sessions (docs/data-retention.md) on DynamoDB and S3 on moto:
 * the TTL each write leaves on the item, and the attachment going with the item when the table
 * removes it. moto runs no TTL, so the removal is a DeleteItem, which the stream records as TTL's
 * would be (a REMOVE with the old image).
 */
describeAws('closed sessions: retention on DynamoDB and S3 (moto)', () => {
  const retention = { paidDays: 540, unpaidDays: 90 };
  const DAY = 86_400;
  let table: Awaited<ReturnType<typeof createTestTable>>;
  let client: DynamoDBDocumentClient;
  let repo: DynamoSessionRepository;
  const ttlOf = async (session: Session) => (await rawItem(client, table.name, sessionKey(session.session_id)))?.ttl;
  const epoch = (iso: string) => Math.floor(Date.parse(iso) / 1000);

  beforeAll(async () => {
    table = await createTestTable('retention');
    client = createDocumentClient();
    repo = new DynamoSessionRepository(client, table.name, { retention });
  });
  afterAll(async () => {
    await table.drop();
    client.destroy();
  });

  test('an open session has no TTL; closing it sets one from its last change, longer when it was paid', async () => {
    const open = sampleSession({ order_no: newOrderNo() });
    await repo.create(open, []);
    expect(await ttlOf(open)).toBeUndefined();

    const paid = changed(open, { state: 'paid', paid_at: new Date().toISOString() });
    await repo.update(paid, open, []);
    expect(await ttlOf(paid)).toBe(epoch(paid.updated_at) + 540 * DAY);
    // The order_no claim is its own item, never given a TTL: a paid order's number stays taken
    // even once its session is gone.
    expect(await rawItem(client, table.name, orderNoKey(open.order_no!))).toEqual(expect.not.objectContaining({ ttl: expect.anything() }));

    // A refund a year later moves the removal on: counted from the last change.
    const refunded = { ...changed(paid, {}), updated_at: new Date(Date.parse(paid.updated_at) + 365 * DAY * 1000).toISOString() };
    await repo.update(refunded, paid, []);
    expect(await ttlOf(refunded)).toBe(epoch(refunded.updated_at) + 540 * DAY);

    for (const state of ['expired', 'canceled', 'failed'] as const) {
      const session = sampleSession();
      await repo.create(session, []);
      const closed = changed(session, { state });
      await repo.update(closed, session, []);
      expect(await ttlOf(closed)).toBe(epoch(closed.updated_at) + 90 * DAY);
    }
  });

  test('an attempt the gateway never decided, or an operation never settled, keeps a closed session the longer window; each write counts again', async () => {
    const attempt: PaymentAttempt = { reference_number: 'REF000000001', pg_code: 'mpgs-kwd', result: 'pending', card_brand: 'card', card_last4: '', attempted_at: new Date().toISOString() };
    const expiredWithPending = changed(sampleSession(), { state: 'expired', attempts: [attempt] });
    await repo.create(expiredWithPending, []);
    expect(await ttlOf(expiredWithPending)).toBe(epoch(expiredWithPending.updated_at) + 540 * DAY);
    // The gateway's late answer settles it: now an unpaid session like any other.
    const settled = { ...changed(expiredWithPending, { attempts: [{ ...attempt, result: 'failed' }] }), updated_at: new Date(Date.now() + 60_000).toISOString() };
    await repo.update(settled, expiredWithPending, []);
    expect(await ttlOf(settled)).toBe(epoch(settled.updated_at) + 90 * DAY);

    const failed = sampleSession({ state: 'failed' });
    await repo.create(failed, []);
    const refund = { operation: 'refund', state: 'refunded', amount: '1.000', currency_code: 'KWD', reference_number: 'REF000000002' } as ChildTransaction;
    const reserving = changed(failed, { operations_in_flight: [refund] });
    await repo.update(reserving, failed, []);
    expect(await ttlOf(reserving)).toBe(epoch(reserving.updated_at) + 540 * DAY);
  });

  test('a session deleted for good goes at its deletion, whatever the retention', async () => {
    const session = sampleSession();
    await repo.create(session, []);
    const deleted = changed(session, { deleted_at: '2026-11-25T11:00:00.000Z' });
    await repo.update(deleted, session, []);
    expect(await ttlOf(deleted)).toBe(epoch('2026-11-25T11:00:00.000Z'));
  });

  test('without a retention (the setting unset) a closed session is kept', async () => {
    const keeping = new DynamoSessionRepository(client, table.name);
    const session = sampleSession({ state: 'expired' });
    await keeping.create(session, []);
    expect(await ttlOf(session)).toBeUndefined();
  });

  test("the table's removal of a session with an attachment deletes the attachment's object, and only that", async () => {
    useMotoEnv();
    const bucket = `checkout-retention-${randomBytes(6).toString('hex')}`;
    await new S3Client({ forcePathStyle: true }).send(new CreateBucketCommand({ Bucket: bucket }));
    const attachments = new S3AttachmentStore(s3Client(), bucket);
    const token = randomBytes(16).toString('hex');
    await attachments.put(attachmentKey(token), { content: tinyPdf(), contentType: 'application/pdf', filename: 'invoice.pdf' });
    await attachments.put('uploads/kept', { content: tinyPdf(), contentType: 'application/pdf', filename: 'kept.pdf' });

    const withFile = sampleSession({ state: 'expired', attachment: attachmentPath(token) });
    const withoutFile = sampleSession({ state: 'expired' });
    await repo.create(withFile, []);
    await repo.create(withoutFile, []);
    expect(await rawItem(client, table.name, sessionKey(withFile.session_id))).toMatchObject({ attachment_key: attachmentKey(token) });
    // What TTL does once the retention has passed (moto runs no TTL).
    for (const session of [withFile, withoutFile]) await client.send(new DeleteCommand({ TableName: table.name, Key: sessionKey(session.session_id) }));

    const removals = (await streamRecords(table.name)).filter((record) => record.eventName === 'REMOVE' && [withFile, withoutFile].some((s) => record.dynamodb?.Keys?.pk?.S === `SESSION#${s.session_id}`));
    expect(removals).toHaveLength(2);
    // The event source's filter passes the removal that names an attachment, and only that one.
    const routed = removals.filter((record) => matchesAny(STREAM_EVENT_SOURCE.filterPatterns as never, record));
    expect(routed.map((record) => record.dynamodb?.Keys?.pk?.S)).toEqual([`SESSION#${withFile.session_id}`]);

    const ports = await eventPorts();
    const route = wire({ ...ports, attachments });
    const answer = await route({ Records: routed as DynamoDBRecord[] }, lambdaContext('RouteEvents', Date.now() + 30_000));
    expect(answer).toEqual({ batchItemFailures: [] });
    expect(await attachments.list()).toEqual(['uploads/kept']);
    // A repeated record (the stream delivers at least once) is harmless.
    expect(await route({ Records: routed as DynamoDBRecord[] }, lambdaContext('RouteEvents', Date.now() + 30_000))).toEqual({ batchItemFailures: [] });

    // A record naming anything but a session attachment deletes nothing.
    const forged = { ...routed[0], dynamodb: { ...routed[0]!.dynamodb, OldImage: { attachment_key: { S: 'uploads/kept' } } } };
    await route({ Records: [forged as DynamoDBRecord] }, lambdaContext('RouteEvents', Date.now() + 30_000));
    expect(await attachments.list()).toEqual(['uploads/kept']);
    await ports.queue.close();
  });
});
