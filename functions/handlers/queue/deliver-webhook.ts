import { dynamoConfigWithWebhookKey } from '../../adapters/aws/dynamo-config-store';
import { dynamoIdempotency } from '../../adapters/aws/dynamo-idempotency-store';
import { dynamoSessions } from '../../adapters/aws/dynamo-session-repository';
import { sqsConsumerQueue } from '../../adapters/aws/sqs-event-queue';
import { HttpWebhookSender } from '../../adapters/http-webhook-sender';
import { randomIds } from '../../adapters/random-ids';
import { systemClock } from '../../adapters/system-clock';
import { deliverWebhook, WEBHOOK_TIMEOUT_MS, type DeliverWebhookPorts } from '../../app/deliver-webhook';
import { lambdaEntry } from '../lambda-entry';
import { logger } from '../logger';
import { queueFunction, queueHandler, type ConsumerPorts } from './queue-consumer';

export function wire(ports: DeliverWebhookPorts & ConsumerPorts, { timeoutMs = WEBHOOK_TIMEOUT_MS } = {}) {
  return queueHandler(queueFunction('webhook', ports, (message, attempt) => deliverWebhook(ports, { message, attempt }, { timeoutMs })));
}

export const build = () =>
  wire({
    sessions: dynamoSessions(),
    config: dynamoConfigWithWebhookKey(),
    idempotency: dynamoIdempotency(),
    queue: sqsConsumerQueue('webhook'),
    // Never loopback on AWS: CHECKOUT_ALLOW_LOOPBACK_WEBHOOKS is for the local runtime only.
    webhooks: new HttpWebhookSender({ allowLoopback: false }),
    clock: systemClock,
    ids: randomIds,
    log: logger,
  });
export const handler = lambdaEntry(build);
