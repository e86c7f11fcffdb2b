import { CreateEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SesMailer } from '../../functions/adapters/aws/ses-mailer';
import { SnsSmsSender } from '../../functions/adapters/aws/sns-sms-sender';
import { SqsEventQueue } from '../../functions/adapters/aws/sqs-event-queue';
import { WORK_QUEUE } from '../../functions/config/queues';
import { PermanentDeliveryError } from '../../functions/domain/delivery-errors';
import { wire as deliverWebhookConsumer } from '../../functions/handlers/queue/deliver-webhook';
import { lambdaContext } from '../../functions/local/lambda-context';
import { createdEvent, eventPorts, sampleSession } from '../fixtures/event-ports';
import { randomBytes } from 'node:crypto';
import { describeAws, motoData, useMotoEnv } from '../fixtures/moto';
import { startReceiver } from '../fixtures/webhook-receiver';

// Other suites use the same moto at the same time (parallel jest workers): nothing here resets it,
// and every queue, identity, address and text is unique to this run, found by its own name.
describeAws('event adapters against moto', () => {
  const unique = () => `${process.pid}-${randomBytes(4).toString('hex')}`;
  let sqs: SQSClient;
  let urls: { webhook: string; email: string; sms: string };
  let dlqUrl: string;

  const clients: Array<{ destroy(): void }> = [];
  beforeAll(() => useMotoEnv());
  afterAll(() => clients.forEach((client) => client.destroy()));
  beforeEach(async () => {
    const run = unique();
    sqs = new SQSClient({});
    clients.push(sqs);
    const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `webhook-dlq-${run}` }));
    dlqUrl = dlq.QueueUrl!;
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }));
    const redrive = JSON.stringify({ deadLetterTargetArn: Attributes!.QueueArn, maxReceiveCount: WORK_QUEUE.maxReceiveCount });
    const queue = async (name: string) => (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { RedrivePolicy: redrive } }))).QueueUrl!;
    urls = { webhook: await queue(`webhook-${run}`), email: await queue(`email-${run}`), sms: await queue(`sms-${run}`) };
  });

  const receive = async (url: string, options: { attributes?: boolean } = {}) =>
    (
      await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
          MessageAttributeNames: ['All'],
          ...(options.attributes ? { MessageSystemAttributeNames: ['All'] } : {}),
        }),
      )
    ).Messages ?? [];

  test('SQS: publish, retryLater (ChangeMessageVisibility), deadLetter with the reason', async () => {
    const queue = new SqsEventQueue(sqs, urls);
    const session = sampleSession();
    const message = { channel: 'webhook' as const, event: createdEvent(session) };
    await queue.publish('webhook', message);

    const [first] = await receive(urls.webhook);
    expect(JSON.parse(first!.Body!)).toEqual(message);
    expect(first!.MessageAttributes?.event_type?.StringValue).toBe('created');
    await queue.retryLater('webhook', first!.ReceiptHandle!, 0);
    const [again] = await receive(urls.webhook); // visible again at once
    expect(again!.MessageId).toBe(first!.MessageId);
    await queue.retryLater('webhook', again!.ReceiptHandle!, 3600);
    expect(await receive(urls.webhook)).toHaveLength(0); // hidden for the next step

    await queue.deadLetter('webhook', JSON.stringify(message), 'gave up after 13 attempts; last: HTTP 503');
    const [parked] = await receive(dlqUrl);
    expect(parked!.MessageAttributes?.failure_reason?.StringValue).toBe('gave up after 13 attempts; last: HTTP 503');
  });

  test('redrive moves the DLQ back into the webhook queue', async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: dlqUrl, MessageBody: '{"a":1}' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: dlqUrl, MessageBody: '{"b":2}' }));
    expect(await new SqsEventQueue(sqs, urls).redrive('webhook')).toBe(2);
    expect((await receive(urls.webhook)).map((m) => m.Body).sort()).toEqual(['{"a":1}', '{"b":2}']);
    expect(await receive(dlqUrl)).toHaveLength(0);
  });

  test('the webhook consumer on a real SQS record: a 500 hides the message for the next attempt', async () => {
    const receiver = await startReceiver(500);
    try {
      const embedded = await eventPorts();
      await embedded.queue.close();
      const ports = { ...embedded, queue: new SqsEventQueue(sqs, urls) };
      const session = sampleSession({ webhook_url: receiver.url });
      const event = createdEvent(session);
      await ports.sessions.create(session, [event]);
      await ports.queue.publish('webhook', { channel: 'webhook', event });
      const records = (await receive(urls.webhook, { attributes: true })).map((m) => ({
        messageId: m.MessageId!,
        receiptHandle: m.ReceiptHandle!,
        body: m.Body!,
        attributes: m.Attributes as never,
        messageAttributes: {},
        md5OfBody: m.MD5OfBody!,
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:webhook',
        awsRegion: 'us-east-1',
      }));
      expect(records).toHaveLength(1);
      const result = await deliverWebhookConsumer(ports, { timeoutMs: 2000 })({ Records: records }, lambdaContext('DeliverWebhook', Date.now() + 30_000));
      expect(result.batchItemFailures).toEqual([{ itemIdentifier: records[0]!.messageId }]);
      expect(receiver.requests).toHaveLength(1);
      expect(await receive(urls.webhook)).toHaveLength(0); // ChangeMessageVisibility to ~30 s took it out of sight
      expect((await ports.sessions.get(session.session_id))!.webhook_status).toMatchObject({ state: 'retrying', attempts: 1, last_status_code: 500 });
    } finally {
      await receiver.close();
    }
  });

  test('SES: sends from the verified identity; a rejected message is permanent', async () => {
    const ses = new SESv2Client({});
    clients.push(ses);
    const run = unique();
    const from = `checkout-${run}@merchant.example`;
    const to = `huda-${run}@example.com`;
    await ses.send(new CreateEmailIdentityCommand({ EmailIdentity: from }));
    await new SesMailer(ses, from).send({ to, subject: 'تم استلام الدفعة', text: 'شكراً', html: '<p>شكراً</p>' });
    const sent = ((await motoData()).ses.Message as Array<{ destinations?: { ToAddresses?: string[] } }>).filter((m) => m.destinations?.ToAddresses?.includes(to));
    expect(sent).toEqual([expect.objectContaining({ source: from, destinations: { ToAddresses: [to] }, subject: 'تم استلام الدفعة', body: '<p>شكراً</p>' })]);

    const unverified = new SesMailer(ses, `nobody-${run}@elsewhere.example`);
    await expect(unverified.send({ to, subject: 's', text: 't', html: '<p>t</p>' })).rejects.toBeInstanceOf(PermanentDeliveryError);
  });

  test('SNS: publishes an SMS to the number; a number that is not E.164 is permanent', async () => {
    const sns = new SNSClient({});
    clients.push(sns);
    const text = `Payment received: 14.000 KWD (${unique()})`;
    await new SnsSmsSender(sns).send({ to: '+96550000000', text });
    const sms = JSON.stringify((await motoData()).sns);
    expect(sms).toContain(text);
    expect(sms).toContain('+96550000000');
    await expect(new SnsSmsSender(sns).send({ to: '+0965500', text: 'x' })).rejects.toBeInstanceOf(PermanentDeliveryError);
  });
});
