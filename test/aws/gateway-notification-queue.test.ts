import { CreateQueueCommand, DeleteQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { randomBytes } from 'node:crypto';
import { SqsEventQueue } from '../../functions/adapters/aws/sqs-event-queue';
import type { InquiryMessage } from '../../functions/domain/inquiry';
import { demoConfig } from '../../functions/local/demo-config';
import { embeddedPorts } from '../../functions/local/embedded-ports';
import { listenGateway } from '../../functions/local/local-runtime';
import type { LocalMpgs } from '../../functions/local/mpgs/local-mpgs';
import { systemClock } from '../../functions/adapters/system-clock';
import { DEMO_ENV, requester, type ApiRequest } from '../fixtures/local-api';
import { startTestMpgs, testMpgsSecrets, TEST_MERCHANT } from '../fixtures/mpgs';
import { describeAws, useMotoEnv } from '../fixtures/moto';
import { sampleSession } from '../fixtures/sessions';

/**
 * The notification route with its sync queue on real SQS (moto): an authentic notification puts
 * the sync on the queue, due at once, and answers 200 without asking MPGS; a queue that refuses
 * the message makes it a 500 without internals (MPGS retries a non-2xx), never a 200.
 */
describeAws('the gateway notification route queues its sync on SQS', () => {
  const run = `${process.pid}-${randomBytes(4).toString('hex')}`;
  let sqs: SQSClient;
  let queueUrl: string;
  let mpgs: LocalMpgs;
  let api: ApiRequest;
  let close: () => Promise<void>;
  let ports: ReturnType<typeof embeddedPorts>;
  /** Where the route sends its syncs: the real queue, or one that does not exist. */
  let syncQueue: SqsEventQueue;

  beforeAll(async () => {
    useMotoEnv();
    sqs = new SQSClient({});
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `notify-sync-${run}` }))).QueueUrl!;
    mpgs = await startTestMpgs();
    const { config, credentials } = await demoConfig({ ...DEMO_ENV }, { host: mpgs.url, merchantId: TEST_MERCHANT.id, secrets: { api_password: TEST_MERCHANT.password, notification_secret: TEST_MERCHANT.notificationSecret } });
    ports = embeddedPorts(config, credentials.webhookKey, systemClock, { gatewaySecrets: testMpgsSecrets() });
    syncQueue = new SqsEventQueue(sqs, { sync: queueUrl });
    // The route table's handler modules, each given the embedded stores and the SQS sync queue.
    const gateway = await listenGateway(0, '127.0.0.1', (module) => module.wire({ ...ports, inquiries: { schedule: (message: InquiryMessage) => syncQueue.schedule(message) } }));
    api = requester(gateway.url);
    close = gateway.close;
  });
  afterAll(async () => {
    await close?.();
    await mpgs?.stop();
    await sqs?.send(new DeleteQueueCommand({ QueueUrl: queueUrl })).catch(() => undefined);
    sqs?.destroy();
  });

  let counter = 0;
  async function pendingMpgsSession() {
    counter += 1;
    const reference = `NQ${String(counter).padStart(10, '0')}`;
    const session = sampleSession({
      session_id: `${'7'.repeat(38)}${String(counter).padStart(2, '0')}`,
      amount: '14.125',
      pg_codes: ['mpgs-kwd'],
      state: 'pending',
      attempts: [{ reference_number: reference, pg_code: 'mpgs-kwd', result: 'pending', card_brand: 'card', card_last4: '', attempted_at: new Date().toISOString(), gateway: { session_id: `SESSION${counter}`, success_indicator: 'indicator' } }],
      reference_number: reference,
    });
    await ports.sessions.create(session, []);
    return { id: session.session_id, reference };
  }
  const notify = (id: string, reference: string) =>
    api('POST', `/checkout/notify/mpgs-kwd/${id}`, { auth: 'none', body: JSON.stringify({ order: { id: reference } }), headers: { 'content-type': 'application/json', 'x-notification-secret': TEST_MERCHANT.notificationSecret } });

  test('an authentic notification: the sync is on the queue, due at once, marked as the notification\'s; MPGS was not asked', async () => {
    const { id, reference } = await pendingMpgsSession();
    const answer = await notify(id, reference);
    expect(answer.status).toBe(200);
    const received = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }))).Messages ?? [];
    // It names the notification's request, so the sync's paid event and webhook do too.
    const requestId = answer.headers.get('x-request-id');
    expect(requestId).toMatch(/\S/);
    expect(received.map((message) => JSON.parse(message.Body!))).toEqual([{ session_id: id, reference, try: 1, delay_seconds: 0, trigger: 'notification', request_id: requestId }]);
    expect(mpgs.requests().filter((entry) => entry.path.startsWith('/api/'))).toEqual([]);
    expect((await ports.sessions.get(id))!.state).toBe('pending');
  });

  test('a queue that refuses the message: a 500 in Ottu\'s shape, without internals, so MPGS retries; nothing changed', async () => {
    const { id, reference } = await pendingMpgsSession();
    const before = await ports.sessions.get(id);
    syncQueue = new SqsEventQueue(sqs, { sync: `${queueUrl}-missing` });
    try {
      const answer = await notify(id, reference);
      expect(answer.status).toBe(500);
      expect(answer.json).toEqual({ detail: 'A server error occurred.' });
      expect(answer.text).not.toMatch(/queue|sqs|NonExistent|missing/i);
    } finally {
      syncQueue = new SqsEventQueue(sqs, { sync: queueUrl });
    }
    expect(await ports.sessions.get(id)).toEqual(before);
    expect(mpgs.requests().filter((entry) => entry.path.startsWith('/api/'))).toEqual([]);
    // MPGS's retry, once the queue takes it again: 200 and queued.
    expect((await notify(id, reference)).status).toBe(200);
    const received = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }))).Messages ?? [];
    expect(received.map((message) => JSON.parse(message.Body!).session_id)).toEqual([id]);
  });
});
