import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { randomBytes } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '../../functions/adapters/aws/aws-clients';
import { sessionKey } from '../../functions/adapters/aws/table-keys';
import { TTL_ATTRIBUTE } from '../../functions/config/table';
import { expiryIndexKeys } from '../../functions/domain/expiry';
import { startLocalAws } from '../../functions/local/local-aws-runtime';
import { verifyWebhookSignature } from '../../functions/domain/webhook-signature';
import { GOOD_CARD, openPage, postPayment } from '../fixtures/checkout-form';
import { countCalls, recordSessionReads } from '../fixtures/dynamo-table';
import { DEMO_ENV, requester, seedBody, type ApiRequest } from '../fixtures/local-api';
import { awsTestEnv, describeAws, useMotoEnv } from '../fixtures/moto';

/**
 * moto 5.2 does not isolate concurrent writes (TransactWriteItems checks and writes item by item
 * without a lock; see test/aws/dynamo-session-faults.test.ts), so a race fired at it tests moto,
 * not our conditional writes. As there, the shared client's writes are sent one at a time, as
 * DynamoDB serialises writes to one item; the reads and the plans still race freely.
 */
function serialiseWrites(): void {
  let queue: Promise<unknown> = Promise.resolve();
  const writes = new Set(['TransactWriteItemsCommand', 'PutCommand', 'UpdateCommand', 'DeleteCommand', 'PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand']);
  const middleware = (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => (args: unknown) => {
    if (!writes.has(context.commandName ?? '')) return next(args);
    const turn = queue.then(() => next(args));
    queue = turn.catch(() => undefined);
    return turn;
  };
  dynamoDocumentClient().middlewareStack.add(middleware as never, { step: 'initialize', name: 'serialiseWritesForMoto' });
}

/** The operation endpoint on the AWS adapters (DynamoDB on moto), as each Lambda builds them. */
describeAws('operations over CHECKOUT_BACKEND=aws (moto)', () => {
  let aws: Awaited<ReturnType<typeof startLocalAws>>;
  let request: ApiRequest;
  let tableName: string;
  beforeAll(async () => {
    useMotoEnv();
    const suffix = `${process.pid}-${randomBytes(3).toString('hex')}`;
    const env = { ...DEMO_ENV, ...awsTestEnv(), CHECKOUT_STAGE: `ops-${suffix}`, CHECKOUT_TABLE: `ops-${suffix}` };
    aws = await startLocalAws({ port: 0, env, bootstrap: true });
    tableName = env.CHECKOUT_TABLE;
    serialiseWrites();
    request = requester(aws.url);
  }, 60_000);
  afterAll(() => aws.close());

  async function paid(body: Record<string, unknown> = {}, pgCode = 'sandbox-kwd') {
    const created = await request('POST', '/b/checkout/v1/pymt-txn/', { body: { ...seedBody(), notifications: {}, pg_codes: [pgCode], ...body } });
    expect(created.status).toBe(201);
    const id = created.json.session_id as string;
    const api = { request };
    const visit = await openPage(api, id);
    expect((await postPayment(api, id, { ...GOOD_CARD, pg_code: pgCode }, visit)).status).toBeLessThan(400);
    return id;
  }
  const operate = (body: Record<string, unknown>, headers: Record<string, string> = {}) => request('POST', '/b/pbl/v2/operation/', { body, headers });
  const doc = async (id: string) => (await request('GET', `/b/checkout/v1/pymt-txn/${id}`)).json;

  test('concurrent partial refunds never refund more than was paid (conditional writes on DynamoDB)', async () => {
    const id = await paid();
    const answers = await Promise.all(Array.from({ length: 8 }, () => operate({ session_id: id, operation: 'refund', amount: '3' })));
    const ok = answers.filter((answer) => answer.status === 200);
    // 14.000 paid: at most four refunds of 3.000 fit (the losers of a race re-read and re-plan).
    expect(ok.length).toBeLessThanOrEqual(4);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    for (const answer of answers.filter((a) => a.status !== 200)) expect([400, 409]).toContain(answer.status);
    const session = await doc(id);
    expect(session.transactions).toHaveLength(ok.length);
    expect(session.refunded_amount).toBe(`${ok.length * 3}.000`);
    // What is left is still refundable, and no more.
    const rest = await operate({ session_id: id, operation: 'refund' });
    expect(rest.json).toMatchObject({ amount: `${14 - ok.length * 3}.000`, result: 'success' });
    expect((await doc(id)).refunded_amount).toBe('14.000');
  }, 60_000);

  test('Tracking-Key on the DynamoDB idempotency store: concurrent repeats answer the first result, one refund', async () => {
    const id = await paid();
    const headers = { 'tracking-key': `aws-${randomBytes(4).toString('hex')}` };
    const answers = await Promise.all(Array.from({ length: 4 }, () => operate({ session_id: id, operation: 'refund', amount: '1.25' }, headers)));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    expect(new Set(answers.map((answer) => answer.json.reference_number)).size).toBe(1);
    expect(verifyWebhookSignature(answers[0]!.json, DEMO_ENV.CHECKOUT_DEMO_WEBHOOK_KEY)).toBe(true);
    expect((await doc(id)).refunded_amount).toBe('1.250');
  }, 60_000);

  test('capture, void, cancel, expire and delete on DynamoDB; a refund reads the session once', async () => {
    const authorized = await paid({ currency_code: 'USD', amount: '10' }, 'sandbox-authorize');
    expect((await operate({ session_id: authorized, operation: 'capture', amount: '4' })).json).toMatchObject({ amount: '4.00', txn: { state: 'paid' } });
    expect((await operate({ session_id: authorized, operation: 'void' })).status).toBe(400);
    const toVoid = await paid({}, 'sandbox-authorize');
    const voided = await operate({ session_id: toVoid, operation: 'void' });
    expect(voided.json).toMatchObject({ operation: 'void', result: 'success' });
    // Ottu's states: the parent stays authorized, with a voided child and nothing left to capture.
    expect(await doc(toVoid)).toMatchObject({ state: 'authorized', voided_amount: '14.000' });
    expect((await operate({ session_id: toVoid, operation: 'capture' })).status).toBe(400);
    // The child's own session_id finds it on DynamoDB (its CHILD# pointer item, then the parent).
    const child = await request('POST', '/b/pbl/v2/inquiry/', { body: { session_id: voided.json.txn.session_id } });
    expect(child.json).toMatchObject({ session_id: voided.json.txn.session_id, parent_session_id: toVoid, state: 'voided', operation: 'void' });

    const open = (await request('POST', '/b/checkout/v1/pymt-txn/', { body: { ...seedBody(), notifications: {}, order_no: `ops-${randomBytes(3).toString('hex')}` } })).json;
    expect((await operate({ order_no: open.order_no, operation: 'cancel' })).json).toMatchObject({ operation: 'cancel', result: 'success' });
    expect((await doc(open.session_id)).state).toBe('canceled');
    const other = (await request('POST', '/b/checkout/v1/pymt-txn/', { body: { ...seedBody(), notifications: {} } })).json.session_id;
    expect((await operate({ session_id: other, operation: 'expire' })).json.result).toBe('success');

    const refunded = await paid();
    const calls = countCalls(dynamoDocumentClient());
    const sessionReads = recordSessionReads(dynamoDocumentClient());
    await operate({ session_id: refunded, operation: 'refund', amount: '1' }); // warms the config cache
    calls.reset();
    sessionReads.reset();
    expect((await operate({ session_id: refunded, operation: 'refund', amount: '1' })).status).toBe(200);
    // One consistent read of the session, then its commit (how the commit is written is the
    // repository's business: today the child's pointer item, then the session with its event).
    // Counted by key: on a slow machine the configuration's 10 s cache may lapse between the two
    // refunds, and its read is another GetItem (a 4-worker run saw 2).
    expect(sessionReads.reads).toEqual(['strong']);
    expect(Object.keys(calls.counts).filter((call) => call !== 'GetItem' && !/Write|Put|Update/.test(call))).toEqual([]);

    expect((await operate({ session_id: refunded, operation: 'delete' })).json.result).toBe('success');
    expect((await request('GET', `/b/checkout/v1/pymt-txn/${refunded}`, { auth: 'none' })).status).toBe(404);

    // Deleted for good (an open session): the table's TTL will remove the item; meanwhile its
    // order_no is free and it keeps its expiry index keys (the delete wrote no index entry; the
    // sweep reads it and leaves it). A paid one is kept (no TTL).
    const openOrder = `ops-${randomBytes(3).toString('hex')}`;
    const toDelete = (await request('POST', '/b/checkout/v1/pymt-txn/', { body: { ...seedBody(), notifications: {}, order_no: openOrder } })).json.session_id;
    expect((await operate({ session_id: toDelete, operation: 'delete' })).json.result).toBe('success');
    const item = async (id: string) => (await dynamoDocumentClient().send(new GetCommand({ TableName: tableName, Key: sessionKey(id) }))).Item!;
    expect(await item(toDelete)).toMatchObject({ [TTL_ATTRIBUTE]: expect.any(Number) });
    const deleted = await item(toDelete);
    expect(deleted).toMatchObject(expiryIndexKeys({ session_id: toDelete, expires_at: String(deleted.expires_at) }));
    expect((await item(refunded))[TTL_ATTRIBUTE]).toBeUndefined();
    expect((await request('POST', '/b/checkout/v1/pymt-txn/', { body: { ...seedBody(), notifications: {}, order_no: openOrder } })).status).toBe(201);
  }, 60_000);

  test('inquiry with notify_webhook_url queues the status for the webhook worker (SQS), as every webhook', async () => {
    const id = await paid({ webhook_url: 'https://merchant.example/hooks' });
    const answer = await request('POST', '/b/pbl/v2/inquiry/', { body: { session_id: id, notify_webhook_url: true } });
    expect(answer.json).toMatchObject({ session_id: id, state: 'paid' });
    await request('POST', '/b/pbl/v2/inquiry/', { body: { session_id: id, webhook_url: 'https://other.example/status' } });
    const sqs = new SQSClient({});
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: aws.env.CHECKOUT_WEBHOOK_QUEUE_URL, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    const messages = (received.Messages ?? []).map((message) => JSON.parse(message.Body!));
    const event = expect.objectContaining({ session_id: id, type: 'paid', state: 'paid' });
    expect(messages).toContainEqual({ channel: 'webhook', status: true, event });
    expect(messages).toContainEqual({ channel: 'webhook', status: true, event, url: 'https://other.example/status' });
    sqs.destroy();
  }, 60_000);
});
