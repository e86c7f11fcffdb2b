import { CreateQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { randomBytes } from 'node:crypto';
import { CHANNELS, STREAM_FAILURES_QUEUE, WORK_QUEUE } from '../../functions/config/queues';
import { bootstrapAws } from '../../functions/local/aws-bootstrap';
import { DEMO_ENV } from '../fixtures/local-api';
import { awsTestEnv, describeAws, useMotoEnv } from '../fixtures/moto';

// `npm start` on moto must retry and dead-letter like a deployed stage: same numbers as the stack.
describeAws('bootstrap queues against moto: the settings of config/queues.ts', () => {
  const stage = `queues-${randomBytes(3).toString('hex')}`;
  let sqs: SQSClient;

  const attributesOf = async (name: string): Promise<Record<string, string>> => {
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
    return (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }))).Attributes ?? {};
  };

  beforeAll(async () => {
    useMotoEnv();
    sqs = new SQSClient({});
    // A queue an older bootstrap made with other settings is brought in line, not refused.
    await sqs.send(new CreateQueueCommand({ QueueName: `checkout-${stage}-email`, Attributes: { VisibilityTimeout: '30' } }));
    await bootstrapAws({ ...DEMO_ENV, ...awsTestEnv(), CHECKOUT_STAGE: stage });
  });

  afterAll(() => sqs.destroy());

  test.each(CHANNELS)('%s queue: visibility, retention and redrive to its DLQ', async (channel) => {
    const queue = await attributesOf(`checkout-${stage}-${channel}`);
    const dlq = await attributesOf(`checkout-${stage}-${channel}-dlq`);
    expect({
      visibility: Number(queue.VisibilityTimeout),
      retention: Number(queue.MessageRetentionPeriod),
      redrive: JSON.parse(queue.RedrivePolicy!),
      dlqRetention: Number(dlq.MessageRetentionPeriod),
    }).toEqual({
      visibility: WORK_QUEUE.visibilityTimeoutSeconds,
      retention: WORK_QUEUE.retentionSeconds,
      redrive: { deadLetterTargetArn: dlq.QueueArn, maxReceiveCount: WORK_QUEUE.maxReceiveCount },
      dlqRetention: WORK_QUEUE.dlqRetentionSeconds,
    });
  });

  test('the stream-failures queue exists with its retention, as in the stack', async () => {
    const queue = await attributesOf(`checkout-${stage}-stream-failures`);
    expect(Number(queue.MessageRetentionPeriod)).toBe(STREAM_FAILURES_QUEUE.retentionSeconds);
  });

  test('bootstrapping again keeps the queues as they are', async () => {
    const before = await attributesOf(`checkout-${stage}-webhook`);
    await bootstrapAws({ ...DEMO_ENV, ...awsTestEnv(), CHECKOUT_STAGE: stage });
    const after = await attributesOf(`checkout-${stage}-webhook`);
    expect(after.QueueArn).toBe(before.QueueArn);
    expect(after.RedrivePolicy).toBe(before.RedrivePolicy);
  });
});
