import { CreateQueueCommand, DeleteMessageCommand, DeleteQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DeleteParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { randomBytes } from 'node:crypto';
import { MemoryEventQueue } from '../../functions/adapters/embedded/memory-event-queue';
import { SqsEventQueue } from '../../functions/adapters/aws/sqs-event-queue';
import { QUEUE_NAMES, WORK_QUEUE, type QueueName } from '../../functions/config/queues';
import { sharedParameterName } from '../../functions/config/stages';
import { runAdmin, type AdminIo } from '../../scripts/admin/commands';
import { describeAws, useMotoEnv } from '../fixtures/moto';

/**
 * A redrive moves the messages dead when it starts, once each, and ends, even when every
 * redriven message fails again at once (a merchant endpoint answering 404 sends it straight
 * back to the DLQ). The loop it replaced received until the DLQ read empty: 2 dead letters
 * became 1 249 requests to the merchant in a minute, and it never ended.
 */
describeAws('redrive: one pass over the dead letters', () => {
  const run = randomBytes(4).toString('hex');
  let sqs: SQSClient;
  const urls = {} as Record<QueueName, string>;
  const dlqs = {} as Record<QueueName, string>;
  let streamFailures: string;

  beforeAll(async () => {
    useMotoEnv();
    sqs = new SQSClient({});
    for (const channel of QUEUE_NAMES) {
      dlqs[channel] = (await sqs.send(new CreateQueueCommand({ QueueName: `redrive-${run}-${channel}-dlq` }))).QueueUrl!;
      const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqs[channel], AttributeNames: ['QueueArn'] }));
      const policy = JSON.stringify({ deadLetterTargetArn: Attributes!.QueueArn, maxReceiveCount: WORK_QUEUE.maxReceiveCount });
      urls[channel] = (await sqs.send(new CreateQueueCommand({ QueueName: `redrive-${run}-${channel}`, Attributes: { RedrivePolicy: policy } }))).QueueUrl!;
    }
    streamFailures = (await sqs.send(new CreateQueueCommand({ QueueName: `redrive-${run}-stream-failures` }))).QueueUrl!;
  });
  afterAll(async () => {
    for (const url of [...Object.values(urls), ...Object.values(dlqs), streamFailures]) await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
    sqs.destroy();
  });

  const count = async (url: string) => {
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
    return Number(Attributes!.ApproximateNumberOfMessages) + Number(Attributes!.ApproximateNumberOfMessagesNotVisible);
  };
  const drain = async (url: string) => {
    for (;;) {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
      if (Messages.length === 0) return;
      for (const m of Messages) await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
    }
  };

  /** A consumer whose every delivery fails for good: each message it receives goes back to the DLQ at once. */
  function failingConsumer(channel: QueueName, queue: SqsEventQueue, limit: number) {
    let running = true;
    let received = 0;
    const loop = (async () => {
      while (running && received < limit) {
        const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: urls[channel], MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
        for (const message of Messages) {
          received += 1;
          await queue.deadLetter(channel, message.Body!, 'HTTP 404 (permanent)');
          await sqs.send(new DeleteMessageCommand({ QueueUrl: urls[channel], ReceiptHandle: message.ReceiptHandle }));
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    return {
      received: () => received,
      stop: async () => {
        running = false;
        await loop;
      },
    };
  }

  test('SQS (the deployed stage and the local cloud): messages that fail again are sent once, and the redrive ends', async () => {
    const queue = new SqsEventQueue(sqs, urls);
    for (const body of ['{"n":1}', '{"n":2}', '{"n":3}']) await queue.deadLetter('webhook', body, 'HTTP 404');
    const consumer = failingConsumer('webhook', queue, 30);
    const moved = await queue.redrive('webhook');
    // Give the consumer time to dead-letter what it was sent, as it would during a longer redrive.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await consumer.stop();
    expect(moved).toBe(3);
    expect(consumer.received()).toBe(3);
    expect(await count(dlqs.webhook)).toBe(3); // dead again, waiting for the next redrive
    await drain(dlqs.webhook);
  }, 30_000);

  test('a message that dies after the redrive started is left for the next one', async () => {
    const queue = new SqsEventQueue(sqs, urls);
    await queue.deadLetter('email', '{"old":true}', 'SES refused');
    const before = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 1100)); // SentTimestamp has millisecond precision; keep clear of it
    await queue.deadLetter('email', '{"new":true}', 'SES refused');
    const { redriveDeadLetters } = await import('../../functions/adapters/aws/sqs-redrive');
    const result = await redriveDeadLetters(sqs, { from: dlqs.email, to: urls.email, startedAt: before + 500 });
    expect(result).toEqual({ found: 2, moved: 1, newer: 1 });
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: urls.email, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    expect(Messages.map((m) => m.Body)).toEqual(['{"old":true}']);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: urls.email, ReceiptHandle: Messages[0]!.ReceiptHandle }));
    // The one left is visible again at once, not hidden by the pass that skipped it.
    const { Messages: left = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqs.email, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    expect(left.map((m) => m.Body)).toEqual(['{"new":true}']);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: dlqs.email, ReceiptHandle: left[0]!.ReceiptHandle }));
  }, 30_000);

  test('embedded (npm start): the same one pass', async () => {
    const queue = new MemoryEventQueue({ delayScale: 0.001 });
    let calls = 0;
    queue.consume('webhook', async (event) => {
      for (const record of event.Records) {
        calls += 1;
        await queue.deadLetter('webhook', record.body, 'HTTP 404 (permanent)');
      }
    });
    for (const n of [1, 2]) await queue.deadLetter('webhook', `{"n":${n}}`, 'HTTP 404');
    expect(await queue.redrive('webhook')).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(calls).toBe(2);
    expect(queue.deadLetters('webhook')).toHaveLength(2);
    await queue.close();
  });

  test('npm run admin -- redrive --json: every DLQ, one JSON document, progress on stderr; status counts them', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const env = {
      ...process.env,
      CHECKOUT_STAGE: '',
      CHECKOUT_WEBHOOK_QUEUE_URL: urls.webhook,
      CHECKOUT_EMAIL_QUEUE_URL: urls.email,
      CHECKOUT_SMS_QUEUE_URL: urls.sms,
      CHECKOUT_SYNC_QUEUE_URL: urls.sync,
      CHECKOUT_STREAM_FAILURES_QUEUE_URL: streamFailures,
    };
    const io: AdminIo = { out: (l) => out.push(l), err: (l) => err.push(l), env, readStdin: async () => '', readFile: async () => '' };
    const queue = new SqsEventQueue(sqs, urls);
    await queue.deadLetter('webhook', '{"w":1}', 'HTTP 410');
    await queue.deadLetter('sms', '{"s":1}', 'SNS refused');
    await queue.deadLetter('sms', '{"s":2}', 'SNS refused');
    // An automatic inquiry the AutoInquiry worker gave up on (its own DLQ).
    await queue.deadLetter('sync', '{"session_id":"s","reference":"r","try":1,"delay_seconds":660}', 'gateway secret unreadable');

    expect(await runAdmin(['status', '--json'], io)).toBe(0);
    const status = JSON.parse(out.join('\n'));
    expect(status).toMatchObject({ ok: true, command: 'status', queues: { webhook: { dead: 1 }, email: { dead: 0 }, sms: { dead: 2 }, sync: { dead: 1 }, 'stream-failures': { dead: 0 } }, alarms_in_alarm: null });

    out.length = 0;
    expect(await runAdmin(['redrive', '--queue', 'all', '--json'], io)).toBe(0);
    expect(JSON.parse(out.join('\n'))).toEqual({
      ok: true,
      command: 'redrive',
      stage: null,
      redriven: {
        webhook: { found: 1, moved: 1, newer: 0 },
        email: { found: 0, moved: 0, newer: 0 },
        sms: { found: 2, moved: 2, newer: 0 },
        sync: { found: 1, moved: 1, newer: 0 },
        'stream-failures': { found: 0, moved: 0, newer: 0 },
      },
    });
    expect(err.map((l) => JSON.parse(l))).toContainEqual({ progress: 'sms: 2 of 2 moved' });
    expect(await count(urls.sms)).toBe(2);
    expect(await count(dlqs.sms)).toBe(0);
    expect([await count(urls.sync), await count(dlqs.sync)]).toEqual([1, 0]);

    out.length = 0;
    expect(await runAdmin(['redrive', '--queue', 'carrier-pigeon', '--json'], io)).toBe(2);
    expect(JSON.parse(out.join('\n')).error.fields.queue[0]).toMatch(/Use one of webhook, email, sms, sync, stream-failures or all/);
    for (const url of Object.values(urls)) await drain(url);
  }, 30_000);

  test('--stage reads the stage\'s queues from its SSM parameters', async () => {
    const ssm = new SSMClient({});
    const values: Record<string, string> = {}; // not table-name: the restore rehearsal owns that one
    for (const channel of QUEUE_NAMES) Object.assign(values, { [`${channel}-queue-url`]: urls[channel], [`${channel}-dlq-url`]: dlqs[channel] });
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: streamFailures, AttributeNames: ['QueueArn'] }));
    values['stream-failures-arn'] = Attributes!.QueueArn!;
    for (const [key, value] of Object.entries(values)) await ssm.send(new PutParameterCommand({ Name: sharedParameterName('staging', key), Value: value, Type: 'String', Overwrite: true }));
    try {
      await new SqsEventQueue(sqs, urls).deadLetter('email', '{"e":1}', 'SES refused');
      const out: string[] = [];
      // The shell's variables point elsewhere: --stage wins.
      const env = { ...process.env, CHECKOUT_EMAIL_QUEUE_URL: 'https://sqs.invalid/nowhere' };
      const io: AdminIo = { out: (l) => out.push(l), err: () => undefined, env, readStdin: async () => '', readFile: async () => '' };
      expect(await runAdmin(['status', '--stage', 'staging', '--json'], io)).toBe(0);
      const status = JSON.parse(out.join('\n'));
      expect(status).toMatchObject({ stage: 'staging', queues: { email: { dead: 1 } }, alarms_in_alarm: [], deploys: [{ stack: 'Checkout-staging-Data', status: 'NOT_DEPLOYED' }, { stack: 'Checkout-staging-Api', status: 'NOT_DEPLOYED' }] });
      out.length = 0;
      expect(await runAdmin(['redrive', '--stage', 'staging', '--queue', 'email', '--json'], io)).toBe(0);
      expect(JSON.parse(out.join('\n')).redriven.email).toEqual({ found: 1, moved: 1, newer: 0 });
      await drain(urls.email);
    } finally {
      for (const key of Object.keys(values)) await ssm.send(new DeleteParameterCommand({ Name: sharedParameterName('staging', key) }));
      ssm.destroy();
    }
  }, 30_000);
});
